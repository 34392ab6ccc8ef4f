"""Pre-check the roster in the background, a few people at a time, earliest start first.

Why at most four at once (``LIMIT``):

- Graph's identity-and-access limit is one token bucket per app and tenant (graph-tap §5.2), so
  every technician's tapdesk draws from it. A person costs six calls
  (:data:`tapdesk.workflows.precheck.REQUESTS_PER_PERSON`); firing a 200-person roster at once
  would be 1,200 requests in a few seconds and invite 429s on everybody's live sessions. Four in
  flight at Graph's usual 100-300 ms per call is roughly 13-40 requests/s, at most ~12 % of the
  smallest tenant's 3,500 units per 10 s: 200 people are checked in well under a minute and the
  session pollers and colleagues keep the rest.
- The queue runs on the roster window's own task runner (a pool of four threads), never on
  the main window's: the technician's search, card and issue tasks do not wait behind 200
  pre-checks. With four in flight, closing the app waits for at most four calls.
- Results arrive in the queue's order, so the first people of the day are ready first.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal

from tapdesk.core.models import TapPolicy
from tapdesk.core.readiness import Finding, Severity
from tapdesk.core.roles import Technician
from tapdesk.errors import TapdeskError
from tapdesk.ui.operations import Operations
from tapdesk.ui.tasks import Task
from tapdesk.ui.turns import next_turn
from tapdesk.workflows.precheck import Precheck

LIMIT = 4


class PrecheckQueue(QObject):
    checking = Signal(int)  # line: its check started
    checked = Signal(int, object)  # line, Precheck
    progress = Signal(int, int)  # done, total
    finished = Signal()
    sign_in_needed = Signal()  # a row found the sign-in expired: the rest are left for later

    def __init__(
        self, ops: Operations, *, limit: int = LIMIT, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._ops = ops
        self._limit = limit
        self._pending: deque[tuple[int, str]] = deque()
        self._in_flight: dict[int, Task] = {}
        self._policy: TapPolicy | None = None
        self._technician: Technician | None = None
        self._done = 0
        self._total = 0
        self._generation = 0

    @property
    def running(self) -> bool:
        return bool(self._pending or self._in_flight)

    @property
    def in_flight(self) -> int:
        return len(self._in_flight)

    def start(
        self,
        people: Iterable[tuple[int, str]],
        policy: TapPolicy | None,
        technician: Technician | None,
    ) -> None:
        """Check ``(line, upn)`` in this order; replaces whatever was queued before."""
        self.stop()
        self._pending = deque(people)
        self._policy, self._technician = policy, technician
        self._done, self._total = 0, len(self._pending)
        self.progress.emit(0, self._total)
        if not self.running:
            self.finished.emit()
            return
        # The first calls leave on the next turn: the roster that asked for them paints first
        # (it is running, with everyone pending, from now).
        self._fill_later()

    def stop(self) -> list[int]:
        """Drop what is queued and the delivery of what is in flight; returns their lines."""
        self._generation += 1
        left = [line for line, _ in self._pending] + list(self._in_flight)
        for task in self._in_flight.values():
            task.cancel()
        self._pending.clear()
        self._in_flight.clear()
        return left

    def _fill_later(self) -> None:
        generation = self._generation
        next_turn(self, lambda: self._fill() if generation == self._generation else None)

    def _fill(self) -> None:
        """Send the next person's check, and the next one a turn later while there is room:
        four sent in one turn made that turn start four workers and write four rows, the
        longest turn of a pre-check on a busy machine."""
        if not self._pending or len(self._in_flight) >= self._limit:
            return
        line, upn = self._pending.popleft()
        self.checking.emit(line)
        self._in_flight[line] = self._submit(self._generation, line, upn)
        if self._pending and len(self._in_flight) < self._limit:
            self._fill_later()

    def _submit(self, generation: int, line: int, upn: str) -> Task:
        def landed(result: Precheck) -> None:
            self._landed(generation, line, result)

        def failed(error: TapdeskError) -> None:
            self._landed(generation, line, _failed(upn, error))

        return self._ops.precheck(upn, self._policy, self._technician, landed, failed)

    def _landed(self, generation: int, line: int, result: Precheck) -> None:
        if generation != self._generation:
            return  # a new roster or a stop since
        self._in_flight.pop(line, None)
        self._done += 1
        self.checked.emit(line, result)
        self.progress.emit(self._done, self._total)
        if result.needs_sign_in:
            self.stop()
            self.sign_in_needed.emit()
            self.finished.emit()
            return
        self._fill()
        if not self.running:
            self.finished.emit()


def _failed(upn: str, error: TapdeskError) -> Precheck:
    """check_person never raises; this covers a bug in a worker all the same."""
    finding = Finding("error", Severity.BLOCKS, f"Could not check: {error.title}. {error.message}")
    return Precheck(upn, findings=(finding,))
