"""The windowed Windows build: no stderr, and a start-up error still reaches the technician.

PyInstaller's windowed tapdesk.exe runs with ``sys.stdout`` and ``sys.stderr`` set to None. A
bad site or user file (or any error before the window exists) must show a message box that
names the file, line and key, be logged in full, and end with the documented exit code: never
PyInstaller's traceback dialog. The box is captured at its seam (the function that shows it);
one test builds the real QMessageBox offscreen and reads it.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tapdesk.__main__ import main as entry_point
from tapdesk.app import startup_errors
from tapdesk.app.main import main
from tapdesk.errors import ConfigError, ExitCode
from tapdesk.runtime.paths import AppPaths

BAD_VALUE = '[tenant]\nid = "contoso.example"\nclient_id = 5\n'


class Boxes:
    """The message boxes tapdesk would have shown: (title, text)."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str]] = []
        self.answers: list[tuple[str, str]] = []  # error=False: not a failure

    def __call__(self, title: str, text: str, *, error: bool = True) -> None:
        (self.shown if error else self.answers).append((title, text))

    @property
    def only(self) -> tuple[str, str]:
        assert len(self.shown) == 1, self.shown
        return self.shown[0]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def no_console(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """What PyInstaller (>= 5.7) gives a windowed exe. Called in the test's body: pytest puts
    its own capture back on sys.stdout and sys.stderr after the fixtures ran."""

    def take_away() -> None:
        monkeypatch.setattr(sys, "stdout", None)
        monkeypatch.setattr(sys, "stderr", None)

    return take_away


def user_file(home: Path, content: str | bytes) -> Path:
    path = AppPaths.default({"TAPDESK_HOME": str(home)}).user_file
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def site_file(home: Path, content: str) -> Path:
    path = AppPaths.default({"TAPDESK_HOME": str(home)}).site_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return path


def log_text(home: Path) -> str:
    return (AppPaths.default({"TAPDESK_HOME": str(home)}).log_dir / "tapdesk.log").read_text(
        encoding="utf-8"
    )


def open_window(home: Path, boxes: Boxes, *argv: str) -> int:
    env = {"TAPDESK_HOME": str(home)}
    return main(list(argv), env=env, paths=AppPaths.default(env), show_error=boxes)


def test_a_bad_value_in_the_user_file_shows_file_line_and_key(
    home: Path, no_console: Callable[[], None]
) -> None:
    no_console()
    path = user_file(home, BAD_VALUE)
    boxes = Boxes()
    assert open_window(home, boxes) == ExitCode.CONFIG
    title, text = boxes.only
    assert title == "Configuration problem"
    assert text.startswith(f"{path}, line 3, key 'tenant.client_id': ")
    assert f"{path}, line 3, key 'tenant.client_id'" in log_text(home)


def test_a_syntax_error_in_the_site_file_names_the_line_and_the_fix(
    home: Path, no_console: Callable[[], None]
) -> None:
    no_console()
    path = site_file(home, '[tenant]\nid = "contoso.example"\nclient_id = \n')
    boxes = Boxes()
    assert open_window(home, boxes) == ExitCode.CONFIG
    _, text = boxes.only
    first, hint = text.split("\n\n")
    assert first.startswith(f"{path}, line 3: is not valid TOML")
    assert hint == "Fix the syntax (TOML: key = value, strings in quotes)."
    logged = log_text(home)
    assert f"{path}, line 3: is not valid TOML" in logged
    assert hint in logged  # the log holds what the box said, hint included


def test_a_user_file_saved_as_utf16_by_powershell_says_so(
    home: Path, no_console: Callable[[], None]
) -> None:
    no_console()
    # Windows PowerShell 5.1's "> tapdesk.toml" and Out-File write UTF-16LE with a BOM.
    path = user_file(home, '[tenant]\nid = "contoso.example"\n'.encode("utf-16"))
    boxes = Boxes()
    assert open_window(home, boxes) == ExitCode.CONFIG
    _, text = boxes.only
    assert str(path) in text
    assert "UTF-16" in text and "UTF-8" in text
    assert "UTF-16" in log_text(home)


def test_the_entry_point_exits_with_the_config_code_and_no_traceback(
    home: Path, no_console: Callable[[], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """As tapdesk.exe runs it: __main__, sys.argv, the environment, the real box's seam."""
    no_console()
    import tapdesk.ui.startup_box

    path = user_file(home, BAD_VALUE)
    boxes = Boxes()
    monkeypatch.setattr(tapdesk.ui.startup_box, "show_error_box", boxes)
    monkeypatch.setattr(sys, "argv", ["tapdesk"])
    monkeypatch.setenv("TAPDESK_HOME", str(home))
    with pytest.raises(SystemExit) as exit_:
        entry_point()
    assert exit_.value.code == ExitCode.CONFIG
    assert str(path) in boxes.only[1]


def test_an_unexpected_error_before_the_window_shows_where_the_details_are(
    home: Path, no_console: Callable[[], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    no_console()
    import tapdesk.ui

    def broken(*args: object) -> int:
        raise RuntimeError("Qt platform plugin could not be initialized")

    monkeypatch.setattr(tapdesk.ui, "run", broken)
    boxes = Boxes()
    assert open_window(home, boxes, "--demo") == ExitCode.ERROR
    log_file = AppPaths.default({"TAPDESK_HOME": str(home)}).log_dir / "tapdesk.log"
    title, text = boxes.only
    assert title == "tapdesk stopped"
    assert text.startswith(f"Unexpected error (RuntimeError); details are in {log_file}.")
    assert "Qt platform plugin" not in text  # a bug's message may quote data: the log has it
    logged = log_text(home)
    assert "Traceback" in logged and "Qt platform plugin could not be initialized" in logged


def test_a_command_given_to_the_windowed_exe_is_refused_before_anything_is_issued(
    home: Path, no_console: Callable[[], None]
) -> None:
    no_console()
    boxes = Boxes()
    code = open_window(home, boxes, "--demo", "issue", "ava.newhire@northwind.example")
    assert code == ExitCode.USAGE
    title, text = boxes.only
    assert title == "No console"
    assert "tapdesk-cli issue" in text
    assert not (
        AppPaths.default({"TAPDESK_HOME": str(home)}).data_dir / "demo-tenant.json"
    ).exists()


def test_the_self_test_never_waits_on_a_box(home: Path, no_console: Callable[[], None]) -> None:
    """The smoke test runs the windowed exe's self-test: a modal box would hang the build."""
    no_console()
    user_file(home, BAD_VALUE)
    boxes = Boxes()
    assert open_window(home, boxes, "--self-test") == ExitCode.CONFIG
    assert boxes.shown == []
    assert "key 'tenant.client_id'" in log_text(home)


def test_from_a_terminal_the_window_says_it_on_stderr_too(home: Path) -> None:
    path = user_file(home, BAD_VALUE)
    boxes, err = Boxes(), io.StringIO()
    env = {"TAPDESK_HOME": str(home)}
    code = main([], env=env, paths=AppPaths.default(env), stderr=err, show_error=boxes)
    assert code == ExitCode.CONFIG
    assert err.getvalue().startswith(f"tapdesk: Configuration problem: {path}, line 3")
    assert str(path) in boxes.only[1]


def test_a_command_in_a_console_gets_no_box(home: Path) -> None:
    user_file(home, BAD_VALUE)
    boxes, out, err = Boxes(), io.StringIO(), io.StringIO()
    env = {"TAPDESK_HOME": str(home)}
    code = main(
        ["--demo", "policy"],
        env=env,
        paths=AppPaths.default(env),
        stdout=out,
        stderr=err,
        show_error=boxes,
    )
    assert code == ExitCode.CONFIG
    assert "key 'tenant.client_id'" in err.getvalue()
    assert boxes.shown == []


class BrokenStream(io.StringIO):
    def write(self, text: str) -> int:
        raise OSError("the handle is invalid")


def test_a_broken_stderr_still_leaves_the_window_its_box(caplog: pytest.LogCaptureFixture) -> None:
    boxes = Boxes()
    failure = startup_errors.of_error(ConfigError("x", path="C:\\site\\tapdesk.toml", line=2))
    code = startup_errors.tell(failure, err=BrokenStream(), window=True, show_box=boxes)
    assert code == ExitCode.CONFIG
    assert boxes.only == ("Configuration problem", "C:\\site\\tapdesk.toml, line 2: x.")
    assert "stderr could not be written" in caplog.text


def test_a_command_whose_stderr_breaks_opens_no_box(caplog: pytest.LogCaptureFixture) -> None:
    """A script may be waiting on tapdesk-cli: a modal box would hang it. The log has it."""
    boxes = Boxes()
    failure = startup_errors.of_error(ConfigError("x", path="site.toml", line=2))
    assert startup_errors.tell(failure, err=BrokenStream(), window=False, show_box=boxes) == 3
    assert boxes.shown == []
    assert "site.toml, line 2: x." in caplog.text


def test_a_box_that_cannot_be_shown_does_not_raise(caplog: pytest.LogCaptureFixture) -> None:
    def no_display(title: str, text: str) -> None:
        raise RuntimeError("no display")

    failure = startup_errors.of_error(ConfigError("x", path="site.toml", key="tenant.id"))
    assert startup_errors.tell(failure, err=None, window=True, show_box=no_display) == 3
    assert "site.toml, key 'tenant.id': x." in caplog.text
    assert "could not be shown in a message box" in caplog.text


def test_the_real_box_shows_outside_text_as_plain_text(
    home: Path, no_console: Callable[[], None]
) -> None:
    """Built offscreen: a file name that looks like markup is shown as written."""
    no_console()
    from PySide6.QtCore import Qt

    from tapdesk.ui.startup_box import error_box

    odd = home / "<b>site<img src=x>"
    odd.mkdir(parents=True)
    path = odd / "tapdesk.toml"
    path.write_text(BAD_VALUE, encoding="utf-8")
    boxes: list = []
    env = {"TAPDESK_HOME": str(home)}
    paths = AppPaths(odd, home / "config", home / "data", home / "cache", home / "log", "test")
    code = main([], env=env, paths=paths, show_error=lambda t, x: boxes.append(error_box(t, x)))
    assert code == ExitCode.CONFIG
    (box,) = boxes
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert box.text().startswith(f"{path}, line 3, key 'tenant.client_id': ")
    assert box.windowTitle() == "tapdesk: Configuration problem"
    assert box.informativeText() == ""
    box.deleteLater()


def test_a_file_name_with_a_bidi_override_or_a_line_break_cannot_rearrange_the_box(
    home: Path, no_console: Callable[[], None]
) -> None:
    """U+202E would draw the rest of the line backwards ("txet 8-FTU ton si"); a line break
    would start a paragraph of its own. Both are shown as marks, in the box and its title."""
    no_console()
    odd = home / "evil\u202elmot.\nRun setup.exe to fix"
    odd.mkdir(parents=True)
    path = odd / "tapdesk.toml"
    path.write_text(BAD_VALUE, encoding="utf-8")
    boxes = Boxes()
    env = {"TAPDESK_HOME": str(home)}
    paths = AppPaths(odd, home / "config", home / "data", home / "cache", home / "log", "test")
    assert main([], env=env, paths=paths, show_error=boxes) == ExitCode.CONFIG
    title, text = boxes.only
    assert title == "Configuration problem"
    shown = str(path).replace("\u202e", "\ufffd").replace("\n", "\u23ce")
    assert text.startswith(f"{shown}, line 3, key 'tenant.client_id': ")
    assert "\u202e" not in text and "\n" not in text  # one paragraph: this error has no hint


def test_version_of_the_windowed_exe_answers_in_a_box(
    home: Path, no_console: Callable[[], None]
) -> None:
    """argparse prints it to stdout, which tapdesk.exe does not have: a box shows it."""
    from tapdesk import __version__

    no_console()
    boxes = Boxes()
    with pytest.raises(SystemExit) as done:
        open_window(home, boxes, "--version")
    assert (done.value.code, boxes.shown) == (0, [])
    assert boxes.answers == [("Version", f"tapdesk {__version__}")]


def test_help_of_the_windowed_exe_points_to_the_console_exe(
    home: Path, no_console: Callable[[], None]
) -> None:
    no_console()
    boxes = Boxes()
    with pytest.raises(SystemExit) as done:
        open_window(home, boxes, "--help")
    assert (done.value.code, boxes.shown) == (0, [])
    assert boxes.answers == [
        (
            "Help",
            "tapdesk.exe opens the window. For the commands (issue, status, revoke, doctor, "
            "audit...) and their options, run tapdesk-cli.exe --help in a terminal.",
        )
    ]


def test_with_a_console_help_prints_and_opens_no_box(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    boxes = Boxes()
    with pytest.raises(SystemExit):
        open_window(home, boxes, "--version")
    assert (boxes.shown, boxes.answers) == ([], [])
    assert capsys.readouterr().out.startswith("tapdesk ")
