"""A roster's columns, line numbers and start times at their edges, and the words for bad input."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from tapdesk.core.roster import Column, RosterError, RosterProblem, parse_roster, parse_start
from tapdesk.core.upn import check_upn, check_user_ref
from tapdesk.errors import UsageError

EXAMPLE = "Type the sign-in name, for example ava.newhire@contoso.com, or the object id."
NO_UPN_HINT = "Name one column 'UPN', 'User Principal Name', 'Email' or 'Sign-in name'."
MULTI_LINE = "the UPN cell runs over several lines (a quote not closed?)"
TOO_BIG = "cannot be read as CSV (field larger than field limit (131072))"


def test_an_empty_user_box_says_no_user_was_given() -> None:
    """An empty field is "No user given.", not a complaint about some invented name."""
    with pytest.raises(UsageError) as refused:
        check_user_ref("")
    assert (refused.value.message, refused.value.hint) == ("No user given.", EXAMPLE)


def test_a_domain_ending_in_a_number_is_refused_however_many_labels_it_has() -> None:
    """The last label decides: contoso.example.123 is an address typo, not a tenant domain."""
    with pytest.raises(UsageError) as refused:
        check_upn("ava@contoso.example.123")
    assert refused.value.message == "'contoso.example.123' is not a valid domain."


def test_a_tab_separated_roster_is_read_by_its_tabs() -> None:
    roster = parse_roster("UPN\tName\nava@contoso.example\tAva Newhire\n")
    assert roster.delimiter == "\t"
    assert [(e.upn, e.name) for e in roster.entries] == [("ava@contoso.example", "Ava Newhire")]


def test_a_semicolon_inside_a_comma_header_does_not_change_the_separator() -> None:
    """The separator is the character the header uses most, not any one that appears."""
    roster = parse_roster("UPN,Name,Device; serial\nava@contoso.example,Ava,LAP-7; S1\n")
    assert roster.delimiter == ","
    assert [(e.upn, e.name) for e in roster.entries] == [("ava@contoso.example", "Ava")]
    assert roster.ignored_columns == ("Device; serial",)


def test_a_doubled_byte_order_mark_does_not_hide_the_upn_column() -> None:
    """A file re-saved with a second BOM still has its UPN column found."""
    roster = parse_roster(b"\xef\xbb\xbf\xef\xbb\xbfUPN,Name\nava@contoso.example,Ava\n")
    assert [(e.upn, e.name) for e in roster.entries] == [("ava@contoso.example", "Ava")]


def test_a_header_that_only_ends_in_a_known_name_is_ignored_not_guessed() -> None:
    """'XNotes' is not 'Notes': its cells stay out of the row and it is listed as ignored."""
    roster = parse_roster("XNotes,UPN\nhello,ava@contoso.example\n")
    assert roster.columns == {Column.UPN: "UPN"}
    assert roster.ignored_columns == ("XNotes",)
    assert [(e.upn, e.notes) for e in roster.entries] == [("ava@contoso.example", "")]


def test_a_repeated_column_reads_the_first_and_lists_the_second_as_ignored() -> None:
    roster = parse_roster("UPN,Name,UPN\nava@contoso.example,Ava,ben@contoso.example\n")
    assert [e.upn for e in roster.entries] == ["ava@contoso.example"]
    assert roster.ignored_columns == ("UPN",)


def test_columns_after_an_unknown_one_are_still_read() -> None:
    roster = parse_roster("UPN,Team,Name\nava@contoso.example,Sales,Ava\n")
    assert [(e.upn, e.name) for e in roster.entries] == [("ava@contoso.example", "Ava")]
    assert roster.ignored_columns == ("Team",)


@pytest.mark.parametrize(
    ("text", "line"),
    [("Name,Start\nAva,08:00\n", 1), ("\ufeffName,Start\n", 1), ("\n\nName,Start\n", 3)],
)
def test_a_header_without_a_upn_column_is_named_by_its_line_and_its_columns(
    text: str, line: int
) -> None:
    """The line counts from the file's first line; a byte-order mark is not part of a name."""
    with pytest.raises(RosterError) as refused:
        parse_roster(text)
    assert (refused.value.message, refused.value.hint) == (
        f"Line {line}: no column holds the sign-in name (UPN). Columns found: Name, Start.",
        NO_UPN_HINT,
    )


