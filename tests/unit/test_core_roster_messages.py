"""The roster's problem list and refusals, word for word: what the technician reads to fix it."""

from __future__ import annotations

import pytest

from tapdesk.core.roster import RosterError, RosterProblem, parse_roster

SAVE_AS = "In Excel use File > Save As > 'CSV UTF-8 (Comma delimited)'."
USE = "(use 08:30, 8:30 AM or 2030-01-06 08:30)"


def test_each_bad_row_is_listed_with_its_line_its_reason_and_its_upn() -> None:
    roster = parse_roster(
        "UPN,Name,Start\n"
        "ava@contoso.example,Ava,08:00\n"
        "not-an-upn,Bob,08:00\n"
        "\n"
        "AVA@contoso.example,Ava again,09:00\n"
        "carl@contoso.example,Carl,half past eight\n"
        ",Dora,10:00\n"
        "fay@contoso.example,Fay," + "9" * 41 + "\n"
        "gus@contoso.example,Gus," + "9" * 40 + "\n"
        '"hal@contoso.example\nx",Hal,08:00\n'
    )
    assert roster.problems == (
        RosterProblem(3, "'not-an-upn' has no @domain part.", "not-an-upn"),
        RosterProblem(5, "AVA@contoso.example is already on line 2", "AVA@contoso.example"),
        RosterProblem(
            6, f"start time 'half past eight' cannot be read {USE}", "carl@contoso.example"
        ),
        RosterProblem(7, "no UPN", ""),
        RosterProblem(8, f"start time '{'9' * 37}...' cannot be read {USE}", "fay@contoso.example"),
        RosterProblem(9, f"start time '{'9' * 40}' cannot be read {USE}", "gus@contoso.example"),
        RosterProblem(10, "the UPN cell runs over several lines (a quote not closed?)", ""),
    )


def test_a_bad_upn_is_kept_for_the_list_up_to_113_characters() -> None:
    long = "a" * 120
    (problem,) = parse_roster(f"UPN\n{long}\n").problems
    assert problem.upn == "a" * 113


@pytest.mark.parametrize(
    ("data", "message", "hint"),
    [
        (
            "UPN\nava@contoso.example\n".encode("utf-16"),
            "The file is saved as UTF-16 ('Unicode text'), not as CSV UTF-8.",
            SAVE_AS,
        ),
        (
            "UPN,Name\nava@contoso.example,Zoë\n".encode("cp1252"),
            "The file is not UTF-8 text (line 2 has a byte UTF-8 does not allow; "
            "probably saved as 'CSV' in a Windows code page).",
            SAVE_AS,
        ),
        (b"\n  \n", "The file is empty.", "Export the roster with a header row."),
        (
            b",, ,\n",
            "The file has no header row.",
            "The first line names the columns: UPN, Name, Start…",
        ),
        (
            b"\nName,Start,,  \nAva,8:00\n",
            "Line 2: no column holds the sign-in name (UPN). Columns found: Name, Start.",
            "Name one column 'UPN', 'User Principal Name', 'Email' or 'Sign-in name'.",
        ),
        (b"x" * 5_000_001, "The file is larger than 5 MB.", "Is it the right file?"),
    ],
)
def test_a_roster_that_cannot_be_read_says_why_and_how_to_fix_it(
    data: bytes, message: str, hint: str
) -> None:
    with pytest.raises(RosterError) as refused:
        parse_roster(data)
    assert (refused.value.message, refused.value.hint) == (message, hint)


def test_a_roster_of_exactly_5_mb_is_read() -> None:
    data = b"UPN\n" + b" " * (5_000_000 - 4)
    assert parse_roster(data).entries == ()
