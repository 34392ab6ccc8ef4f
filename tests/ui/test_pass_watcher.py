"""One watcher for the pass on screen: on the polling schedule, with Retry-After and backoff."""

from __future__ import annotations

from tapdesk.demo import Fault
from tapdesk.ui.widgets.pass_panel import PanelState
from tests.helpers.demo import UPN
from tests.helpers.qt import issue, open_user, wait_idle

AVA = UPN["ava.newhire"]


def pass_lists(tenant) -> int:
    return sum(
        1
        for m, path, _h in tenant.requests
        if m == "GET" and path.endswith("temporaryAccessPassMethods")
    )


def beat(qtbot, window, clock, seconds: float) -> None:
    clock.advance(seconds)
    window.tick()
    wait_idle(qtbot, window)


def test_a_pass_revoked_elsewhere_is_seen_within_one_look(qtbot, make_window, tenant, clock):
    window = make_window(hide_after_seconds=0)
    open_user(qtbot, window, "ava", AVA)
    window.form.set_path(None)  # the pass alone: no checklist reads it or waits for its use
    issue(qtbot, window)
    before = pass_lists(tenant)
    beat(qtbot, window, clock, 10)
    assert pass_lists(tenant) == before  # a new pass needs no look for a while
    tenant.phone(AVA)  # the user exists; a colleague revokes the pass in the portal
    [tap] = window.backend.services().graph.list_taps(window.card.user.id)
    window.backend.services().graph.delete_tap(window.card.user.id, tap.id)
    before = pass_lists(tenant)
    beat(qtbot, window, clock, 15)  # 25 s after the issue: one look
    assert pass_lists(tenant) == before + 1
    assert window.passes.state is PanelState.FINAL
    assert not window.watcher.watching  # nothing left to watch
    beat(qtbot, window, clock, 120)
    assert pass_lists(tenant) == before + 1


def test_the_watcher_waits_as_long_as_graph_asks(qtbot, make_window, tenant, clock):
    window = make_window(hide_after_seconds=0)
    open_user(qtbot, window, "ava", AVA)
    window.form.set_path(None)  # the pass alone: no checklist reads it or waits for its use
    issue(qtbot, window)
    tenant.inject(Fault.throttle("90", times=1, path_contains="temporaryAccessPassMethods"))
    before = pass_lists(tenant)
    beat(qtbot, window, clock, 25)  # the look that is throttled
    assert pass_lists(tenant) == before + 1
    for _ in range(4):  # 80 s more: still inside Graph's 90
        beat(qtbot, window, clock, 20)
    assert pass_lists(tenant) == before + 1
    beat(qtbot, window, clock, 20)  # past 90 s and its spread
    assert pass_lists(tenant) == before + 2
    assert window.passes.state is PanelState.SHOWN


def test_a_checklist_that_reads_the_pass_spares_the_watchers_look(
    qtbot, make_window, tenant, clock
):
    window = make_window(hide_after_seconds=0)
    open_user(qtbot, window, "ava", AVA)
    window.form.set_path(None)  # the pass alone: no checklist reads it or waits for its use
    issue(qtbot, window)
    user_id = window.card.user.id
    [tap] = window.backend.services().graph.list_taps(user_id)
    before = pass_lists(tenant)
    for _ in range(6):  # a checklist reports the pass every 10 s
        clock.advance(10)
        window.guide.onboarding.pass_observed.emit(user_id, tap)
        window.tick()
        wait_idle(qtbot, window)
    assert pass_lists(tenant) == before  # the watcher's own look never came due
    # And what the checklist saw reaches the panel: the pass is gone.
    window.guide.onboarding.pass_observed.emit(user_id, None)
    assert window.passes.state is PanelState.FINAL
