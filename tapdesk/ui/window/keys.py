"""Every keyboard shortcut of the main window, in one table.

The window binds its shortcuts from :data:`SHORTCUTS` (:func:`bind`), the menus take their
actions' keys from it (:func:`keys_of`) and Help > Keyboard shortcuts lists it: a key added
here is bound and documented at once, and one bound anywhere else is missing from the help
(tests/ui/test_help_and_settings.py looks for every shortcut on the window).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

Keys = str | QKeySequence.StandardKey


class Scope(Enum):
    WINDOW = "window"  # anywhere in the main window
    FORM = "form"  # while the focus is in the issue form
    MENU = "menu"  # a menu action holds the keys (it works wherever the menu bar does)


@dataclass(frozen=True)
class Shortcut:
    name: str
    keys: tuple[Keys, ...]
    text: str
    scope: Scope = Scope.WINDOW

    def sequences(self) -> list[QKeySequence]:
        return [QKeySequence(keys) for keys in self.keys]

    def shown(self) -> list[str]:
        """The keys as this platform writes them (Ctrl+F, or ⌘F on a Mac)."""
        native = QKeySequence.SequenceFormat.NativeText
        return [sequence.toString(native) for sequence in self.sequences()]


SHORTCUTS = (
    Shortcut("find", (QKeySequence.StandardKey.Find,), "Find a user: go to the search box"),
    Shortcut("copy_pass", ("Ctrl+Shift+C",), "Copy the pass; the clipboard clears itself"),
    Shortcut(
        "escape",
        ("Esc",),
        "Mask the pass on screen (Show brings it back), else dismiss the message",
    ),
    Shortcut(
        "new_hire_view",
        ("Ctrl+Shift+N",),
        "Show the pass to the new hire, full screen on the other screen (Esc there closes it)",
    ),
    Shortcut(
        "issue", ("Ctrl+Return",), "Issue a pass with the form's settings (never replaces one)"
    ),
    Shortcut(
        "issue_in_form",
        ("Return", "Enter"),
        "In the issue form: issue a pass (never replaces a live one)",
        Scope.FORM,
    ),
    Shortcut(
        "new_hire_day",
        ("Ctrl+R",),
        "Tools > New-hire day: import the day's roster and work the queue",
        Scope.MENU,
    ),
    Shortcut("settings", ("Ctrl+,",), "Tools > Settings", Scope.MENU),
    Shortcut("shortcuts", ("F1",), "Help > Keyboard shortcuts: this list", Scope.MENU),
)
_BY_NAME = {shortcut.name: shortcut for shortcut in SHORTCUTS}


def keys_of(name: str) -> list[QKeySequence]:
    return _BY_NAME[name].sequences()


def set_keys(action: QAction, name: str) -> None:
    """A menu action's keys, from the table."""
    action.setShortcuts(keys_of(name))


def bind(window: QWidget, form: QWidget, slots: Mapping[str, Callable[[], object]]) -> None:
    """Bind every window and form shortcut of the table to its slot (by name): a slot without
    a shortcut, or a shortcut without a slot, is a mistake found at the first start."""
    wanted = {s.name for s in SHORTCUTS if s.scope is not Scope.MENU}
    if set(slots) != wanted:
        raise ValueError(f"shortcut slots differ from the table: {sorted(set(slots) ^ wanted)}")
    for shortcut in SHORTCUTS:
        if shortcut.scope is Scope.MENU:
            continue
        owner, context = (
            (form, Qt.ShortcutContext.WidgetWithChildrenShortcut)
            if shortcut.scope is Scope.FORM
            else (window, Qt.ShortcutContext.WindowShortcut)
        )
        for sequence in shortcut.sequences():
            bound = QShortcut(sequence, owner)
            bound.setContext(context)
            bound.activated.connect(slots[shortcut.name])
