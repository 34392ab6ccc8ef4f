from __future__ import annotations

import csv
import io
from datetime import UTC, date, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tapdesk.core.roster import (
    UNCLOSED,
    Column,
    Roster,
    RosterError,
    RosterProblem,
    RosterStatus,
    parse_roster,
    parse_start,
)

DAY = date(2030, 1, 6)


def test_a_plain_roster() -> None:
    roster = parse_roster(
        "UPN,Name,Start,Device,Notes\n"
        "ava@contoso.example,Ava Newhire,08:30,LAP-001,desk 4\n"
        "ben@contoso.example,Ben Fresh,9:15 AM,,\n"
    )
    assert roster.problems == ()
    ava, ben = roster.entries
    assert (ava.line, ava.upn, ava.name, ava.device, ava.notes) == (
        2,
        "ava@contoso.example",
        "Ava Newhire",
        "LAP-001",
        "desk 4",
    )
    assert ava.start_time == time(8, 30) and ava.start_date is None
    assert ava.start_at(DAY, UTC) is not None and ava.start_at(DAY, UTC).hour == 8  # type: ignore[union-attr]
    assert ben.start_time == time(9, 15)
    assert roster.delimiter == ","


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("User Principal Name", Column.UPN),
        ("user_principal_name", Column.UPN),
        ("E-mail", Column.UPN),
        ("Sign-in name", Column.UPN),
        ("  EMAIL ADDRESS ", Column.UPN),
        ("Display name", Column.NAME),
        ("Full Name", Column.NAME),
        ("Start time", Column.START),
        ("start_time", Column.START),
        ("Laptop", Column.DEVICE),
        ("Asset", Column.DEVICE),
        ("Asset tag", Column.DEVICE),
        ("Comments", Column.NOTES),
    ],
)
def test_forgiving_headers(header: str, field: Column) -> None:
    upn_header = "UPN" if field is not Column.UPN else header
    other = f",{header}" if field is not Column.UPN else ""
    roster = parse_roster(
        f"{upn_header}{other}\nava@contoso.example{',x' if other else ''}\n".replace(
            ",x", ",10:00" if field is Column.START else ",x"
        )
    )
    assert roster.columns[field] == header.strip()
    assert roster.entries[0].upn == "ava@contoso.example"


def test_upn_beats_email_when_both_are_there() -> None:
    roster = parse_roster("Email,UPN,Team\nava.private@mail.example,ava@contoso.example,Sales\n")
    assert roster.entries[0].upn == "ava@contoso.example"
    assert roster.columns[Column.UPN] == "UPN"
    assert set(roster.ignored_columns) == {"Email", "Team"}


@pytest.mark.parametrize("prefix", [b"", b"\xef\xbb\xbf"])
def test_utf8_with_or_without_bom_and_semicolons(prefix: bytes) -> None:
    data = prefix + "UPN;Name\nzoe@contoso.example;Zoë Ångström\n".encode()
    roster = parse_roster(data)
    assert roster.delimiter == ";"
    assert roster.entries[0].name == "Zoë Ångström"


def test_utf16_gets_a_clear_error() -> None:
    with pytest.raises(RosterError, match="UTF-16") as info:
        parse_roster("UPN\nava@contoso.example\n".encode("utf-16"))
    assert "CSV UTF-8" in info.value.hint


def test_a_windows_code_page_gets_a_clear_error() -> None:
    with pytest.raises(RosterError, match="not UTF-8") as info:
        parse_roster("UPN,Name\nava@contoso.example,Zoë\n".encode("cp1252"))
    assert "line 2" in info.value.message


def test_no_upn_column_is_a_clear_error() -> None:
    with pytest.raises(RosterError, match="no column holds the sign-in name") as info:
        parse_roster("Name,Start\nAva,08:00\n")
    assert "Name, Start" in info.value.message
    assert "User Principal Name" in info.value.hint


@pytest.mark.parametrize("text", ["", "   \n\n", "\ufeff"])
def test_empty_file(text: str) -> None:
    with pytest.raises(RosterError):
        parse_roster(text)


