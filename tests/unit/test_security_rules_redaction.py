"""A pass never reaches stored text: :class:`ShownPasses` removes every pass shown in this run
the way people type it (grouped as on screen, in any case, with dashes), touches nothing else,
and never holds the value it matches against."""

from __future__ import annotations

import pytest

from tapdesk.core.models import PassCode
from tapdesk.core.redaction import CUT, MAX_TEXT, REMOVED, ShownPasses
from tests.helpers.walk import contents

VALUE = "lX2qcjW8"
OTHER = "Xy7+kQ2m"  # Entra's alphabet has punctuation too (graph-tap.md)


def shown(*values: str) -> ShownPasses:
    passes = ShownPasses()
    for value in values:
        passes.remember(PassCode(value))
    return passes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("she typed lX2qcjW8 on the phone", f"she typed {REMOVED} on the phone"),
        ("read as lX2q cjW8 from the screen", f"read as {REMOVED} from the screen"),
        ("read as lX2q\u2009cjW8 (thin space)", f"read as {REMOVED} (thin space)"),
        ("shouted LX2QCJW8.", f"shouted {REMOVED}."),
        ("lower lx2qcjw8", f"lower {REMOVED}"),
        ("with dashes lX2q-cjW8, ok", f"with dashes {REMOVED}, ok"),
        ("one by one l-x-2-q c-j-w-8", f"one by one {REMOVED}"),
        ("glued tolX2qcjW8too", f"glued to{REMOVED}too"),
    ],
    ids=["exact", "grouped", "thin space", "upper", "lower", "dashes", "spelled", "glued"],
)
def test_the_pass_is_removed_as_people_type_it(text: str, expected: str) -> None:
    assert shown(VALUE).redact(text) == expected


def test_a_pass_with_punctuation_is_removed_with_what_lies_between() -> None:
    passes = shown(OTHER)
    text = "Xy7+kQ2m typed, then Xy7+kQ2mXy7+kQ2m again: xy7 kq2m"
    assert passes.redact(text) == f"{REMOVED} typed, then {REMOVED}{REMOVED} again: {REMOVED}"


@pytest.mark.parametrize(
    ("value", "text", "expected"),
    [
        ("+drkzqAD", "typed +DRKZQAD here", f"typed {REMOVED} here"),
        ("TAPRocks!", "said taprocks!!", f"said {REMOVED}!"),
        ("-ab12cd34+", "(-ab12 cd34+)", f"({REMOVED})"),
        ("-ab12cd34+", "ab12cd34 typed without them", f"{REMOVED} typed without them"),
    ],
    ids=["leading", "trailing", "both", "typed without"],
)
def test_punctuation_at_the_edges_of_a_pass_goes_with_it(
    value: str, text: str, expected: str
) -> None:
    """Not "+[pass removed]": as much punctuation as the pass has there, and no more."""
    assert shown(value).redact(text) == expected


def test_every_pass_of_the_run_is_removed_not_only_the_last() -> None:
    passes = shown(VALUE, OTHER, "TAPRocks!2024")
    text = "first lx2q cjw8, then XY7+KQ2M, then taprocks 2024"
    assert passes.redact(text) == f"first {REMOVED}, then {REMOVED}, then {REMOVED}"


def test_text_without_the_pass_is_kept_word_for_word() -> None:
    reason = "Phone lost; called from desk 4 (ticket INC-0042), Authenticator would not install."
    assert shown(VALUE, OTHER).redact(reason) == reason


@pytest.mark.parametrize(
    "near",
    ["lX2qcjW9", "mX2qcjW8", "lX2q cjX8", "lX2qcjW", "X2qcjW8"],
    ids=["last differs", "first differs", "middle differs", "one short", "first missing"],
)
def test_a_window_one_character_off_is_not_the_pass(near: str) -> None:
    text = f"close to it: {near} here"
    assert shown(VALUE).redact(text) == text


def test_without_a_pass_shown_text_is_unchanged() -> None:
    """Nothing remembered, no value, or a value without letters or digits (which would match
    everywhere): no marker is scattered through the text."""
    passes = shown("", "+!-+")
    passes.remember(None)
    assert passes.count == 0
    assert passes.redact("Authenticator would not install") == "Authenticator would not install"


