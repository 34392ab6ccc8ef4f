"""Issue 19, the Windows build: the broker always in, the installer upgrade-safe and never
launching tapdesk elevated, an icon and version resources, one command for bundle, installer and
checksums. Nothing here runs on Windows: the tests read the Inno script and drive build.py's and
wheelhouse.py's steps with stand-ins for pip, PyInstaller and ISCC.

The real Windows wheelhouse needs PyPI: like tests/e2e/test_packaging.py, that test runs only when
asked (TAPDESK_PACKAGING_SMOKE=1).
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import os
import re
import struct
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
ISS = PACKAGING / "windows" / "tapdesk.iss"


def load(name: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(PACKAGING))
    return importlib.import_module(name)


@pytest.fixture
def build(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    return load("build", monkeypatch)


@pytest.fixture
def wheelhouse(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    return load("wheelhouse", monkeypatch)


def iss_text() -> str:
    return ISS.read_text(encoding="utf-8")


def entries(section: str) -> list[str]:
    """One [section]'s entries, continuation lines joined, comments dropped."""
    body = re.search(rf"(?ms)^\[{section}\]\n(.*?)(?=^\[|\Z)", iss_text())
    assert body, section
    joined = re.sub(r"\\\n\s*", "", body.group(1))
    return [line for line in joined.splitlines() if line.strip() and not line.startswith(";")]


def setup_directive(name: str) -> str:
    [line] = [e for e in entries("Setup") if e.startswith(f"{name}=")]
    return line.split("=", 1)[1]


# --- the Inno Setup script -------------------------------------------------------------------
def test_upgrade_deletes_the_old_bundle_before_copying_the_new_one() -> None:
    """Stale DLLs and Qt plugins of the previous version must not survive an upgrade."""
    assert entries("InstallDelete") == ['Type: filesandordirs; Name: "{app}\\_internal"']
    assert setup_directive("CloseApplications") == "yes"  # tapdesk closed before the delete


def test_the_launch_after_install_runs_as_the_user_not_elevated() -> None:
    [launch] = [e for e in entries("Run") if '"{app}\\tapdesk.exe"' in e]
    flags = re.search(r"Flags: ([^;]+)", launch).group(1).split()  # type: ignore[union-attr]
    assert {"postinstall", "runasoriginaluser", "nowait", "skipifsilent"} <= set(flags)
    assert "runascurrentuser" not in flags
    # The folder locks still run elevated (no postinstall, no runasoriginaluser).
    icacls = [e for e in entries("Run") if "icacls.exe" in e]
    assert icacls and not any("runasoriginaluser" in e or "postinstall" in e for e in icacls)


def test_installer_has_an_icon_and_a_version_resource() -> None:
    icon = ISS.parent / setup_directive("SetupIconFile")
    data = icon.read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1) and count >= 4  # an .ico with several sizes
    sizes = {data[6 + 16 * i] or 256 for i in range(count)}
    assert {16, 32, 48, 256} <= sizes
    assert setup_directive("VersionInfoVersion") == "{#NumericVersion}"
    assert setup_directive("VersionInfoProductVersion") == "{#NumericVersion}"
    assert setup_directive("VersionInfoTextVersion") == "{#AppVersion}"
    assert setup_directive("VersionInfoProductName") == "tapdesk"
    assert '#define NumericVersion "0.0.0.0"' in iss_text()


def test_installer_notes_give_the_one_command_build_not_one_without_the_broker() -> None:
    text = iss_text()
    assert "packaging\\build.py --targets windows" in text
    assert "build.py --skip-wheelhouse   (makes" not in text  # the old instruction


def test_the_exe_gets_the_icon_and_the_version_file_build_py_writes() -> None:
    spec = (PACKAGING / "tapdesk.spec").read_text(encoding="utf-8")
    assert 'Path(SPECPATH) / "windows" / "tapdesk.ico"' in spec
    assert 'os.environ.get("TAPDESK_VERSION_FILE")' in spec
    assert "version=VERSION_FILE" in spec


