"""Text from outside is data: every screen state with hostile values in every string a demo
user, a roster, a Graph error body and a flow can hold.

Anyone who can write a displayName (HR provisioning, directory sync, a User Administrator, a
guest invitation) writes into tapdesk's window. Each value below carries markup that would load
a local file, a line break that would draw a line of fake instructions, a bidi override that
would reverse what follows, terminal escapes and a 130-character unbroken run. At every state
the screenshot tool saves, every label, tooltip and list cell must show that text as text.
"""

from __future__ import annotations

import ctypes
import dataclasses
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QApplication, QLabel, QWidget

from tapdesk.app.services import Backend
from tapdesk.core import flows as flow_model
from tapdesk.demo import Fault
from tapdesk.ui.dev import screenshots
from tapdesk.ui.onboarding import controller
from tapdesk.ui.text import Label
from tapdesk.ui.window.main_window import MainWindow
from tests.helpers.demo import UPN
from tests.helpers.qt import auth_services, cell_tooltip, tip_text

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="inotify watches the bait file")

BOLD = "<b>bold</b>"
FAKE = "FAKE-LINE"
LONG = "W" * 130
IN_OPEN = 0x20
IN_ACCESS = 0x01


def hostile(value: str, bait: Path) -> str:
    """``value`` first (searches still find the person), then everything a field may hold."""
    return (
        f'{value} {BOLD} <img src="file://{bait}">\n\u202e{FAKE} \x1b]0;owned\x07\x1b[2K'
        f"\u2028{FAKE} {LONG}"
    )


class FileWatch:
    """inotify on one file: did anything open or read it?"""

    def __init__(self, path: Path) -> None:
        self._libc = ctypes.CDLL(None, use_errno=True)
        self._fd = self._libc.inotify_init1(os.O_NONBLOCK)
        assert self._fd >= 0
        added = self._libc.inotify_add_watch(self._fd, str(path).encode(), IN_OPEN | IN_ACCESS)
        assert added >= 0

    def touched(self) -> bool:
        try:
            return bool(os.read(self._fd, 4096))
        except BlockingIOError:
            return False

    def close(self) -> None:
        os.close(self._fd)


def shown(label: QLabel) -> str:
    """What a label paints, as text."""
    raw = QLabel.text(label)
    if label.textFormat() is Qt.TextFormat.PlainText:
        return raw
    document = QTextDocument()
    document.setHtml(raw)
    return document.toPlainText()


class Inspector:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.states: list[str] = []
        self.labels_with_values = 0

    def check_text(self, text: str, where: str) -> None:
        if FAKE not in text and "\u202e" not in text:
            return
        self.labels_with_values += 1
        controls = [
            c for c in text if (ord(c) < 32 and c not in "\n\t") or "\u202a" <= c <= "\u202e"
        ]
        if controls:
            self.problems.append(f"{where}: control characters {controls!r} reach the screen")
        for line in text.splitlines():  # also splits at U+2028, NEL, form feeds
            if line.lstrip().startswith(FAKE):
                self.problems.append(f"{where}: an outside value starts a line of its own")
        if BOLD not in text.split(FAKE)[0]:
            self.problems.append(f"{where}: markup was rendered, not shown ({text[:60]!r})")

    def __call__(self, widget: QWidget, state: str) -> None:
        self.states.append(state)
        for top in QApplication.topLevelWidgets():
            if top.isVisible():
                self.walk(top, state)
            if isinstance(top, MainWindow) and top.isVisible():
                width = top.minimumSizeHint().width()
                if width > 1024:
                    wide = [
                        f"{type(w).__name__} '{w.accessibleName()[:30]}'"
                        for w in top.findChildren(QWidget)
                        if w.isVisible() and w.minimumSizeHint().width() > 500
                    ]
                    self.problems.append(f"{state}: the window needs {width} px: {wide}")

    def walk(self, top: QWidget, state: str) -> None:
        for widget in [top, *top.findChildren(QWidget)]:
            if not widget.isVisible():
                continue
            where = f"{state} {type(widget).__name__} '{widget.accessibleName()}'"
            self.check_text(tip_text(widget.toolTip()), where + " tooltip")
            self.check_text(widget.windowTitle(), where + " title")
            if isinstance(widget, QLabel):
                self.check_label(widget, where)
            if isinstance(widget, QAbstractButton):
                self.check_text(widget.text(), where)
            if isinstance(widget, QAbstractItemView):
                self.check_view(widget, where)

    def check_label(self, label: QLabel, where: str) -> None:
        if label.textFormat() is Qt.TextFormat.AutoText:
            self.problems.append(
                f"{where}: the label guesses plain or rich text {label.parent()} {QLabel.text(label)[:40]!r}"
            )
        self.check_text(shown(label), where)
        cut = isinstance(label, Label) and label.elided() and FAKE in label.value()
        if cut and FAKE not in tip_text(label.toolTip()):
            self.problems.append(f"{where}: elided without the whole value as a tooltip")

    def check_view(self, view: QAbstractItemView, where: str) -> None:
        model = view.model()
        if model is None:
            return
        columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(QModelIndex())
        for row in range(min(model.rowCount(QModelIndex()), 100)):
            for column in range(columns):
                index = model.index(row, column)
                text = model.data(index, Qt.ItemDataRole.DisplayRole)
                if isinstance(text, str):
                    self.check_text(text, f"{where} cell {row},{column}")
                tip = cell_tooltip(view, index)  # what the pointer resting on the cell shows
                self.check_text(tip, f"{where} cell {row},{column} tooltip")


