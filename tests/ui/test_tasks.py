"""ui/tasks.py: work off the GUI thread, exactly one outcome back on it, stale results dropped."""

from __future__ import annotations

import logging
import threading

import pytest

from tapdesk.errors import NotFound, TapdeskError
from tapdesk.ui.tasks import TaskRunner

SECRET = "Xy7+kQ2m"


@pytest.fixture
def runner(qtbot):
    made = TaskRunner()
    yield made
    made.wait_for_done(5000)


def outcomes():
    seen: list[tuple[str, object, bool]] = []
    gui = threading.current_thread()

    def ok(result: object) -> None:
        seen.append(("ok", result, threading.current_thread() is gui))

    def failed(error: TapdeskError) -> None:
        seen.append(("failed", error, threading.current_thread() is gui))

    return seen, ok, failed


def test_success_arrives_once_on_the_gui_thread_from_a_worker(qtbot, runner):
    seen, ok, failed = outcomes()
    workers: list[threading.Thread] = []

    def work() -> int:
        workers.append(threading.current_thread())
        return 42

    runner.submit(work, ok, failed)
    qtbot.waitUntil(lambda: bool(seen))
    qtbot.wait(20)
    assert seen == [("ok", 42, True)]
    assert workers[0] is not threading.current_thread()
    assert not runner.busy


def test_a_tapdesk_error_arrives_as_is(qtbot, runner):
    seen, ok, failed = outcomes()
    error = NotFound("User x was not found.", request_id="rid-1")

    def work() -> None:
        raise error

    runner.submit(work, ok, failed)
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [("failed", error, True)]


def test_any_other_exception_is_wrapped_without_its_message(qtbot, runner, caplog):
    caplog.set_level(logging.DEBUG)
    seen, ok, failed = outcomes()

    def work() -> None:
        raise ValueError(f"body was {{'temporaryAccessPass': '{SECRET}'}}")

    runner.submit(work, ok, failed)
    qtbot.waitUntil(lambda: bool(seen))
    kind, error, on_gui = seen[0]
    assert kind == "failed" and on_gui
    assert isinstance(error, TapdeskError)
    assert "ValueError" in error.message
    assert SECRET not in str(error) and SECRET not in error.hint
    assert all(SECRET not in record.getMessage() for record in caplog.records)
    assert any("ValueError" in record.getMessage() for record in caplog.records)


def test_a_newer_task_on_a_channel_drops_the_older_ones_delivery(qtbot, runner):
    seen, ok, failed = outcomes()
    release = threading.Event()

    def slow() -> str:
        release.wait(5)
        return "old"

    runner.submit(slow, ok, failed, channel="search")
    runner.submit(lambda: "new", ok, failed, channel="search")
    qtbot.waitUntil(lambda: bool(seen))
    release.set()
    qtbot.waitUntil(lambda: not runner.busy)
    qtbot.wait(20)
    assert seen == [("ok", "new", True)]


def test_cancel_drops_the_delivery_and_other_channels_are_untouched(qtbot, runner):
    seen, ok, failed = outcomes()
    release = threading.Event()
    runner.submit(lambda: release.wait(5) and "card", ok, failed, channel="card")
    runner.submit(lambda: release.wait(5) and "policy", ok, failed, channel="policy")
    runner.cancel("card")
    release.set()
    qtbot.waitUntil(lambda: not runner.busy)
    qtbot.wait(20)
    assert seen == [("ok", "policy", True)]


def test_progress_reports_reach_the_gui_thread_before_the_result(qtbot, runner):
    seen, ok, failed = outcomes()
    notes: list[tuple[str, bool]] = []
    gui = threading.current_thread()

    def work(report) -> str:
        report("still replicating…")
        return "found"

    runner.submit(
        work, ok, failed, on_progress=lambda t: notes.append((t, threading.current_thread() is gui))
    )
    qtbot.waitUntil(lambda: bool(seen))
    assert notes == [("still replicating…", True)]
    assert seen == [("ok", "found", True)]


def test_busy_changes_and_wait_for_done_stops_deliveries(qtbot, runner):
    seen, ok, failed = outcomes()
    flips: list[bool] = []
    runner.busy_changed.connect(flips.append)
    release = threading.Event()
    runner.submit(lambda: release.wait(5), ok, failed)
    assert runner.busy and flips == [True]
    release.set()
    assert runner.wait_for_done(5000)
    qtbot.wait(50)
    assert seen == []  # closed: nothing is delivered to a window that is going away
    late = runner.submit(lambda: 1, ok, failed)
    assert late.cancelled


def test_many_tasks_make_no_qobject_each(qtbot, runner):
    """A roster's 200 pre-checks each came with a QObject of their own, made, connected and
    deleted on the GUI thread; results now come back through the runner's one relay."""
    import gc

    from PySide6.QtCore import QObject

    def qobjects() -> int:
        return sum(isinstance(o, QObject) for o in gc.get_objects())

    seen, ok, failed = outcomes()
    gate = threading.Event()  # the workers wait: every task is in flight at the count
    before = qobjects()
    for n in range(40):
        runner.submit(lambda n=n: gate.wait(5) and n, ok, failed)
    assert qobjects() == before
    gate.set()
    qtbot.waitUntil(lambda: len(seen) == 40, timeout=5000)
    assert sorted(result for _, result, _ in seen) == list(range(40))
    assert all(on_gui for _, _, on_gui in seen)


def test_work_that_ends_after_its_runner_is_deleted_is_dropped_quietly(qtbot):
    """A window closed without waiting for its workers: their results have nowhere to go."""
    import gc

    from shiboken6 import Shiboken

    seen, ok, failed = outcomes()
    gate, ended = threading.Event(), threading.Event()
    runner = TaskRunner()
    pool = runner._pool
    pool.setParent(None)  # keep the pool: the test waits for its worker below
    runner.submit(lambda: gate.wait(5) and 1, ok, failed)
    Shiboken.delete(runner)
    del runner
    gc.collect()
    pool.start(lambda: ended.set())  # after the gated job, on the pool's one free thread
    gate.set()
    assert pool.waitForDone(5000) and ended.is_set()
    qtbot.wait(50)
    assert seen == []
