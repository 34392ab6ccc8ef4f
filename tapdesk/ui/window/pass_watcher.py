"""The one watcher of the pass on screen: is it still there, has it been used?

It keeps the schedule of every other poll (:class:`~tapdesk.core.polling.Poller`: an interval
with jitter, Retry-After honoured, backoff after failures) and counts in the same budget (:func:`~tapdesk.core.polling.requests_per_second`): one
narrow list call every :data:`~tapdesk.core.polling.PASS_WATCH_INTERVAL` seconds at most, and none at all while a checklist that
already reads the pass reports it (:meth:`PassWatcher.observed` resets the schedule).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from tapdesk.core.clock import Clock
from tapdesk.core.models import TemporaryAccessPass
from tapdesk.errors import NotFound, TapdeskError, TemporaryFailure, Throttled
from tapdesk.ui.operations import Operations

if TYPE_CHECKING:
    from tapdesk.core.verify import Observation
    from tapdesk.ui.onboarding.poller import SessionPoller

log = logging.getLogger(__name__)
CHANNEL = "pass.watch"


class PassWatcher(QObject):
    updated = Signal(object)  # TemporaryAccessPass, as Graph lists it now (without its value)
    gone = Signal(str)  # pass id: revoked or replaced elsewhere

    def __init__(self, ops: Operations, clock: Clock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        self._clock = clock
        self._poller: SessionPoller | None = None
        self.user_id: str | None = None
        self.pass_id: str | None = None

    @property
    def watching(self) -> bool:
        return self._poller is not None

    def watch(self, user_id: str, pass_id: str) -> None:
        """Watch this pass from now on (the first look is one interval away: it is new)."""
        # The polling machinery loads with the first pass (the first paint does without it).
        from tapdesk.core.polling import PASS_WATCH_INTERVAL, PollSettings, Visibility
        from tapdesk.core.verify import GraphRead
        from tapdesk.ui.onboarding.poller import SessionPoller

        self.stop()
        self.user_id, self.pass_id = user_id, pass_id
        # A pass on screen changes only when it is used or revoked elsewhere: a slow look will do.
        every = PASS_WATCH_INTERVAL
        settings = PollSettings(interval=every, background_interval=every)
        poller = SessionPoller(
            self._clock, self, settings=settings, visibility=Visibility.FOREGROUND
        )
        poller.due.connect(self._poll)
        poller.core.set_reads({GraphRead.PASS})
        poller.core.succeeded()  # just read from Graph's answer to the create
        poller.schedule()
        self._poller = poller

    def stop(self) -> None:
        self._ops.cancel(CHANNEL)
        if self._poller is not None:
            self._poller.stop()
            self._poller.deleteLater()
        self._poller = None
        self.user_id = self.pass_id = None

    def check(self) -> None:
        """From the heartbeat: poll if due (tests move a fake clock)."""
        if self._poller is not None:
            self._poller.check()

    def observed(self, user_id: str, tap: TemporaryAccessPass | None) -> None:
        """A checklist read the user's pass: that is this interval's look, no second call."""
        if self._poller is None or user_id != self.user_id:
            return
        self._poller.succeeded()
        self._deliver(tap)

    def _poll(self) -> None:
        poller, user_id = self._poller, self.user_id
        if poller is None or user_id is None or not poller.core.due():
            return
        reads = poller.begin()
        self._ops.read_lists(
            user_id, reads, self._on_read, self._on_failed, name="pass watch", channel=CHANNEL
        )

    def _on_read(self, observation: Observation) -> None:
        if self._poller is None:
            return
        self._poller.succeeded()
        self._deliver(observation.tap)

    def _deliver(self, tap: TemporaryAccessPass | None) -> None:
        pass_id = self.pass_id
        if pass_id is None:
            return
        if tap is None or tap.id != pass_id:
            self.stop()
            self.gone.emit(pass_id)
        else:
            self.updated.emit(tap)

    def _on_failed(self, error: TapdeskError) -> None:
        poller = self._poller
        if poller is None:
            return
        if isinstance(error, NotFound):  # the user is gone, and the pass with them
            self._deliver(None)
        elif isinstance(error, Throttled):
            poller.throttled(error.retry_after)
        else:
            poller.failed(retryable=isinstance(error, TemporaryFailure))
            log.info("pass watch failed: %s", error.title)