# --- build.py: the broker is always in the Windows build --------------------------------------
def _fake_build_venv(
    build: ModuleType, monkeypatch: pytest.MonkeyPatch, installed: dict[str, str]
) -> list[tuple[Any, ...]]:
    calls: list[tuple[Any, ...]] = []
    toolbox = build.toolbox
    monkeypatch.setattr(toolbox, "make_venv", lambda env_dir: env_dir / "python")
    monkeypatch.setattr(toolbox, "pip", lambda python, *args, log_file=None: calls.append(args))
    monkeypatch.setattr(toolbox, "installed", lambda python: installed)
    return calls


def test_build_without_wheelhouse_installs_tapdesk_with_the_broker_extra(
    build: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    packages = {"pyside6-essentials": "6.11.3", "pymsalruntime": "0.20.7"}
    calls = _fake_build_venv(build, monkeypatch, packages)
    monkeypatch.setattr(build.toolbox, "WINDOWS", True)
    wheel = tmp_path / "tapdesk-0.1.0-py3-none-any.whl"
    build.build_env(tmp_path / "venv", wheel, None, tmp_path / "logs")
    assert calls[0] == ("install", f"{wheel}[broker]")


def test_windows_build_stops_when_the_venv_has_no_broker(
    build: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _fake_build_venv(build, monkeypatch, {"pyside6-essentials": "6.11.3"})
    monkeypatch.setattr(build.toolbox, "WINDOWS", True)
    with pytest.raises(build.StepFailed) as failure:
        build.build_env(tmp_path / "venv", tmp_path / "t.whl", None, tmp_path / "logs")
    assert "pymsalruntime (the Windows sign-in broker) is not in the build venv" in str(
        failure.value
    )
    assert "tapdesk[broker]" in str(failure.value)  # the fix


def test_windows_build_stops_when_the_bundle_has_no_broker(
    build: ModuleType, tmp_path: Path
) -> None:
    bundle = tmp_path / "tapdesk"
    (bundle / "_internal").mkdir(parents=True)
    with pytest.raises(build.StepFailed, match="pymsalruntime is missing from the bundle"):
        build.require_broker_in_bundle(bundle, windows=True)
    build.require_broker_in_bundle(bundle, windows=False)  # Linux/macOS bundles have none
    (bundle / "_internal" / "pymsalruntime").mkdir()
    build.require_broker_in_bundle(bundle, windows=True)


# --- wheelhouse.py: the Windows wheelhouse holds the broker -----------------------------------
def _fake_wheelhouse_build(
    wheelhouse: ModuleType, monkeypatch: pytest.MonkeyPatch, names: list[str]
) -> None:
    def resolve(uv: Path, target: Any, dest: Path) -> None:
        dest.write_text("".join(f"{n}==1.0 \\\n    --hash=sha256:00\n" for n in names))

    def download(target: Any, pins: Path, dest: Path) -> None:
        for name in names:
            (dest / f"{name.replace('-', '_')}-1.0-py3-none-any.whl").write_bytes(b"w")

    monkeypatch.setattr(wheelhouse, "resolve", resolve)
    monkeypatch.setattr(wheelhouse, "download", download)


def test_windows_wheelhouse_without_the_broker_stops_the_build(
    wheelhouse: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _fake_wheelhouse_build(wheelhouse, monkeypatch, ["msal", "pyside6-essentials"])
    tapdesk = tmp_path / "tapdesk-0.1.0-py3-none-any.whl"
    tapdesk.write_bytes(b"wheel")
    target = wheelhouse.TARGETS["windows"]
    with pytest.raises(wheelhouse.StepFailed) as failure:
        wheelhouse.build_target(Path("uv"), target, tapdesk, tmp_path / "out", tmp_path, "0.1.0")
    assert "windows: the wheelhouse has no pymsalruntime" in str(failure.value)
    assert "'broker' extra" in str(failure.value)


def test_windows_wheelhouse_with_the_broker_pins_it(
    wheelhouse: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _fake_wheelhouse_build(wheelhouse, monkeypatch, ["msal", "pymsalruntime"])
    tapdesk = tmp_path / "tapdesk-0.1.0-py3-none-any.whl"
    tapdesk.write_bytes(b"wheel")
    target = wheelhouse.TARGETS["windows"]
    wheelhouse.build_target(Path("uv"), target, tapdesk, tmp_path / "out", tmp_path, "0.1.0")
    folder = tmp_path / "out" / "tapdesk-0.1.0-wheels-windows"
    assert "pymsalruntime==1.0" in (folder / "requirements-windows.txt").read_text()


def test_every_wheelhouse_is_resolved_with_the_broker_extra(
    wheelhouse: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    commands: list[list[str]] = []
    monkeypatch.setattr(wheelhouse.toolbox, "run", lambda cmd, **kw: commands.append(cmd))
    wheelhouse.resolve(Path("uv"), wheelhouse.TARGETS["windows"], tmp_path / "pins.txt")
    [cmd] = commands
    assert cmd[cmd.index("--extra") + 1] == "broker"
    assert cmd[cmd.index("--python-platform") + 1] == "x86_64-pc-windows-msvc"


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("TAPDESK_PACKAGING_SMOKE") != "1", reason="set TAPDESK_PACKAGING_SMOKE=1"
)
def test_the_real_windows_wheelhouse_holds_pymsalruntime(
    wheelhouse: ModuleType, tmp_path: Path
) -> None:
    summary = wheelhouse.build(["windows"], tmp_path / "wheelhouse", verify_host=False)
    folder = Path(str(summary["windows"]["folder"]))
    pins = (folder / "requirements-windows.txt").read_text(encoding="utf-8")
    assert re.search(r"(?m)^pymsalruntime==", pins)
    assert list(folder.glob("pymsalruntime-*-win_amd64.whl"))


# --- build.py: one command makes bundle, installer and checksums ------------------------------
def test_iscc_is_found_on_path_or_in_its_default_folders(build: ModuleType, tmp_path: Path) -> None:
    assert build.find_iscc({"PATH": str(tmp_path / "empty")}) is None
    iscc = tmp_path / "x86" / "Inno Setup 6" / "ISCC.exe"
    iscc.parent.mkdir(parents=True)
    iscc.write_bytes(b"")
    assert build.find_iscc({"PATH": "", "ProgramFiles(x86)": str(tmp_path / "x86")}) == iscc


def test_installer_command_passes_version_bundle_and_output(
    build: ModuleType, tmp_path: Path
) -> None:
    cmd = build.installer_command(Path("ISCC.exe"), "0.1.0", tmp_path / "b", tmp_path / "out")
    assert cmd[0] == "ISCC.exe" and cmd[-1] == str(ISS)
    assert {"/DAppVersion=0.1.0", "/DNumericVersion=0.1.0.0", f"/DSourceDir={tmp_path / 'b'}"} <= (
        set(cmd)
    )
    assert f"/O{tmp_path / 'out'}" in cmd


def test_windows_publish_checksums_the_archive_and_the_installer(
    build: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    archive = tmp_path / "tapdesk-0.1.0-windows-x86_64.zip"
    archive.write_bytes(b"zip")

    def iscc(cmd: list[str], **kwargs: Any) -> None:  # ISCC writes <out>/tapdesk-<v>-setup.exe
        (tmp_path / "tapdesk-0.1.0-setup.exe").write_bytes(b"setup")

    monkeypatch.setattr(build, "find_iscc", lambda: Path("ISCC.exe"))
    monkeypatch.setattr(build.toolbox, "run", iscc)
    build.publish("0.1.0", tmp_path / "b", archive, tmp_path, tmp_path / "logs", windows=True)
    sums = (tmp_path / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert sums == [
        f"{hashlib.sha256(b'setup').hexdigest()}  tapdesk-0.1.0-setup.exe",
        f"{hashlib.sha256(b'zip').hexdigest()}  tapdesk-0.1.0-windows-x86_64.zip",
    ]


def test_windows_publish_without_iscc_says_so_and_still_checksums_the_archive(
    build: ModuleType,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    archive = tmp_path / "tapdesk-0.1.0-windows-x86_64.zip"
    archive.write_bytes(b"zip")
    monkeypatch.setattr(build, "find_iscc", lambda: None)
    build.publish("0.1.0", tmp_path / "b", archive, tmp_path, tmp_path / "logs", windows=True)
    assert "Inno Setup 6 (ISCC.exe) not found: no installer built" in capsys.readouterr().out
    assert (tmp_path / "SHA256SUMS").read_text().endswith("  tapdesk-0.1.0-windows-x86_64.zip\n")


@pytest.mark.parametrize(
    ("version", "numeric"),
    [
        ("0.1.0", "0.1.0.0"),
        ("1.2", "1.2.0.0"),
        ("0.1.0.dev3+g1a", "0.1.0.0"),
        ("2.0.1.7", "2.0.1.7"),
    ],
)
def test_windows_version_numbers_have_four_parts(
    build: ModuleType, version: str, numeric: str
) -> None:
    assert build.numeric_version(version) == numeric


def test_the_exe_version_file_is_what_pyinstaller_evaluates(build: ModuleType) -> None:
    """PyInstaller eval()s the file with its versioninfo classes in scope; stand-ins record it."""

    def record(kind: str) -> Any:
        return lambda *args, **kwargs: (kind, args, kwargs)

    names = (
        "VSVersionInfo FixedFileInfo StringFileInfo StringTable StringStruct VarFileInfo VarStruct"
    )
    scope = {name: record(name) for name in names.split()}
    info = eval(build.version_file_text("0.1.0"), scope)  # noqa: S307 (our own text)
    fixed = info[2]["ffi"][2]
    assert fixed["filevers"] == fixed["prodvers"] == (0, 1, 0, 0)
    table = info[2]["kids"][0][1][0][0][1][1]
    strings = {s[1][0]: s[1][1] for s in table}
    assert strings["ProductVersion"] == strings["FileVersion"] == "0.1.0"
    assert strings["ProductName"] == "tapdesk"


# --- the smoke test runs the windowed tapdesk.exe too -----------------------------------------
FAKE_APP = """#!/bin/sh
# Stands in for the frozen tapdesk: --version, doctor, --self-test, --screenshots DIR.
case "$*" in
  --version) echo "tapdesk 9.9.9" ;;
  *--screenshots*) for last; do :; done; mkdir -p "$last"; : > "$last/01.png" ;;
esac
exit 0
"""


def script(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.mark.parametrize(("exit_code", "status"), [(0, "PASS"), (3, "FAIL")])
def test_the_smoke_test_judges_the_windowed_exe_by_its_self_test_exit_code(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, exit_code: int, status: str
) -> None:
    toolbox = load("toolbox", monkeypatch)
    app = script(tmp_path / "tapdesk-cli", FAKE_APP)
    # No console: it prints nothing; its exit code is all there is. It records its arguments.
    seen = tmp_path / "windowed-args"
    windowed = script(
        tmp_path / "tapdesk.exe", f'#!/bin/sh\necho "$*" > {seen}\nexit {exit_code}\n'
    )
    results = toolbox.smoke_test(
        app, "9.9.9", xcb=False, screenshots=tmp_path / "shots", windowed=windowed
    )
    by_name = {r.name: r for r in results}
    step = by_name["tapdesk.exe --demo --self-test (no console)"]
    assert step.status == status
    assert seen.read_text(encoding="utf-8") == "--demo --self-test\n"
    if exit_code:
        assert step.detail.startswith("exit 3")
    assert [r.status for r in results if r is not step] == ["PASS"] * 4


def test_without_a_windowed_exe_the_smoke_test_has_no_such_step(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    toolbox = load("toolbox", monkeypatch)
    app = script(tmp_path / "tapdesk", FAKE_APP)
    results = toolbox.smoke_test(app, "9.9.9", xcb=False, screenshots=tmp_path / "shots")
    assert [r.name for r in results] == [
        "--version",
        "doctor --demo",
        "--demo --self-test (offscreen)",
        "--demo --screenshots (offscreen)",
    ]


# --- the frozen build: Python's UTF-8 mode ---------------------------------------------------
def test_every_exe_of_the_spec_runs_in_utf8_mode() -> None:
    """PyInstaller takes interpreter options as EXE's third positional argument; frozen apps
    ignore PYTHONUTF8 (PyInstaller 6.0), so the spec is the only place to set it."""
    tree = ast.parse((PACKAGING / "tapdesk.spec").read_text(encoding="utf-8"))
    values = {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and isinstance(node.targets[0], ast.Name)
        and node.targets[0].id == "python_options"
    }
    exes = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "EXE"
    ]
    assert len(exes) == 2  # tapdesk and tapdesk-cli
    for exe in exes:
        options = exe.args[2]
        assert isinstance(options, ast.Name)
        assert values[options.id] == [("X utf8", None, "OPTION")]