def test_bad_rows_are_listed_by_line_and_good_rows_kept() -> None:
    roster = parse_roster(
        "UPN,Name,Start\n"
        "ava@contoso.example,Ava,08:00\n"  # 2 good
        "not-an-upn,Bob,08:00\n"  # 3 bad UPN
        "\n"  # 4 blank: skipped
        "AVA@contoso.example,Ava again,09:00\n"  # 5 duplicate (case-insensitive)
        "carl@contoso.example,Carl,half past eight\n"  # 6 bad start
        ",Dora,10:00\n"  # 7 no UPN
        '"eve@contoso.example","Eve\nSecond line",11:00\n'  # 8-9 good, multi-line cell
        "fay@contoso.example,Fay,25:00\n"  # 10 bad start
        "gus@contoso.example\n"  # 11 good, short row
    )
    assert [e.line for e in roster.entries] == [2, 8, 11]
    problems = {p.line: p.message for p in roster.problems}
    assert sorted(problems) == [3, 5, 6, 7, 10]
    assert "@" in problems[3]
    assert "already on line 2" in problems[5]
    assert "half past eight" in problems[6]
    assert problems[7] == "no UPN"


def test_an_unclosed_quote_and_a_huge_cell_are_reported_not_fatal() -> None:
    roster = parse_roster(
        'UPN,Notes\na@contoso.example,"'
        + "x" * 200_000
        + '"\nb@contoso.example,ok\n"c@contoso.example\nd@x.example\n'
    )
    assert [e.upn for e in roster.entries] == ["b@contoso.example", "d@x.example"]
    assert [(p.line, p.message) for p in roster.problems] == [
        (2, "cannot be read as CSV (field larger than field limit (131072))"),
        (4, f"cannot be read as CSV ({UNCLOSED})"),
    ]


def test_a_quote_left_open_in_a_note_loses_no_later_row() -> None:
    """Without strict reading the open quote ran to the end of the file: two people vanished
    into Ava's note with no problem shown."""
    roster = parse_roster(
        'UPN,Notes\nava@contoso.example,"desk 4\nben@contoso.example,ok\ncal@contoso.example,\n'
    )
    assert [(e.line, e.upn) for e in roster.entries] == [
        (3, "ben@contoso.example"),
        (4, "cal@contoso.example"),
    ]
    assert roster.problems == (
        RosterProblem(
            2,
            "cannot be read as CSV (a quote opened on this line is never closed; "
            "the lines after it are read as rows)",
        ),
    )


def test_a_stray_quote_after_a_quoted_cell_is_a_problem_not_a_guess() -> None:
    """'"desk" 4' is not CSV: the row is named rather than read as 'desk 4'."""
    roster = parse_roster('UPN,Notes\nava@contoso.example,"desk" 4\nben@contoso.example,ok\n')
    assert [e.upn for e in roster.entries] == ["ben@contoso.example"]
    assert roster.problems == (RosterProblem(2, "cannot be read as CSV (',' expected after '\"')"),)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:30", (None, time(8, 30))),
        ("8.30", (None, time(8, 30))),
        ("8h30", (None, time(8, 30))),
        ("8am", (None, time(8, 0))),
        ("12:15 pm", (None, time(12, 15))),
        ("12 AM", (None, time(0, 0))),
        ("9:05 P.M.", (None, time(21, 5))),
        ("2030-01-06", (date(2030, 1, 6), None)),
        ("2030-01-06 08:30", (date(2030, 1, 6), time(8, 30))),
        ("2030-01-06T08:30:15Z", (date(2030, 1, 6), time(8, 30, 15))),
    ],
)
def test_start_times(text: str, expected: tuple[date | None, time | None]) -> None:
    assert parse_start(text) == expected


@pytest.mark.parametrize("text", ["8", "24:00", "13pm", "06/01/2030", "2030-13-01", "soon", "8:61"])
def test_unreadable_start_times(text: str) -> None:
    with pytest.raises(ValueError):
        parse_start(text)


def test_search_matches_every_word() -> None:
    entry = parse_roster("UPN,Name,Laptop\nava@contoso.example,Ava Newhire,LAP-7\n").entries[0]
    assert entry.matches("ava lap-7") and not entry.matches("ben")


def test_queue_statuses() -> None:
    assert [s.value for s in RosterStatus] == [
        "waiting",
        "pass issued",
        "Authenticator",
        "passkey",
        "done",
        "problem",
    ]


