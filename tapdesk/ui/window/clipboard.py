"""Copying the pass, and taking it back off the clipboard if nothing has replaced it since."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QMimeData, QObject, Signal
from PySide6.QtGui import QClipboard, QGuiApplication

from tapdesk.core import keyed
from tapdesk.core.clock import Clock

# Hints that keep a secret out of clipboard history and sync: Windows (Win+V history and cloud
# clipboard), KDE Klipper and macOS pasteboard managers honour these.
_CONCEALED = (
    'application/x-qt-windows-mime;value="ExcludeClipboardContentFromMonitorProcessing"',
    'application/x-qt-windows-mime;value="CanIncludeInClipboardHistory"',
    "x-kde-passwordManagerHint",
    "org.nspasteboard.ConcealedType",
)


def secret_mime(text: str) -> QMimeData:
    mime = QMimeData()
    mime.setText(text)
    for kind in _CONCEALED:
        if kind.endswith('CanIncludeInClipboardHistory"'):
            mime.setData(kind, QByteArray(b"\x00\x00\x00\x00"))  # DWORD 0: not in history
        elif kind == "x-kde-passwordManagerHint":
            mime.setData(kind, QByteArray(b"secret"))
        else:
            mime.setData(kind, QByteArray(b"1"))
    return mime


class ClipboardGuard(QObject):
    """Remembers a keyed hash of what it copied, never the text, and a deadline on the clock.

    ``tick()`` (the window's one-second heartbeat) clears the clipboard once the deadline has
    passed, and only if the clipboard still holds what was copied: a technician who copied
    something else meanwhile keeps it.
    """

    cleared = Signal()

    def __init__(
        self, clock: Clock, clear_after_seconds: int, clipboard: QClipboard | None = None
    ) -> None:
        super().__init__()
        self._clock = clock
        self._clear_after = clear_after_seconds
        self._clipboard = clipboard or QGuiApplication.clipboard()
        self._key = keyed.new_key()
        self._digest: bytes | None = None
        self._deadline: float | None = None

    @property
    def clear_after_seconds(self) -> int:
        return self._clear_after

    def set_clear_after(self, seconds: int) -> None:
        """A new setting: the next copy clears after ``seconds`` (0: never); a copy waiting now
        is cleared no later than that from now."""
        self._clear_after = seconds
        if self._deadline is not None and seconds > 0:
            self._deadline = min(self._deadline, self._clock.monotonic() + seconds)
        elif self._digest is not None and seconds > 0:
            self._deadline = self._clock.monotonic() + seconds

    @property
    def holding(self) -> bool:
        return self._digest is not None

    def seconds_left(self) -> float | None:
        if self._deadline is None:
            return None
        return max(0.0, self._deadline - self._clock.monotonic())

    def copy(self, text: str) -> None:
        self._clipboard.setMimeData(secret_mime(text), QClipboard.Mode.Clipboard)
        self._digest = self._hash(text)
        self._deadline = (
            self._clock.monotonic() + self._clear_after if self._clear_after > 0 else None
        )

    def tick(self) -> None:
        if (
            self._digest is not None
            and self._deadline is not None
            and self._clock.monotonic() >= self._deadline
        ):
            self.clear_now()

    def clear_now(self) -> bool:
        """Clear if the clipboard still holds our copy; forget it either way. True if cleared."""
        if self._digest is None:
            return False
        ours = keyed.same(self._hash(self._clipboard.text(QClipboard.Mode.Clipboard)), self._digest)
        self._digest = None
        self._deadline = None
        if ours:
            self._clipboard.clear(QClipboard.Mode.Clipboard)
            self.cleared.emit()
        return ours

    def _hash(self, text: str) -> bytes:
        return keyed.digest(self._key, text)
