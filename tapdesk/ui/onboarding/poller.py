"""One session's poll schedule on the GUI thread: a :class:`~tapdesk.core.polling.Poller` and a
single-shot ``QTimer`` armed for its next poll.

The schedule itself is pure and runs on the injected clock; the timer only wakes the window
when that clock says a poll is due. The window's heartbeat calls :meth:`SessionPoller.check`
as well, so a test that moves a fake clock gets its poll on the next beat.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from tapdesk.core.clock import Clock
from tapdesk.core.polling import DEFAULT_SETTINGS, Poller, PollPhase, PollSettings, Visibility
from tapdesk.core.verify import GraphRead

if TYPE_CHECKING:
    from tapdesk.core.checklist import Checklist

MAX_SLEEP_MS = 60_000  # re-read the clock at least this often (a suspended laptop, a clock jump)


class SessionPoller(QObject):
    due = Signal()  # a poll is due now: the owner calls begin() and fetches on a worker

    def __init__(
        self,
        clock: Clock,
        parent: QObject | None = None,
        *,
        settings: PollSettings = DEFAULT_SETTINGS,
        visibility: Visibility = Visibility.BACKGROUND,
    ) -> None:
        super().__init__(parent)
        self.core = Poller(settings, clock=clock, visibility=visibility)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.check)

    @property
    def phase(self) -> PollPhase:
        return self.core.phase

    @property
    def status_text(self) -> str:
        return self.core.status_text

    def follow(self, checklist: Checklist) -> None:
        self.core.follow(checklist)
        self.schedule()

    def set_visibility(self, visibility: Visibility) -> None:
        self.core.set_visibility(visibility)
        self.schedule()

    def poll_soon(self) -> None:
        self.core.poll_soon()
        self.schedule()

    def unblock(self) -> None:
        self.core.unblock()
        self.schedule()

    def stop(self) -> None:
        self.core.stop()
        self._timer.stop()

    def begin(self) -> frozenset[GraphRead]:
        reads = self.core.begin()
        self._timer.stop()
        return reads

    def succeeded(self) -> None:
        self.core.succeeded()
        self.schedule()

    def throttled(self, retry_after: float | None) -> None:
        self.core.throttled(retry_after)
        self.schedule()

    def failed(self, *, retryable: bool) -> None:
        self.core.failed(retryable=retryable)
        self.schedule()

    def check(self) -> None:
        """Poll if one is due, else sleep until the next one."""
        if self.core.due():
            self.due.emit()
        else:
            self.schedule()

    def schedule(self) -> None:
        delay = self.core.delay()
        if delay is None:
            self._timer.stop()
            return
        self._timer.start(min(MAX_SLEEP_MS, max(0, round(delay * 1000))))