def test_overlapping_passes_leave_one_marker() -> None:
    passes = shown("abcd1234", "1234wxyz")
    assert passes.redact("x abcd1234wxyz y") == f"x {REMOVED} y"


def test_case_folding_maps_back_to_the_characters_typed() -> None:
    """A "ß" folds to "ss": a pass typed with one is found, and the span is the original text."""
    passes = shown("strasse12")
    assert passes.redact("at Straße12 now") == f"at {REMOVED} now"


def test_the_registry_never_holds_the_value() -> None:
    passes = shown(VALUE)
    forms = [VALUE, VALUE.casefold(), "lX2q cjW8"]
    seen = contents(vars(passes))
    assert len(seen) > 3  # the walk reached the digests
    for value in seen:
        if isinstance(value, bytes):
            assert not any(form.encode() in value for form in forms)
        if isinstance(value, str):
            assert not any(form in value for form in forms)
    assert repr(passes) == "ShownPasses(1 passes)" and VALUE not in repr(passes)


def test_each_registry_draws_its_own_key() -> None:
    """The same pass in two runs leaves different digests: nothing to compare across them."""
    assert vars(shown(VALUE))["_known"] != vars(shown(VALUE))["_known"]


def test_a_very_long_text_is_cut_without_leaving_part_of_a_pass() -> None:
    """The work is bounded; a pass the cut goes through loses its remaining part too."""
    passes = shown(VALUE)
    head = "x " * ((MAX_TEXT - 4) // 2)
    text = head + "lX2qcjW8" + " tail" * 100
    redacted = passes.redact(text)
    assert redacted.endswith(CUT) and len(redacted) <= MAX_TEXT + len(CUT) + 1
    assert "lX2q" not in redacted and "lX2" not in redacted
    assert redacted.startswith("x x x")
    # A pass found whole is kept as its marker; the last letters and digits before the cut go.
    padded = "before lX2qcjW8 after" + " " * MAX_TEXT
    assert passes.redact(padded) == f"before {REMOVED} {CUT}"


# --- the edges, exactly ---------------------------------------------------------------------
def test_punctuation_is_taken_only_inside_the_text() -> None:
    """A pass at the very start or end of the text takes no character from the other end."""
    assert shown("+drkzqAD").redact("drkzqAD!") == f"{REMOVED}!"
    assert shown("+drkzqAD").redact("+drkzqAD") == REMOVED
    assert shown("Ab3dE5gH!").redact("x Ab3dE5gH") == f"x {REMOVED}"


def test_two_passes_whose_digests_share_a_first_byte_are_both_kept() -> None:
    """Digests are grouped by their first byte: a second pass in a group joins it, once."""
    passes = ShownPasses()
    first = "Ab3dE5gH"
    digest = passes._digest(first.casefold())  # a neighbour in its group
    second = next(
        value
        for value in (f"Zz{n:06d}" for n in range(100_000))
        if passes._digest(value.casefold())[0] == digest[0]
    )
    for value in (first, second, first):
        passes.remember(PassCode(value))
    assert passes.count == 2
    assert passes.redact(f"{first} and {second}") == f"{REMOVED} and {REMOVED}"


def test_the_cut_drops_exactly_the_letters_a_pass_could_begin_in() -> None:
    """The last (longest - 1) letters and digits before the cut go, and nothing more."""
    passes = shown("Ab3dE5gH")
    assert passes.redact("a" * (MAX_TEXT - 3) + "Ab3dE5gH") == "a" * (MAX_TEXT - 7) + f" {CUT}"
    # Too few letters to hold part of a pass: the cut falls before the first of them.
    assert passes.redact(" " * (MAX_TEXT - 2) + "ab" + "c" * 10) == " " * (MAX_TEXT - 2) + f" {CUT}"
    # None at all: the scanned text is kept whole.
    assert passes.redact("-" * (MAX_TEXT + 5)) == "-" * MAX_TEXT + f" {CUT}"


def test_a_whole_shorter_pass_where_the_cut_falls_is_dropped_with_the_tail() -> None:
    passes = shown("Ab3dE5gH", "Lm2nP4qR7s")  # the longer one decides where the cut falls
    text = "a" * (MAX_TEXT - 9) + "Ab3dE5gH" + "b" * 20
    assert passes.redact(text) == "a" * (MAX_TEXT - 9) + f" {CUT}"