def _hostile_flow(value: Any, bait: Path) -> Any:
    if isinstance(value, Enum):
        return value
    if isinstance(value, str):
        return hostile(value, bait)
    if isinstance(value, tuple):
        return tuple(_hostile_flow(v, bait) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _hostile_flow(getattr(value, f.name), bait)
            for f in dataclasses.fields(value)
            if f.name not in ("id", "source")
        }
        return dataclasses.replace(value, **changes)
    return value


USER_FIELDS = (
    "display_name",
    "given_name",
    "surname",
    "job_title",
    "department",
    "office_location",
    "mobile_phone",
    "employee_id",
    "on_premises_sam_account_name",
)
METHOD_FIELDS = ("displayName", "model", "deviceTag")


def plant(tenant: Any, bait: Path) -> None:
    for upn, user in tenant.users.items():
        fields = {
            name: hostile(getattr(user, name), bait)
            for name in USER_FIELDS
            if isinstance(getattr(user, name), str)
        }
        methods = [
            {
                k: hostile(v, bait) if k in METHOD_FIELDS and isinstance(v, str) else v
                for k, v in method.items()
            }
            for method in user.methods
        ]
        tenant.edit_user(upn, methods=methods, **fields)
    alex = tenant.users[UPN["alex.admin"]]
    # The error banner's state: Graph's error body as a hostile server could send it.
    tenant.inject(
        Fault.error(
            403,
            hostile("Authorization_RequestDenied", bait),
            hostile("Insufficient privileges", bait),
            method="POST",
            path_contains=f"{alex.id}/authentication/temporaryAccessPassMethods",
        )
    )


def hostile_roster(bait: Path) -> str:
    rows = []
    for line in screenshots.ROSTER.splitlines()[1:]:
        name, upn, start, device, notes = line.split(";")
        cells = [hostile(name, bait), upn, start, hostile(device, bait), hostile(notes, bait)]
        quoted = [c if c in (upn, start) else '"' + c.replace('"', '""') + '"' for c in cells]
        rows.append(";".join(quoted))
    return "Name;UPN;Start;Device;Notes\n" + "\n".join(rows) + "\n"


def test_the_bait_file_is_seen_when_markup_renders(qtbot, tmp_path):
    """The watch works: a label left to guess loads the image and the watch sees it."""
    bait = tmp_path / "bait.png"
    bait.write_bytes(b"not an image")
    watch = FileWatch(bait)
    try:
        label = QLabel(f'<img src="file://{bait}">')  # Qt's default: AutoText
        qtbot.addWidget(label)
        label.show()
        label.grab()
        assert watch.touched()
        safe = Label(f'<img src="file://{bait}">')
        qtbot.addWidget(safe)
        safe.show()
        safe.grab()
        assert not watch.touched()
    finally:
        watch.close()


def test_every_state_shows_hostile_text_as_text(qtbot, tenant, clock, tmp_path, monkeypatch):
    bait = tmp_path / "bait.png"
    bait.write_bytes(b"not an image")
    plant(tenant, bait)
    monkeypatch.setattr(screenshots, "ROSTER", hostile_roster(bait))
    shipped = controller.load_flows

    def hostile_flows(directory: Path) -> tuple[list[flow_model.Flow], list[Any]]:
        flows, problems = shipped(directory)
        return [_hostile_flow(flow, bait) for flow in flows], problems

    monkeypatch.setattr(controller, "load_flows", hostile_flows)
    tenant.auto_approve_after = None
    inspector = Inspector()
    watch = FileWatch(bait)
    services = auth_services(tenant, clock, tmp_path / "home")
    try:
        written = screenshots.write_screenshots(
            Backend.of(services), tmp_path / "shots", inspect=inspector
        )
    finally:
        services.close()
        touched = watch.touched()
        watch.close()
    assert len(written) == len(inspector.states) >= 18
    assert not touched, "a label loaded the file named in a directory field"
    assert inspector.labels_with_values > 50  # the values did reach the screen
    assert inspector.problems == [], "\n".join(sorted(set(inspector.problems)))
