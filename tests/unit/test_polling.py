from __future__ import annotations

import pytest

from tapdesk.core.checklist import Checklist
from tapdesk.core.flows import load_flow
from tapdesk.core.models import TemporaryAccessPass
from tapdesk.core.polling import (
    TENANT_UNITS_PER_10S,
    Poller,
    PollPhase,
    PollSettings,
    Visibility,
    requests_per_second,
)
from tapdesk.core.verify import GraphRead
from tapdesk.runtime.resources import flows_dir
from tests.helpers.clock import START, FakeClock

FIDO = frozenset({GraphRead.FIDO2})
PASS = frozenset({GraphRead.PASS})


def poller(
    random: float = 0.5, visibility: Visibility = Visibility.FOREGROUND
) -> tuple[Poller, FakeClock]:
    clock = FakeClock()
    return Poller(clock=clock, random=lambda: random, visibility=visibility), clock


def run_poll(p: Poller) -> frozenset[GraphRead]:
    assert p.due()
    reads = p.begin()
    assert p.phase is PollPhase.IN_FLIGHT and p.delay() is None
    return reads


def test_nothing_to_read_means_no_polling() -> None:
    p, _ = poller()
    assert p.phase is PollPhase.IDLE and p.delay() is None and not p.due()
    with pytest.raises(RuntimeError):
        p.begin()


def test_a_verify_step_polls_at_once_then_every_ten_seconds_with_jitter() -> None:
    p, clock = poller(random=0.5)
    p.set_reads(FIDO)
    assert run_poll(p) == FIDO
    p.succeeded()
    assert p.delay() == pytest.approx(10.0)
    clock.advance(9.9)
    assert not p.due()
    clock.advance(0.1)
    assert p.due()


@pytest.mark.parametrize(("random", "interval"), [(0.0, 8.0), (1.0, 12.0)])
def test_jitter_bounds(random: float, interval: float) -> None:
    p, _ = poller(random=random)
    p.set_reads(FIDO)
    run_poll(p)
    p.succeeded()
    assert p.delay() == pytest.approx(interval)


def test_a_new_step_polls_at_once_the_same_step_does_not() -> None:
    p, clock = poller()
    p.set_reads(FIDO)
    run_poll(p)
    p.succeeded()
    p.set_reads(FIDO)
    assert not p.due()
    clock.advance(3)
    p.set_reads(PASS)
    assert p.due() and p.reads == PASS


def test_429_honours_retry_after_exactly_or_a_little_more() -> None:
    p, clock = poller(random=0.0)
    p.set_reads(FIDO)
    run_poll(p)
    p.throttled(retry_after=7.5)
    assert p.phase is PollPhase.BACKING_OFF
    assert p.delay() == pytest.approx(7.5)
    assert "slow down" in p.status_text
    # Neither a new step nor "check now" jumps the server's wait.
    p.set_reads(PASS)
    p.poll_soon()
    clock.advance(7.4)
    assert not p.due()
    clock.advance(0.1)
    assert p.due()


def test_retry_after_spread_never_shortens_the_wait() -> None:
    p, _ = poller(random=1.0)
    p.set_reads(FIDO)
    run_poll(p)
    p.throttled(retry_after=20)
    assert p.delay() == pytest.approx(22.0)


def test_a_retry_after_beyond_the_backoff_cap_is_waited_in_full() -> None:
    """The 5-minute cap is on our own backoff; Graph's Retry-After is never cut to it."""
    p, clock = poller(random=0.0)
    p.set_reads(FIDO)
    run_poll(p)
    p.throttled(retry_after=900.0)
    assert p.delay() == pytest.approx(900.0) and p.settings.max_backoff == 300.0
    clock.advance(899)
    assert not p.due()
    assert p.status_text == "Microsoft Graph asked us to slow down; next check in 1 s"


def test_a_nan_retry_after_backs_off_instead_of_polling_at_once() -> None:
    p, _ = poller(random=1.0)
    p.set_reads(FIDO)
    run_poll(p)
    p.throttled(retry_after=float("nan"))
    assert p.delay() == pytest.approx(20.0) and not p.due()


def test_429_without_retry_after_and_errors_back_off_exponentially_to_a_cap() -> None:
    p, clock = poller(random=1.0)  # full jitter: the ceiling itself
    p.set_reads(FIDO)
    waits = []
    for attempt in range(7):
        run_poll(p)
        if attempt % 2:
            p.throttled(retry_after=None)
        else:
            p.failed()
        delay = p.delay()
        assert delay is not None
        waits.append(delay)
        clock.advance(delay)
    assert waits == [20.0, 40.0, 80.0, 160.0, 300.0, 300.0, 300.0]
    assert p.failures == 7
    run_poll(p)
    p.succeeded()
    assert p.failures == 0 and p.delay() == pytest.approx(12.0)
    assert clock.sleeps == []  # scheduling never sleeps


def test_backoff_jitter_is_between_half_and_full() -> None:
    p, _ = poller(random=0.0)
    p.set_reads(FIDO)
    run_poll(p)
    p.failed()
    assert p.delay() == pytest.approx(10.0)


