"""The frozen app starts the browser with the user's environment, not the bundle's."""

from __future__ import annotations

import os
import stat
import sys
import time
from pathlib import Path

import pytest

from tapdesk.runtime import frozen

BUNDLE = str(Path("/opt/tapdesk/_internal"))
IN_BUNDLE = str(Path(BUNDLE, "PySide6", "Qt", "plugins"))
URL = "https://login.example.test/authorize?client_id=x&state=y"

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX shell scripts as browsers")


def frozen_environ(**extra: str) -> dict[str, str]:
    """What PyInstaller's bootloader and PySide6 runtime hook leave in a Linux frozen app."""
    return {
        "HOME": "/home/tech",
        "PATH": os.pathsep.join(["/usr/local/bin", "/usr/bin", "/bin"]),
        "LD_LIBRARY_PATH": BUNDLE,
        "LD_LIBRARY_PATH_ORIG": "/opt/vendor/lib",
        "QT_PLUGIN_PATH": IN_BUNDLE,
        "QML2_IMPORT_PATH": str(Path(BUNDLE, "PySide6", "Qt", "qml")),
        "_PYI_APPLICATION_HOME_DIR": BUNDLE,
        "_PYI_PARENT_PROCESS_LEVEL": "1",
        **extra,
    }


# --- external_program_env ------------------------------------------------------------------------
def test_from_source_the_environment_is_passed_on_unchanged() -> None:
    environ = frozen_environ()
    assert frozen.bundle_dir() is None  # the test run itself is not frozen
    assert frozen.external_program_env(environ) == environ


def test_library_path_is_restored_from_the_saved_original() -> None:
    env = frozen.external_program_env(frozen_environ(), bundle=BUNDLE)
    assert env["LD_LIBRARY_PATH"] == "/opt/vendor/lib"
    assert "LD_LIBRARY_PATH_ORIG" not in env


def test_library_path_goes_when_the_user_had_none() -> None:
    environ = frozen_environ()
    del environ["LD_LIBRARY_PATH_ORIG"]
    env = frozen.external_program_env(environ, bundle=BUNDLE)
    assert "LD_LIBRARY_PATH" not in env


def test_an_empty_original_library_path_is_restored_as_empty() -> None:
    env = frozen.external_program_env(frozen_environ(LD_LIBRARY_PATH_ORIG=""), bundle=BUNDLE)
    assert "LD_LIBRARY_PATH" not in env or env["LD_LIBRARY_PATH"] == ""


def test_qt_paths_into_the_bundle_are_removed_and_the_users_kept() -> None:
    mine = str(Path("/home/tech/qt-plugins"))
    environ = frozen_environ(QT_PLUGIN_PATH=os.pathsep.join([IN_BUNDLE, mine]))
    env = frozen.external_program_env(environ, bundle=BUNDLE)
    assert env["QT_PLUGIN_PATH"] == mine
    assert "QML2_IMPORT_PATH" not in env


def test_bundle_folders_leave_path_and_the_rest_stays_in_order() -> None:
    environ = frozen_environ(PATH=os.pathsep.join([BUNDLE, "/usr/bin", "/bin"]))
    env = frozen.external_program_env(environ, bundle=BUNDLE)
    assert env["PATH"] == os.pathsep.join(["/usr/bin", "/bin"])


def test_a_sibling_folder_with_a_common_prefix_is_not_the_bundle() -> None:
    sibling = BUNDLE + "-other"
    env = frozen.external_program_env(frozen_environ(QT_PLUGIN_PATH=sibling), bundle=BUNDLE)
    assert env["QT_PLUGIN_PATH"] == sibling


def test_bootloader_state_is_not_inherited() -> None:
    env = frozen.external_program_env(frozen_environ(_MEIPASS2=BUNDLE), bundle=BUNDLE)
    assert not [k for k in env if k.startswith("_PYI_") or k == "_MEIPASS2"]
    assert env["HOME"] == "/home/tech"


def test_the_callers_mapping_is_not_changed() -> None:
    environ = frozen_environ()
    before = dict(environ)
    frozen.external_program_env(environ, bundle=BUNDLE)
    assert environ == before


