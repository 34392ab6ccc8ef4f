"""Where an error that stops tapdesk is said: the one place that picks the channel.

A command says it in one line on stderr, as scripts expect. The window, and any run without a
stderr, says it in a message box: PyInstaller's windowed build (tapdesk.exe) leaves
``sys.stdout`` and ``sys.stderr`` as ``None`` (since 5.7, no NullWriter: CHANGES 5.7.0,
doc/common-issues-and-pitfalls.rst), and a write to them used to raise out of the handler into
PyInstaller's "Failed to execute script" traceback dialog. Every failure is logged first, in full
(file, line, key and hint for a configuration problem), so the log holds it even when nobody
read the box.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO

from tapdesk.cli.terminal import say_line
from tapdesk.core.text import escape_controls, one_line
from tapdesk.errors import ExitCode, TapdeskError

log = logging.getLogger(__name__)


class ShowBox(Protocol):
    """Shows (title, plain text) in a message box: tapdesk.ui.startup_box by default.
    ``error=False`` for an answer rather than a failure (another icon)."""

    def __call__(self, title: str, text: str, *, error: bool = True) -> None: ...


@dataclass(frozen=True)
class Failure:
    title: str
    text: str  # for the box: the message, then the hint on its own paragraph
    line: str  # for stderr and the log: title, message and hint on one line
    exit_code: int


def _paragraphs(*parts: str) -> str:
    """The box's text: each part on its own paragraph, and inside a part (a file name, a key
    from the site file) every line break, control or bidi override shown, never obeyed."""
    return "\n\n".join(one_line(part) for part in parts if part)


def of_error(exc: TapdeskError) -> Failure:
    request = f"(request-id {exc.request_id})" if exc.request_id else ""
    text = _paragraphs(exc.message, exc.hint or "", request)
    return Failure(one_line(exc.title), text, exc.one_line(), int(exc.exit_code))


def unexpected(exc: BaseException, log_file: Path | None) -> Failure:
    """A bug: its type and where the details are, never its message (it may quote data)."""
    where = str(log_file) if log_file else "the log file"
    message = f"Unexpected error ({type(exc).__name__}); details are in {where}."
    hint = "Send that file to whoever supports tapdesk."
    return Failure("tapdesk stopped", _paragraphs(message, hint), message, int(ExitCode.ERROR))


def interrupted() -> Failure:
    return Failure("Interrupted", "interrupted", "interrupted", int(ExitCode.INTERRUPTED))


WINDOW_ONLY = (
    "tapdesk.exe opens the window. For the commands (issue, status, revoke, doctor, audit...) "
    "and their options, run tapdesk-cli.exe --help in a terminal."
)


def no_console(command: str) -> Failure:
    """A command given to the windowed tapdesk.exe, which has nowhere to print its output."""
    message = f"tapdesk.exe opens the window; it cannot print the output of '{command}'."
    hint = f"Run the command in a terminal with tapdesk-cli.exe: tapdesk-cli {command} ..."
    return Failure(
        "No console", _paragraphs(message, hint), f"{message} {hint}", int(ExitCode.USAGE)
    )


def tell(
    failure: Failure,
    *,
    err: TextIO | None,
    window: bool,
    show_box: ShowBox,
    attended: bool = True,
) -> int:
    """Log the failure, then say it where someone will read it; returns the exit code.

    ``window``: the window was asked for (a box, and stderr too for whoever started it from a
    terminal). Without a stderr (tapdesk.exe) the box is the only channel. A command's stderr
    that breaks opens no box: a script may be the one waiting. ``attended``: False for the
    self-test and screenshots, where a modal box would hang the build that runs them. Nothing
    here may raise: nothing is left to catch it."""
    log.warning("tapdesk stopped: %s", escape_controls(failure.line))  # a path may hold a newline
    if err is not None and not say_line(err, failure.line):  # closed or broken: logged above
        log.warning("stderr could not be written")
    if attended and (window or err is None):
        try:
            show_box(failure.title, failure.text)
        except Exception:  # no display, no Qt: the log line above is what remains
            log.exception("the error could not be shown in a message box")
    return failure.exit_code