def test_the_columns_found_are_listed_up_to_200_characters() -> None:
    """A header of many unknown columns is cut at 200 characters of the list, not more."""
    names = [f"Column{i:02}" for i in range(1, 31)]  # "ColumnNN, " is 10 characters
    with pytest.raises(RosterError) as refused:
        parse_roster(",".join(names) + "\n")
    listed = ", ".join(names[:20]) + ", "
    assert refused.value.message == (
        f"Line 1: no column holds the sign-in name (UPN). Columns found: {listed}."
    )


def test_an_unreadable_line_is_named_with_the_csv_reason_and_later_lines_keep_their_numbers() -> (
    None
):
    roster = parse_roster(
        'UPN,Notes\na@contoso.example,"' + "x" * 200_000 + '"\nb@contoso.example,ok\n'
    )
    assert roster.problems == (RosterProblem(2, TOO_BIG),)
    assert [(e.line, e.upn) for e in roster.entries] == [(3, "b@contoso.example")]


def test_an_unreadable_line_above_the_header_is_listed_and_the_header_below_is_used() -> None:
    roster = parse_roster('"' + "x" * 200_000 + '"\nUPN,Name\nb@contoso.example,Bo\n')
    assert roster.problems == (RosterProblem(1, TOO_BIG),)
    assert [(e.line, e.upn, e.name) for e in roster.entries] == [(3, "b@contoso.example", "Bo")]


def test_a_upn_cell_broken_by_a_carriage_return_is_named_and_later_rows_are_kept() -> None:
    """Old Mac files end lines with CR alone: a UPN spanning two of them is a quote problem."""
    roster = parse_roster(
        'UPN,Name\r"ava@contoso.example\rben@contoso.example",Ava\rcal@contoso.example,Cal\r'
    )
    assert roster.problems == (RosterProblem(2, MULTI_LINE),)
    assert [(e.line, e.upn) for e in roster.entries] == [(4, "cal@contoso.example")]


def test_a_multi_line_note_keeps_the_files_own_line_breaks() -> None:
    roster = parse_roster('UPN,Notes\r\nava@contoso.example,"desk 4\r\nlocker 9"\r\n')
    assert [e.notes for e in roster.entries] == ["desk 4\r\nlocker 9"]


def test_a_start_with_a_date_puts_the_row_on_that_day() -> None:
    """A dated start is kept whole: the queue orders the person by that day, not the roster's."""
    (entry,) = parse_roster("UPN,Start\nava@contoso.example,2030-01-07 08:30\n").entries
    assert (entry.start_date, entry.start_time) == (date(2030, 1, 7), time(8, 30))
    assert entry.start_at(date(2030, 1, 6)) == datetime(2030, 1, 7, 8, 30)


def test_a_big_endian_utf16_file_gets_the_utf16_advice() -> None:
    with pytest.raises(RosterError) as refused:
        parse_roster(b"\xfe\xff" + "UPN\nava@contoso.example\n".encode("utf-16-be"))
    assert refused.value.message == (
        "The file is saved as UTF-16 ('Unicode text'), not as CSV UTF-8."
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 pm", time(13, 0)),
        ("1:05 AM", time(1, 5)),
        ("23:00", time(23, 0)),
        ("8:59", time(8, 59)),
        ("8:30:59", time(8, 30, 59)),
        ("23:59:59", time(23, 59, 59)),
    ],
)
def test_start_times_at_the_edge_of_the_clock_are_read(text: str, expected: time) -> None:
    assert parse_start(text) == (None, expected)


@pytest.mark.parametrize("text", ["0 am", "13 am", "24:00", "8:60", "8:30:60"])
def test_start_times_just_past_the_clock_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_start(text)
