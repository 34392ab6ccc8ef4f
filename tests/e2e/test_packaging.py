"""packaging/: the Qt trim rules, the wheelhouse plumbing, the site configuration example, the
installer script; and (opt-in, slow) the whole packaging smoke test.

The full build runs in CI through packaging/smoke.sh. Here it runs only when asked:
    TAPDESK_PACKAGING_SMOKE=1 .venv/bin/python -m pytest tests/e2e/test_packaging.py -m slow
"""

from __future__ import annotations

import hashlib
import importlib
import json
import ntpath
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tapdesk.config import _FILE_KEYS, read_file

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
EXAMPLE = PACKAGING / "site" / "tapdesk.toml.example"
ISS = PACKAGING / "windows" / "tapdesk.iss"


def load(name: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """A packaging/ script as a module (they import each other by bare name)."""
    monkeypatch.syspath_prepend(str(PACKAGING))
    return importlib.import_module(name)


@pytest.fixture
def qt_trim(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    return load("qt_trim", monkeypatch)


@pytest.fixture
def wheelhouse(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    return load("wheelhouse", monkeypatch)


# --- the scripts ---------------------------------------------------------------------------------
@pytest.mark.parametrize("script", ["build.py", "wheelhouse.py"])
def test_scripts_need_nothing_but_the_standard_library(script: str) -> None:
    # -S: no site-packages at all, -s: no user site, -E: no PYTHON* variables.
    result = subprocess.run(
        [sys.executable, "-E", "-s", "-S", str(PACKAGING / script), "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "--out" in result.stdout


def test_ci_smoke_script_builds_linux_and_the_windows_wheelhouse_and_stops_on_errors() -> None:
    """The Windows wheelhouse is built in CI too: wheelhouse.check_required stops the build
    when it lacks the WAM broker (pymsalruntime)."""
    text = (PACKAGING / "smoke.sh").read_text(encoding="utf-8")
    assert "set -euo pipefail" in text
    assert "packaging/build.py --targets linux,windows --out" in text
    assert os.access(PACKAGING / "smoke.sh", os.X_OK)


# --- Qt trimming ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "dest",
    [
        "PySide6/Qt/translations/qtbase_de.qm",
        "PySide6/translations/qt_fr.qm",  # Windows wheel layout
        "PySide6/Qt/lib/libQt6Network.so.6",
        "PySide6/Qt/lib/libQt6Qml.so.6",
        "PySide6/Qt/lib/libQt6QuickWidgets.so.6",
        "PySide6/Qt/lib/libQt6WaylandClient.so.6",
        "PySide6/Qt/lib/libQt6EglFSDeviceIntegration.so.6",
        "PySide6/Qt/lib/libQt6Svg.so.6",
        "PySide6/Qt6Network.dll",
        "PySide6/Qt/lib/QtNetwork.framework/Versions/A/QtNetwork",
        "PySide6/QtNetwork.abi3.so",
        "PySide6/QtDBus.pyd",
        "PySide6/opengl32sw.dll",
        "PySide6/Qt/plugins/platforms/libqwayland.so",
        "PySide6/Qt/plugins/platforms/libqeglfs.so",
        "PySide6/Qt/plugins/platforms/libqvnc.so",
        "PySide6/Qt/plugins/platforms/libqlinuxfb.so",
        "PySide6/plugins/platforms/qdirect2d.dll",
        "PySide6/Qt/plugins/wayland-shell-integration/libxdg-shell.so",
        "PySide6/Qt/plugins/tls/libqopensslbackend.so",
        "PySide6/Qt/plugins/networkinformation/libqnetworkmanager.so",
        "PySide6/Qt/plugins/imageformats/libqjpeg.so",
        "PySide6/Qt/plugins/imageformats/libqsvg.so",
        "PySide6/Qt/plugins/iconengines/libqsvgicon.so",
        "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
        "PySide6/Qt/plugins/xcbglintegrations/libqxcb-glx-integration.so",
        "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
    ],
)
def test_unused_qt_parts_go(qt_trim: ModuleType, dest: str) -> None:
    assert qt_trim.drop_reason(dest, keep_svg=False)


@pytest.mark.parametrize(
    "dest",
    [
        "PySide6/Qt/lib/libQt6Core.so.6",
        "PySide6/Qt/lib/libQt6Gui.so.6",
        "PySide6/Qt/lib/libQt6Widgets.so.6",
        "PySide6/Qt/lib/libQt6DBus.so.6",  # QtGui links it on Linux
        "PySide6/Qt/lib/libQt6XcbQpa.so.6",
        "PySide6/Qt/lib/libicudata.so.73",
        "PySide6/Qt6Widgets.dll",
        "PySide6/Qt/lib/QtWidgets.framework/Versions/A/QtWidgets",
        "PySide6/QtWidgets.abi3.so",
        "PySide6/QtGui.pyd",
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so",
        "PySide6/Qt/plugins/platforms/libqminimal.so",
        "PySide6/plugins/platforms/qwindows.dll",
        "PySide6/Qt/plugins/platforms/libqcocoa.dylib",
        "PySide6/plugins/styles/qmodernwindowsstyle.dll",
        "PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so",
        "PySide6/Qt/plugins/platforminputcontexts/libcomposeplatforminputcontextplugin.so",
        "PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so",
        "tapdesk/resources/flows/oobe-pass.toml",
        "libpython3.11.so.1.0",
        "cryptography/hazmat/bindings/_rust.abi3.so",
    ],
)
def test_what_the_app_uses_stays(qt_trim: ModuleType, dest: str) -> None:
    assert qt_trim.drop_reason(dest, keep_svg=False) is None


def test_svg_stays_when_the_app_ships_svg(qt_trim: ModuleType) -> None:
    for dest in (
        "PySide6/Qt/lib/libQt6Svg.so.6",
        "PySide6/QtSvg.abi3.so",
        "PySide6/Qt/plugins/imageformats/libqsvg.so",
        "PySide6/Qt/plugins/iconengines/libqsvgicon.so",
    ):
        assert qt_trim.drop_reason(dest, keep_svg=True) is None, dest
    assert qt_trim.drop_reason("PySide6/Qt/plugins/imageformats/libqjpeg.so", keep_svg=True)


def test_libraries_only_dropped_parts_linked_are_pruned(qt_trim: ModuleType) -> None:
    binaries = [
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "/x/libqgtk3.so", "BINARY"),
        ("libgtk-3.so.0", "/usr/lib/libgtk-3.so.0", "BINARY"),
        ("libcairo.so.2", "/usr/lib/libcairo.so.2", "BINARY"),
        ("libglib-2.0.so.0", "/usr/lib/libglib-2.0.so.0", "BINARY"),
        ("PySide6/Qt/lib/libQt6Gui.so.6", "/x/libQt6Gui.so.6", "BINARY"),
        ("PySide6/QtGui.abi3.so", "/x/QtGui.abi3.so", "EXTENSION"),
        ("libffi.so.8", "/usr/lib/libffi.so.8", "BINARY"),  # linked by nothing: a hook's choice
    ]
    links = {
        "/x/libqgtk3.so": ["/usr/lib/libgtk-3.so.0", "/x/libQt6Gui.so.6"],
        "/usr/lib/libgtk-3.so.0": ["/usr/lib/libcairo.so.2", "/usr/lib/libglib-2.0.so.0"],
        "/x/libQt6Gui.so.6": ["/usr/lib/libglib-2.0.so.0"],
        "/x/QtGui.abi3.so": ["/x/libQt6Gui.so.6"],
    }
    datas = [("libgtk-3.so.0.link", "libgtk-3.so.0", "SYMLINK"), ("flows/a.toml", "/s/a", "DATA")]
    kept, kept_datas, report = qt_trim.trim(
        binaries, datas, keep_svg=False, imports_of=lambda src: links.get(src, [])
    )
    # gtk and cairo served the GTK theme only; glib and QtGui serve the rest too.
    assert [dest for dest, _, _ in kept] == [
        "libglib-2.0.so.0",
        "PySide6/Qt/lib/libQt6Gui.so.6",
        "PySide6/QtGui.abi3.so",
        "libffi.so.8",
    ]
    assert [dest for dest, _, _ in kept_datas] == ["flows/a.toml"]
    assert report["libraries only the dropped parts linked to"] == 2


def test_pruning_is_skipped_rather_than_guessed_when_imports_cannot_be_read(
    qt_trim: ModuleType,
) -> None:
    binaries = [
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "/x/libqgtk3.so", "BINARY"),
        ("libgtk-3.so.0", "/usr/lib/libgtk-3.so.0", "BINARY"),
    ]

    def broken(src: str) -> list[str]:
        raise OSError("ldd missing")

    kept, _, _ = qt_trim.trim(binaries, [], keep_svg=False, imports_of=broken)
    assert [dest for dest, _, _ in kept] == ["libgtk-3.so.0"]


def test_symlinks_follow_their_targets(qt_trim: ModuleType) -> None:
    binaries = [
        ("PySide6/Qt/lib/libQt6Network.so.6", "/x/n", "BINARY"),
        ("PySide6/Qt/lib/libQt6Core.so.6", "/x/c", "BINARY"),
    ]
    datas = [
        ("libQt6Network.so.6", "PySide6/Qt/lib/libQt6Network.so.6", "SYMLINK"),
        ("libQt6Core.so.6", "PySide6/Qt/lib/libQt6Core.so.6", "SYMLINK"),
    ]
    _, kept_datas, _ = qt_trim.trim(binaries, datas, keep_svg=False)
    assert [dest for dest, _, _ in kept_datas] == ["libQt6Core.so.6"]


def test_spec_ships_every_keyring_backend_and_the_entry_points() -> None:
    spec = (PACKAGING / "tapdesk.spec").read_text(encoding="utf-8")
    for backend in ("SecretService", "Windows", "macOS", "fail", "null"):
        assert f'"keyring.backends.{backend}"' in spec
    assert 'copy_metadata("keyring")' in spec
    assert 'collect_submodules("tapdesk")' in spec


# --- wheelhouse plumbing -------------------------------------------------------------------------
def test_targets_and_aliases(wheelhouse: ModuleType) -> None:
    assert wheelhouse.parse_targets("linux") == ["linux"]
    assert wheelhouse.parse_targets("macos,linux,macos-arm64") == [
        "macos-arm64",
        "macos-x86_64",
        "linux",
    ]
    assert wheelhouse.parse_targets("all") == ["windows", "macos-arm64", "macos-x86_64", "linux"]
    with pytest.raises(Exception, match="unknown target"):
        wheelhouse.parse_targets("solaris")


def test_each_target_is_resolved_and_downloaded_for_itself(wheelhouse: ModuleType) -> None:
    t = wheelhouse.TARGETS
    assert t["windows"].uv_platform == "x86_64-pc-windows-msvc"
    assert t["windows"].pip_platforms == ("win_amd64",)
    assert t["macos-arm64"].uv_platform == "aarch64-apple-darwin"
    # PySide6 is macosx_13_0_universal2: the tag must be at least 13.
    assert t["macos-arm64"].pip_platforms == ("macosx_13_0_arm64",)
    assert t["macos-x86_64"].pip_platforms == ("macosx_13_0_x86_64",)
    linux = t["linux"].pip_platforms
    assert linux[0] == "manylinux_2_34_x86_64"
    assert {"manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64"} <= set(linux)


def test_wheel_names_and_pins(wheelhouse: ModuleType) -> None:
    assert wheelhouse.parse_wheel_name(
        "PySide6_Essentials-6.11.3-cp39-abi3-manylinux_2_34_x86_64.whl"
    ) == ("pyside6-essentials", "6.11.3")
    assert wheelhouse.parse_wheel_name("jaraco.classes-3.4.0-py3-none-any.whl") == (
        "jaraco-classes",
        "3.4.0",
    )
    pins = "anyio==4.16.0 \\\n    --hash=sha256:aa\nPySide6-Essentials==6.11.3 \\\n    --hash=sha256:bb\n"
    assert wheelhouse.pinned_names(pins) == {"anyio", "pyside6-essentials"}


def test_requirements_pin_every_file_by_its_own_hash(
    wheelhouse: ModuleType, tmp_path: Path
) -> None:
    wheels = [tmp_path / "tapdesk-0.1.0-py3-none-any.whl", tmp_path / "qrcode-8.2-py3-none-any.whl"]
    for wheel in wheels:
        wheel.write_bytes(wheel.name.encode())
    text = wheelhouse.requirements_text(wheels, wheelhouse.TARGETS["linux"], "0.1.0")
    lines = [line.strip() for line in text.splitlines() if not line.startswith("#")]
    expected = hashlib.sha256(b"qrcode-8.2-py3-none-any.whl").hexdigest()
    assert lines[:2] == ["qrcode==8.2 \\", f"--hash=sha256:{expected}"]
    assert lines[2] == "tapdesk==0.1.0 \\"


@pytest.mark.parametrize("family", ["windows", "macos", "linux"])
def test_install_notes_give_the_offline_command_and_the_site_file(
    wheelhouse: ModuleType, family: str
) -> None:
    target = next(t for t in wheelhouse.TARGETS.values() if t.os_family == family)
    text = wheelhouse.install_text(target, "0.1.0")
    assert "--isolated --no-index --find-links . --require-hashes" in text
    assert f"requirements-{target.name}.txt" in text
    assert "SHA256SUMS" in text
    assert "tapdesk.toml" in text


# --- site configuration --------------------------------------------------------------------------
def test_site_example_is_valid_as_shipped() -> None:
    values = read_file(EXAMPLE, site=True)
    assert values["allow_plaintext_cache"] is False
    assert values["broker"] is True
    assert values["clipboard_clear_seconds"] > 0


def test_site_example_documents_every_setting_and_each_example_is_valid(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    uncommented = re.sub(r"(?m)^# (\w+ = )", r"\1", text)
    for section, key in _FILE_KEYS:
        assert re.search(rf"(?ms)^\[{section}\].*?^{key} = ", uncommented), f"{section}.{key}"
    everything = tmp_path / "tapdesk.toml"
    everything.write_text(uncommented, encoding="utf-8")
    assert len(read_file(everything, site=True)) == len(_FILE_KEYS)


def test_documented_site_paths_are_where_the_app_looks(monkeypatch: pytest.MonkeyPatch) -> None:
    from platformdirs.macos import MacOS
    from platformdirs.unix import Unix
    from platformdirs.windows import Windows

    monkeypatch.delenv("XDG_CONFIG_DIRS", raising=False)
    # Off Windows, platformdirs resolves CSIDL_COMMON_APPDATA from this override only.
    monkeypatch.setenv("WIN_PD_OVERRIDE_COMMON_APPDATA", "C:\\ProgramData")
    unix = Unix("tapdesk", appauthor=False).site_config_dir
    mac = MacOS("tapdesk", appauthor=False).site_config_dir
    windows = ntpath.normpath(Windows("tapdesk", appauthor=False).site_config_dir)
    documented = EXAMPLE.read_text(encoding="utf-8")
    assert unix == "/etc/xdg/tapdesk"
    assert mac == "/Library/Application Support/tapdesk"
    for path in (f"{unix}/tapdesk.toml", f"{mac}/tapdesk.toml", f"{windows}\\tapdesk.toml"):
        assert path in documented, path
    assert windows == "C:\\ProgramData\\tapdesk"
    iss = ISS.read_text(encoding="utf-8")
    assert '"{commonappdata}\\tapdesk"; DestName: "tapdesk.toml"' in iss


# --- Windows installer script --------------------------------------------------------------------
def test_installer_is_per_machine_documented_and_keeps_user_data() -> None:
    iss = ISS.read_text(encoding="utf-8")
    assert "NOT BUILT OR RUN IN OUR CI" in iss
    assert "PrivilegesRequired=admin" in iss
    assert "DefaultDirName={autopf}\\tapdesk" in iss
    assert "{autoprograms}\\tapdesk" in iss
    for switch in ("/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART", "/SITECONFIG="):
        assert switch in iss
    assert "{param:SITECONFIG|}" in iss
    assert "uninsneveruninstall" in iss
    assert "[UninstallDelete]" not in iss
    assert "tapdesk-cli.exe" in iss


def _entries(iss: str, section: str) -> list[str]:
    """The entries of one [section], continuation lines joined, comments dropped."""
    body = re.search(rf"(?ms)^\[{section}\]\n(.*?)(?=^\[|\Z)", iss)
    assert body, section
    joined = re.sub(r"\\\n\s*", "", body.group(1))
    return [line for line in joined.splitlines() if line.strip() and not line.startswith(";")]


def test_installer_locks_the_site_folder_to_administrators() -> None:
    """Issue 12: only the site file at the system location may relax security settings, and
    ProgramData lets any user create files in a new subfolder, so the installer locks it."""
    iss = ISS.read_text(encoding="utf-8")
    folder = "{commonappdata}\\tapdesk"
    [made] = [e for e in _entries(iss, "Dirs") if f'Name: "{folder}"' in e]
    assert "Permissions: admins-full system-full users-readexec" in made
    assert "uninsneveruninstall" in made
    run = _entries(iss, "Run")
    icacls = [e for e in run if "icacls.exe" in e]
    launch = next(i for i, e in enumerate(run) if "postinstall" in e)
    assert icacls and all(run.index(e) < launch for e in icacls)  # before the app may start
    assert all(f'""{folder}""' in e and "nowait" not in e for e in icacls)
    steps = [re.search(r'Parameters: "(.*)"', e).group(1) for e in icacls]  # type: ignore[union-attr]
    assert "/setowner *S-1-5-32-544" in steps[0]  # a user who made the folder first loses it
    assert "/reset /T" in steps[1]
    final = steps[2].split()
    assert "/inheritance:r" in final and "/grant:r" in final  # nothing inherited from ProgramData
    grants = {g for g in final if g.startswith("*S-")}
    assert grants == {
        "*S-1-5-32-544:(OI)(CI)F",  # Administrators
        "*S-1-5-18:(OI)(CI)F",  # SYSTEM
        "*S-1-5-32-545:(OI)(CI)RX",  # Users: read only
    }


# --- the whole thing (slow, opt-in; CI runs packaging/smoke.sh instead) --------------------------
@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("TAPDESK_PACKAGING_SMOKE") != "1", reason="set TAPDESK_PACKAGING_SMOKE=1"
)
def test_packaging_smoke(tmp_path: Path) -> None:
    env = dict(os.environ, TAPDESK_PACKAGING_OUT=str(tmp_path / "out"))
    result = subprocess.run(
        ["bash", str(PACKAGING / "smoke.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    report = json.loads((tmp_path / "out" / "build-report.json").read_text(encoding="utf-8"))
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert report["sizes"]["ratio_met"]
    assert all(step["status"] != "FAIL" for step in report["smoke"])
    assert all(step["status"] != "FAIL" for step in report["wheelhouse"]["linux"]["smoke"])
    windows = Path(report["wheelhouse"]["windows"]["folder"])
    assert list(windows.glob("pymsalruntime-*-win_amd64.whl"))