def test_a_failure_that_waiting_will_not_cure_blocks_until_unblocked() -> None:
    p, clock = poller()
    p.set_reads(FIDO)
    run_poll(p)
    p.failed(retryable=False)
    assert p.phase is PollPhase.BLOCKED and p.delay() is None
    clock.advance(3600)
    assert not p.due()
    p.unblock()
    assert p.due() and p.failures == 0


def test_hidden_pauses_and_coming_back_polls_if_the_last_answer_is_stale() -> None:
    p, clock = poller()
    p.set_reads(FIDO)
    run_poll(p)
    p.succeeded()
    p.set_visibility(Visibility.HIDDEN)
    assert p.phase is PollPhase.PAUSED and p.delay() is None
    assert "paused" in p.status_text
    clock.advance(4)
    p.set_visibility(Visibility.FOREGROUND)
    assert p.delay() == pytest.approx(6.0)  # last answer 4 s old: the normal interval applies
    p.set_visibility(Visibility.HIDDEN)
    clock.advance(60)
    p.set_visibility(Visibility.FOREGROUND)
    assert p.due()


def test_background_polls_every_minute() -> None:
    p, _ = poller(visibility=Visibility.BACKGROUND)
    p.set_reads(FIDO)
    run_poll(p)
    p.succeeded()
    assert p.delay() == pytest.approx(60.0)
    p.set_visibility(Visibility.FOREGROUND)
    assert p.delay() == pytest.approx(10.0)


def test_a_result_arriving_while_hidden_is_kept_without_scheduling() -> None:
    p, _ = poller()
    p.set_reads(FIDO)
    run_poll(p)
    p.set_visibility(Visibility.HIDDEN)
    p.succeeded()
    assert p.phase is PollPhase.PAUSED and p.delay() is None


def test_stop_is_final() -> None:
    p, clock = poller()
    p.set_reads(FIDO)
    run_poll(p)
    p.stop()
    p.succeeded()
    p.set_reads(PASS)
    p.poll_soon()
    clock.advance(1000)
    assert p.phase is PollPhase.STOPPED and p.delay() is None and not p.due()
    assert "closed" in p.status_text


def test_status_text_counts_down() -> None:
    p, clock = poller()
    p.set_reads(FIDO)
    run_poll(p)
    assert p.status_text.startswith("Checking")
    p.succeeded()
    clock.advance(3)
    assert p.status_text == "Next check in 7 s"


def test_the_stated_request_budget() -> None:
    worst = requests_per_second(foreground=20, reads_per_poll=2)
    assert worst == pytest.approx(5.0)
    assert worst * 10 / TENANT_UNITS_PER_10S < 0.015  # 1.4 % of the smallest tenant's bucket
    usual = requests_per_second(foreground=1, background=19)
    assert usual < 0.6
    # A background session polls at most once every 48 s (60 s less the jitter).
    assert requests_per_second(foreground=0, background=1) == pytest.approx(1 / 48)
    slow = requests_per_second(foreground=1, settings=PollSettings(interval=30.0, jitter=0.0))
    assert slow == pytest.approx(1 / 30)


def test_follow_a_checklist_until_it_closes() -> None:
    clock = FakeClock()
    flow = load_flow(flows_dir() / "passkey-authenticator.toml")
    checklist = Checklist.start(
        flow, user_id="u", upn="a@contoso.example", technician="t", clock=clock
    )
    p = Poller(clock=clock, random=lambda: 0.5)
    p.follow(checklist)
    assert p.delay() is None  # no pass yet: idle
    checklist.tick("confirm-identity")
    checklist.pass_issued(TemporaryAccessPass("tap-1", START, None, 60, False), [])
    p.follow(checklist)
    assert p.reads == {GraphRead.AUTHENTICATOR} and p.due()
    checklist.abandon("test over")
    p.follow(checklist)
    assert p.phase is PollPhase.STOPPED


def test_the_pass_on_screen_counts_in_the_budget() -> None:
    without = requests_per_second(foreground=1)
    watched = requests_per_second(foreground=1, pass_on_screen=True)
    assert watched - without == pytest.approx(1 / (20.0 * 0.8))


def test_a_retry_after_of_zero_polls_again_at_once() -> None:
    """Graph may say "Retry-After: 0"; tapdesk does not add a second of its own."""
    p, _ = poller(random=0.0)
    p.set_reads(FIDO)
    run_poll(p)
    p.throttled(retry_after=0)
    assert p.due()


def test_a_failure_after_a_throttle_says_graph_did_not_answer() -> None:
    p, _ = poller(random=1.0)
    p.set_reads(FIDO)
    run_poll(p)
    p.throttled(retry_after=0)
    run_poll(p)
    p.failed()
    assert p.status_text == "Microsoft Graph did not answer; next check in 40 s"


def test_beginning_a_poll_that_is_not_due_names_the_phase() -> None:
    p, _ = poller()
    with pytest.raises(RuntimeError, match=r"^no poll is due \(phase idle\)$"):
        p.begin()
