"""The one way to run work off the GUI thread.

A widget hands a plain callable to :class:`TaskRunner`; it runs on a ``QThreadPool`` worker and
exactly one of ``on_success(result)`` / ``on_failure(error)`` is called back on the GUI thread.
Work started on a *channel* supersedes earlier work on the same channel: a newer search drops
the delivery of an older one, moving to another user drops the old user's card.

Errors reach the callback as :class:`~tapdesk.errors.TapdeskError`. Anything else is wrapped in
a generic one built from the exception's *type* only: the message of an arbitrary exception may
quote a request body, a token or a pass, so it is neither shown nor logged.
"""

from __future__ import annotations

import itertools
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

from tapdesk.errors import TapdeskError

log = logging.getLogger(__name__)

SuccessCallback = Callable[[Any], None]
FailureCallback = Callable[[TapdeskError], None]
ProgressCallback = Callable[[str], None]


def as_user_error(exc: BaseException) -> TapdeskError:
    """The error a technician sees for ``exc``; never carries ``str(exc)`` of a foreign error."""
    if isinstance(exc, TapdeskError):
        return exc
    # Type and frames only (file, line, function): safe to log, useful to a developer.
    frames = "".join(traceback.format_tb(exc.__traceback__)) if exc.__traceback__ else ""
    log.error("unexpected %s in a background task\n%s", type(exc).__name__, frames)
    return TapdeskError(
        f"An unexpected problem stopped the operation ({type(exc).__name__}).",
        hint="Try again. If it keeps happening, send the log file to your IT team.",
    )


@dataclass(eq=False)
class Task:
    """A handle on submitted work: ``cancel()`` drops its delivery (the work itself still ends)."""

    name: str
    channel: str | None
    generation: int
    on_success: SuccessCallback | None
    on_failure: FailureCallback | None
    on_progress: ProgressCallback | None = None
    cancelled: bool = False
    done: bool = False

    def cancel(self) -> None:
        self.cancelled = True


class _Relay(QObject):
    """Lives on the GUI thread; its queued slots are where workers' results land.

    One per runner, not one per task: making a QObject and connecting its signals for each of
    a roster's 200 pre-checks, and deleting it after, cost the GUI thread a turn each time."""

    finished = Signal(object, object, object)  # (task, result, error)
    progress = Signal(object, str)  # (task, text)

    def __init__(self, runner: TaskRunner) -> None:
        super().__init__(runner)
        self.finished.connect(runner._deliver, Qt.ConnectionType.QueuedConnection)
        self.progress.connect(runner._report, Qt.ConnectionType.QueuedConnection)


class _Job(QRunnable):
    def __init__(self, fn: Callable[..., Any], relay: _Relay, task: Task, *, reports: bool) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay
        self._task = task
        self._reports = reports

    def run(self) -> None:  # worker thread: never touch a widget here
        relay, task = self._relay, self._task
        try:
            report = partial(_send, relay.progress, task)
            result = self._fn(report) if self._reports else self._fn()
        except Exception as exc:  # delivered, never lost in a worker
            _send(relay.finished, task, None, exc)
        else:
            _send(relay.finished, task, result, None)
        finally:
            self._fn = None  # type: ignore[assignment]  # drop captured state (a pass) early


def _send(signal: Any, *args: object) -> None:
    """Emit from a worker; the relay goes with its runner, and a runner deleted while its work
    ran (its window closed without waiting) has nobody left to deliver to."""
    try:
        signal.emit(*args)
    except RuntimeError:  # PySide: "Signal source has been deleted"
        log.debug("a result arrived after its runner was deleted")


class TaskRunner(QObject):
    """Runs callables on a private pool and calls back on the GUI thread."""

    busy_changed = Signal(bool)

    def __init__(self, pool: QThreadPool | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool(self)
        if pool is None:
            self._pool.setMaxThreadCount(4)
        self._counter = itertools.count(1)
        self._latest: dict[str, int] = {}
        self._in_flight: set[Task] = set()
        self._closed = False
        self._relay = _Relay(self)

    # -- submitting -----------------------------------------------------------------------------
    def submit(
        self,
        fn: Callable[..., Any],
        on_success: SuccessCallback | None = None,
        on_failure: FailureCallback | None = None,
        *,
        channel: str | None = None,
        name: str = "",
        on_progress: ProgressCallback | None = None,
    ) -> Task:
        """Run ``fn()`` on a worker; with ``on_progress``, run ``fn(report)`` instead, where
        ``report(text)`` may be called from the worker and reaches ``on_progress`` on the GUI
        thread (while the task is current)."""
        task = Task(
            name or getattr(fn, "__name__", "task"),
            channel,
            next(self._counter),
            on_success,
            on_failure,
            on_progress,
        )
        if self._closed:
            task.cancelled = True
            return task
        if channel is not None:
            self._latest[channel] = task.generation
        was_idle = not self._in_flight
        self._in_flight.add(task)
        self._pool.start(_Job(fn, self._relay, task, reports=on_progress is not None))
        if was_idle:
            self.busy_changed.emit(True)
        return task

    def cancel(self, channel: str) -> None:
        """Drop the delivery of whatever is in flight on ``channel``."""
        self._latest[channel] = next(self._counter)

    def is_current(self, task: Task) -> bool:
        if task.cancelled or self._closed:
            return False
        return task.channel is None or self._latest.get(task.channel) == task.generation

    @property
    def busy(self) -> bool:
        return bool(self._in_flight)

    # -- shutting down --------------------------------------------------------------------------
    def wait_for_done(self, msecs: int = -1) -> bool:
        """Stop delivering and wait for the workers (on exit; MSAL and httpx can't be killed)."""
        self._closed = True
        return self._pool.waitForDone(msecs)

    # -- delivery (GUI thread) ------------------------------------------------------------------
    @Slot(object, str)
    def _report(self, task: Task, text: str) -> None:
        if task.on_progress is not None and not task.done and self.is_current(task):
            task.on_progress(text)

    @Slot(object, object, object)
    def _deliver(self, task: Task, result: object, error: object) -> None:
        self._in_flight.discard(task)
        if not self._in_flight:
            self.busy_changed.emit(False)
        if task.done:
            return
        task.done = True
        if not self.is_current(task):
            log.debug("dropped the stale result of %s", task.name)
            return
        if error is None:
            if task.on_success is not None:
                task.on_success(result)
            return
        user_error = as_user_error(error)  # type: ignore[arg-type]
        if task.on_failure is not None:
            task.on_failure(user_error)
        else:
            log.warning("%s failed: %s", task.name, user_error.title)
