"""The countdown's rules at their edges: the words the pass card shows and the colour it turns."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tapdesk.core.lifecycle import Countdown, CountdownView, PassState, Urgency, countdown
from tapdesk.core.models import TemporaryAccessPass, UsabilityReason
from tests.helpers.clock import START, FakeClock


def tap(lifetime: int = 60, *, starts_in: float = 0.0) -> TemporaryAccessPass:
    start = START + timedelta(seconds=starts_in) if starts_in else None
    return TemporaryAccessPass("tap-1", START, start, lifetime, True, True)


def left(lifetime: int, seconds: float) -> CountdownView:
    """The countdown of a pass with ``seconds`` of its lifetime left."""
    return countdown(tap(lifetime), START + timedelta(minutes=lifetime, seconds=-seconds))


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.5, "valid in 1 s"),
        (59, "valid in 59 s"),
        (60, "valid in 1 min"),
        (89 * 60, "valid in 89 min"),
        (90 * 60, "valid in 1 h 30 min"),
        (125 * 60, "valid in 2 h 5 min"),
        (180 * 60, "valid in 3 h"),
    ],
)
def test_a_pass_not_yet_valid_says_when_it_starts(seconds: float, text: str) -> None:
    view = countdown(tap(starts_in=seconds), START)
    assert (view.text, view.fraction_left, view.seconds_left) == (text, 1.0, seconds)


@pytest.mark.parametrize(
    ("lifetime", "seconds", "urgency"),
    [
        (60, 360, Urgency.CRITICAL),  # a tenth of the lifetime left
        (60, 361, Urgency.WARNING),
        (10, 120, Urgency.CRITICAL),  # two minutes left
        (10, 121, Urgency.WARNING),
        (60, 900, Urgency.WARNING),  # a quarter of the lifetime left
        (60, 901, Urgency.OK),
        (30, 600, Urgency.WARNING),  # ten minutes left
        (30, 601, Urgency.OK),
    ],
)
def test_the_countdown_turns_at_its_thresholds(
    lifetime: int, seconds: int, urgency: Urgency
) -> None:
    assert left(lifetime, seconds).urgency is urgency


def test_an_expired_pass_shows_an_empty_countdown() -> None:
    view = countdown(tap(), START + timedelta(hours=2))
    assert view == CountdownView(PassState.EXPIRED, "expired", 0.0, 0.0, Urgency.DONE)


def test_a_fresher_reading_from_graph_updates_the_countdown() -> None:
    """Graph reports the one-time pass used: the card stops counting down."""
    clock = FakeClock()
    watch = Countdown(tap(), clock)
    used = TemporaryAccessPass("tap-1", START, None, 60, True, False, UsabilityReason.ONE_TIME_USED)
    watch.update(used)
    assert watch.tap == used
    assert watch.view().text == "used"
