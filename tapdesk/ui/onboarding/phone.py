"""The simulated phone (demo tenant only): what the new hire would do, one button each.

New staff rehearse every flow with it. Each button changes the demo tenant the way the real
phone or laptop would (Authenticator added, a passkey created, the pass used, Windows Hello set
up); the checklist then sees it in Graph on its next poll, exactly as with a real phone. The
work runs on a worker through the task runner; the panel never touches the tenant itself.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QDockWidget,
    QGridLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tapdesk.ui import theme
from tapdesk.ui.text import Label, plain_tip
from tapdesk.ui.theme import Tone
from tapdesk.workflows.training_phone import ACTIONS

INTRO = (
    "Demo tenant only: play the new hire's phone and laptop. The checklist notices on its next "
    "check, as with a real phone."
)


class PhonePanel(QDockWidget):
    """A dock; ``action_requested(key)`` asks the window to run an action on a worker.

    Docked at the bottom it is one compact row (the work area keeps its width for the form
    and the pass side by side), each group's buttons at most two abreast so a 1024-pixel
    window holds it. Its texts are then one line each, cut with the whole text on hover, so
    a long status never makes the row taller and moves the page above it. Docked at a side
    or floating, it stacks and its texts wrap.
    """

    action_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Simulated phone", parent)
        self.setObjectName("phonePanel")
        self.setAccessibleName("Simulated phone")
        self.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.upn: str | None = None
        self._busy = False
        self.target = Label()
        self.target.setAccessibleName("Phone of")
        self.target.setWordWrap(True)
        self.target.setFont(theme.scaled_font(self, 1.05, bold=True))
        self.intro = Label(INTRO)
        self.intro.setWordWrap(True)
        self.status = Label()
        self.status.setAccessibleName("Phone status")
        self.status.setWordWrap(True)
        self.buttons: dict[str, QPushButton] = {}
        # Each group's grid and buttons, and whether all their labels are short.
        self._grids: list[tuple[QGridLayout, list[QPushButton], bool]] = []
        self._captions: list[Label] = []

        info = QVBoxLayout()
        info.setSpacing(4)
        info.addWidget(self.target)
        info.addWidget(self.intro)
        info.addWidget(self.status)
        info.addStretch(1)
        self._info = QWidget()
        self._info.setLayout(info)
        info.setContentsMargins(0, 0, 0, 0)
        self._outer = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._outer.setSpacing(16)
        self._outer.addWidget(self._info, 3)
        for group in dict.fromkeys(action.group for action in ACTIONS):
            self._outer.addLayout(self._group(group), 2)
        body = QWidget()
        body.setLayout(self._outer)
        self._outer.setContentsMargins(12, 6, 12, 8)
        self.setWidget(body)
        theme.mute(self.intro)
        self.dockLocationChanged.connect(self._orient)
        self.topLevelChanged.connect(
            lambda _floating: self._orient(Qt.DockWidgetArea.NoDockWidgetArea)
        )
        self.set_target(None)

    def _group(self, group: str) -> QVBoxLayout:
        column = QVBoxLayout()
        column.setSpacing(4)
        caption = Label(group)
        caption.setWordWrap(True)
        theme.mute(caption)
        self._captions.append(caption)
        column.addWidget(caption)
        grid = QGridLayout()
        grid.setSpacing(6)
        buttons: list[QPushButton] = []
        short = True
        for action in (a for a in ACTIONS if a.group == group):
            button = QPushButton(action.label)
            button.setAccessibleName(f"{action.group}: {action.label}")
            button.setToolTip(plain_tip(action.done))
            button.setMinimumHeight(30)
            button.clicked.connect(lambda _=False, key=action.key: self.action_requested.emit(key))
            buttons.append(button)
            self.buttons[action.key] = button
            short = short and len(action.label) <= 10
        column.addLayout(grid)
        column.addStretch(1)
        self._grids.append((grid, buttons, short))
        _place(grid, buttons, 2)
        return column

    @property
    def across(self) -> bool:
        """Laid out as one row (docked at the bottom or top)."""
        return self._outer.direction() is QBoxLayout.Direction.LeftToRight

    def _orient(self, area: Qt.DockWidgetArea) -> None:
        """A row along the bottom (or top); a column at a side or floating."""
        across = area in (
            Qt.DockWidgetArea.BottomDockWidgetArea,
            Qt.DockWidgetArea.TopDockWidgetArea,
        )
        if self.isFloating():
            across = False
        self._outer.setDirection(
            QBoxLayout.Direction.LeftToRight if across else QBoxLayout.Direction.TopToBottom
        )
        for label in (self.target, self.status, *self._captions):
            label.setWordWrap(not across)
        self.intro.setVisible(not across)
        self.target.setToolTip(plain_tip(INTRO if across else ""))
        for grid, buttons, short in self._grids:
            _place(grid, buttons, 2 if across or short else 1)

    def set_target(self, upn: str | None, name: str = "") -> None:
        self.upn = upn
        if upn is None:
            self.target.setText("Choose a user: the phone becomes theirs.")
        else:
            self.target.setText(f"Phone of {name or upn}")
        self.status.clear()
        self._enable()

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        if busy:
            self.show_status("Working…", Tone.INFO)
        self._enable()

    def show_status(self, text: str, tone: Tone) -> None:
        self.status.setText(text)
        theme.styled(self.status, lambda: f"color: {theme.css(theme.ink(theme.palette(), tone))};")

    def _enable(self) -> None:
        for button in self.buttons.values():
            button.setEnabled(self.upn is not None and not self._busy)


def _place(grid: QGridLayout, buttons: list[QPushButton], columns: int) -> None:
    for button in buttons:
        grid.removeWidget(button)
    for index, button in enumerate(buttons):
        grid.addWidget(button, index // columns, index % columns)
