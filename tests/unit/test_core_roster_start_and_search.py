"""A roster row's start as a moment, and the search that finds a row by its words."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

from tapdesk.core.roster import RosterEntry, parse_roster

DAY = date(2030, 1, 6)
CET = timezone(timedelta(hours=1))


def test_a_row_without_a_start_has_no_start_moment() -> None:
    """No date and no time: there is no start, not an invented midnight."""
    assert RosterEntry(2, "ava@contoso.example").start_at(DAY, UTC) is None


def test_a_date_without_a_time_starts_at_midnight_in_the_given_zone() -> None:
    """A start date alone means the start of that day, in the site's time zone."""
    entry = RosterEntry(2, "ava@contoso.example", start_date=date(2030, 1, 7))
    assert entry.start_at(DAY, CET) == datetime(2030, 1, 7, 0, 0, tzinfo=CET)


def test_a_time_without_a_date_is_on_the_roster_day_in_the_given_zone() -> None:
    entry = RosterEntry(2, "ava@contoso.example", start_time=time(8, 30))
    start = entry.start_at(DAY, CET)
    assert start == datetime(2030, 1, 6, 8, 30, tzinfo=CET)
    assert start is not None and start.utcoffset() == timedelta(hours=1)


def test_search_for_a_letter_in_no_field_finds_nobody() -> None:
    """Only the row's own words count; nothing between the fields may match."""
    entry = parse_roster("UPN,Name,Laptop\nava@contoso.com,Ava Newhire,LAP-7\n").entries[0]
    assert entry.matches("newhire LAP-7")
    assert not entry.matches("x")
    assert not entry.matches("contoso ava lap-7 z")


def test_search_uses_the_directory_name_once_the_person_is_found() -> None:
    """The queue shows Graph's name for a found person: the search box finds what it shows."""
    entry = parse_roster("UPN,Name\nava@contoso.com,Ava Q\n").entries[0]
    assert entry.matches("ava q") and not entry.matches("ava q", name="Ava Newhire")
    assert entry.matches("newhire", name="Ava Newhire")
