"""Lifetimes in the words a technician reads (the issue form, the flows)."""

from __future__ import annotations

import pytest

from tapdesk.core.passrules import human_minutes


@pytest.mark.parametrize(
    ("minutes", "said"),
    [
        (45, "45 min"),
        (60, "1 h"),
        (90, "1 h 30 min"),
        (1439, "23 h 59 min"),
        (1440, "1 d"),
        (1441, "1 d 1 min"),
        (1500, "1 d 1 h"),
        (2880, "2 d"),
        (43200, "30 d"),
    ],
)
def test_a_lifetime_is_said_as_people_say_it(minutes: int, said: str) -> None:
    assert human_minutes(minutes) == said