# --- open_url ------------------------------------------------------------------------------------
def test_from_source_open_url_is_webbrowser_open() -> None:
    opened: list[str] = []

    def fallback(url: str) -> bool:
        opened.append(url)
        return True

    def no_popen(*args: object, **kwargs: object) -> None:
        raise AssertionError("must not start anything itself")

    assert frozen.open_url(URL, fallback=fallback, popen=no_popen) is True
    assert opened == [URL]


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_frozen_on_windows_and_macos_the_shell_handler_opens_it(platform: str) -> None:
    opened: list[str] = []
    result = frozen.open_url(
        URL, bundle=BUNDLE, platform=platform, fallback=lambda u: opened.append(u) is None
    )
    assert result is True
    assert opened == [URL]


def fake_program(folder: Path, name: str, *, exit_code: int = 0) -> Path:
    """A shell script that records its arguments and environment, then exits."""
    script = folder / name
    record = folder / f"{name}.record"
    script.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$@" > "{record}.args"\n'
        f'env > "{record}.env.tmp" && mv "{record}.env.tmp" "{record}.env"\n'
        f"exit {exit_code}\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def recorded(folder: Path, name: str, timeout: float = 10.0) -> tuple[list[str], dict[str, str]]:
    env_file = folder / f"{name}.record.env"
    deadline = time.monotonic() + timeout
    while not env_file.exists():
        if time.monotonic() > deadline:
            raise AssertionError(f"{name} was never started")
        time.sleep(0.02)
    args = (folder / f"{name}.record.args").read_text(encoding="utf-8").splitlines()
    env = dict(
        line.split("=", 1)
        for line in env_file.read_text(encoding="utf-8").splitlines()
        if "=" in line
    )
    return args, env


def linux_frozen(folder: Path, **extra: str) -> dict[str, str]:
    return frozen_environ(PATH=os.pathsep.join([str(folder), "/usr/bin", "/bin"]), **extra)


@posix_only
def test_frozen_on_linux_the_browser_gets_the_users_environment(tmp_path: Path) -> None:
    fake_program(tmp_path, "xdg-open")
    environ = linux_frozen(tmp_path, BROWSER="")
    assert frozen.open_url(URL, environ=environ, bundle=BUNDLE, platform="linux") is True
    args, env = recorded(tmp_path, "xdg-open")
    assert args == [URL]
    assert env["LD_LIBRARY_PATH"] == "/opt/vendor/lib"
    assert "QT_PLUGIN_PATH" not in env
    assert not [k for k in env if k.startswith("_PYI_")]


@posix_only
def test_browser_variable_comes_first_and_percent_s_is_the_url(tmp_path: Path) -> None:
    fake_program(tmp_path, "xdg-open")
    mine = fake_program(tmp_path, "my-browser")
    environ = linux_frozen(tmp_path, BROWSER=f"{mine} --new-tab %s")
    assert frozen.open_url(URL, environ=environ, bundle=BUNDLE, platform="linux") is True
    args, _ = recorded(tmp_path, "my-browser")
    assert args == ["--new-tab", URL]
    assert not (tmp_path / "xdg-open.record.env").exists()


@posix_only
def test_an_opener_that_fails_at_once_makes_way_for_the_next(tmp_path: Path) -> None:
    fake_program(tmp_path, "xdg-open", exit_code=3)  # e.g. no desktop session
    fake_program(tmp_path, "gio")
    environ = linux_frozen(tmp_path, BROWSER="")
    assert frozen.open_url(URL, environ=environ, bundle=BUNDLE, platform="linux") is True
    args, _ = recorded(tmp_path, "gio")
    assert args == ["open", URL]


@posix_only
def test_no_opener_at_all_reports_failure(tmp_path: Path) -> None:
    environ = frozen_environ(PATH=str(tmp_path), BROWSER="")
    assert frozen.open_url(URL, environ=environ, bundle=BUNDLE, platform="linux") is False


@posix_only
def test_a_browser_that_keeps_running_counts_as_opened(tmp_path: Path) -> None:
    slow = tmp_path / "xdg-open"
    slow.write_text("#!/bin/sh\nsleep 1\n", encoding="utf-8")
    slow.chmod(slow.stat().st_mode | stat.S_IXUSR)
    environ = linux_frozen(tmp_path, BROWSER="")
    started = time.monotonic()
    assert frozen.open_url(URL, environ=environ, bundle=BUNDLE, platform="linux", wait=0.2) is True
    assert time.monotonic() - started < 0.9
