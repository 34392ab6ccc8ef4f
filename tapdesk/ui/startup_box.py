"""The message box for an error that stops tapdesk before its window exists.

The windowed Windows build has no console: PyInstaller (>= 5.7) leaves ``sys.stdout`` and
``sys.stderr`` as ``None`` there (doc/common-issues-and-pitfalls.rst, "sys.stdin, sys.stdout,
and sys.stderr in noconsole/windowed Applications"), so a box is the only place a technician
reads why the app did not open. The text names files and keys from outside: plain text.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tapdesk.ui import APP_NAME, application


def error_box(title: str, text: str, *, error: bool = True) -> QMessageBox:
    """The box, built (not shown): its title, its text as plain text, one OK button.
    ``error=False``: an answer (the version), with the information icon."""
    application()
    icon = QMessageBox.Icon.Critical if error else QMessageBox.Icon.Information
    box = QMessageBox(icon, f"{APP_NAME}: {title}", "")
    box.setTextFormat(Qt.TextFormat.PlainText)  # informativeText has no such switch: unused
    box.setText(text)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    return box


def show_error_box(title: str, text: str, *, error: bool = True) -> None:
    """Show the box and wait until it is closed."""
    error_box(title, text, error=error).exec()