# --- fuzz --------------------------------------------------------------------------------------
def assert_sound(roster: Roster, text: str) -> None:
    """What the queue and its problem list rely on, for any input that parsed."""
    physical = len(io.StringIO(text.lstrip("\ufeff"), newline="").readlines())
    entry_lines = [e.line for e in roster.entries]
    problem_lines = [p.line for p in roster.problems]
    assert entry_lines == sorted(entry_lines)  # file order
    assert all(2 <= line <= physical for line in entry_lines)  # never the header
    assert all(1 <= line <= physical for line in problem_lines)
    assert not set(entry_lines) & set(problem_lines)  # a row is kept or reported, not both
    upns = [e.upn.lower() for e in roster.entries]
    assert len(upns) == len(set(upns)) and all("@" in upn for upn in upns)
    assert all(p.message for p in roster.problems)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_a_roster_or_a_roster_error(data: bytes) -> None:
    try:
        roster = parse_roster(b"UPN,Name\n" + data)
    except RosterError as exc:
        assert exc.message and exc.hint  # says what is wrong and what to do
        return
    assert_sound(roster, (b"UPN,Name\n" + data).decode("utf-8-sig"))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400), st.booleans())
def test_any_text_gives_a_roster_or_a_roster_error(body: str, header: bool) -> None:
    text = ("UPN;Name\n" if header else "") + body
    try:
        roster = parse_roster(text)
    except RosterError as exc:
        assert exc.message and exc.hint
        return
    assert_sound(roster, text)


_GOOD_UPN = st.from_regex(r"[a-z]{1,8}(\.[a-z]{1,8})?@contoso\.example", fullmatch=True)
_BAD_UPN = st.sampled_from(
    ["", "nobody", "a b@contoso.example", "x@@y.example", "@contoso.example", "ava@localhost"]
)
_GOOD_START = st.sampled_from(["", "08:00", "9:30 AM", "2030-01-06 10:15", "17.45"])
_BAD_START = st.sampled_from(["soon", "25:00", "8", "06/01/2030", "noon-ish"])
_CELL = st.text(st.characters(codec="utf-8", exclude_characters="\r\n\x00"), max_size=12)


@st.composite
def rows(draw: st.DrawFn) -> list[tuple[str, str, str, bool]]:
    """(upn, name, start, expected good) rows; duplicates are made on purpose."""
    out: list[tuple[str, str, str, bool]] = []
    for _ in range(draw(st.integers(0, 12))):
        choice = draw(st.sampled_from(["good", "bad_upn", "bad_start", "dup"]))
        name = draw(_CELL)
        if choice == "good" or (choice == "dup" and not any(r[3] for r in out)):
            out.append((draw(_GOOD_UPN), name, draw(_GOOD_START), True))
        elif choice == "bad_upn":
            out.append((draw(_BAD_UPN), name, draw(_GOOD_START), False))
        elif choice == "bad_start":
            out.append((draw(_GOOD_UPN), name, draw(_BAD_START), False))
        else:
            earlier = draw(st.sampled_from([r for r in out if r[3]]))
            out.append((earlier[0].upper(), name, "", False))
    return out


@settings(max_examples=150, deadline=None)
@given(rows(), st.sampled_from([",", ";"]), st.booleans())
def test_every_bad_row_is_reported_with_its_line(
    generated: list[tuple[str, str, str, bool]], delimiter: str, bom: bool
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(["User Principal Name", "Full name", "Start time"])
    for upn, name, start, _ in generated:
        writer.writerow([upn, name, start])
    data = (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8")

    roster = parse_roster(data)

    seen: set[str] = set()
    good_lines, bad_lines = [], []
    for line, (upn, name, start, good) in enumerate(generated, start=2):
        if not (upn.strip() or name.strip() or start.strip()):
            continue  # an empty row (a spreadsheet's trailing ";;") is skipped silently
        # A row the generator meant as good can still collide with an earlier good UPN.
        if good and upn.lower() not in seen:
            seen.add(upn.lower())
            good_lines.append(line)
        else:
            bad_lines.append(line)
    assert [e.line for e in roster.entries] == good_lines
    assert [p.line for p in roster.problems] == bad_lines
    assert all(p.message for p in roster.problems)
