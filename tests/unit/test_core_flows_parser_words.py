"""The exact words a flow author reads when a flow file is wrong (file, step, line, key, problem
and fix), and the values a flow file may hold: the parser's checks, one by one."""

from __future__ import annotations

import pytest

from tapdesk.core.flows import Timer, TimerStart, parse_flow
from tests.unit.test_core_flows_messages import HEAD, ISSUE
from tests.unit.test_flows import SOURCE, error_for

PREFIX = f"Flow definition problem: {SOURCE}"
ALLOWED_KINDS = "Allowed: action, manual, timer, verify."
ID_HINT = "Ids are 1-64 lowercase letters, digits and dashes, e.g. 'create-passkey'."
NEEDS_PASS = (
    "needs a pass, but no earlier step issues one"
    ' Put an action step with action = "issue_pass" before it.'
)


def one_step(body: str) -> str:
    """A flow whose first step's [[steps]] header is line 4 and its keys start on line 5."""
    return HEAD + "[[steps]]\n" + body


def manual(extra: str = "") -> str:
    """A manual step: id line 5, title 6, kind 7, say 8, ``extra`` from line 9."""
    return one_step('id = "hand"\ntitle = "Hand"\nkind = "manual"\nsay = "x"\n' + extra)


def shown(text: str) -> str:
    return str(error_for(text))


# --- the file as a whole -------------------------------------------------------------------------
def test_invalid_toml_names_the_line_the_problem_and_the_fix() -> None:
    """tomllib's own "(at line 2, column 3)" is cut: the line is named once, before the problem."""
    assert shown('id = "a"\nx y = 1\n') == (
        f"{PREFIX}, line 2: is not valid TOML: Expected '=' after a key in a key/value pair"
        " Fix the syntax: key = value, strings in quotes, one [[steps]] per step."
    )


def test_a_file_nested_too_deeply_is_refused_in_words() -> None:
    """Thousands of nested arrays make tomllib recurse too deep: a FlowError, not a crash."""
    text = "x = " + "[" * 5000 + "]" * 5000
    assert shown(text) == f"{PREFIX}: is nested too deeply to read"


def test_an_unknown_top_level_key_suggests_the_closest_one() -> None:
    assert shown(HEAD + 'titel = "x"\n') == (
        f"{PREFIX}, line 4, key 'titel': unknown key Did you mean 'title'?"
        " Allowed: caveats, id, pass, preconditions, recommended, steps, summary, title."
    )


def test_a_long_bad_flow_id_is_shown_cut_to_sixty_characters() -> None:
    text = 'id = "' + "A" * 70 + '"\ntitle = "T"\nsummary = "s"\n' + ISSUE
    assert (
        shown(text) == f"{PREFIX}, line 1, key 'id': '{'A' * 60}' is not a valid flow id {ID_HINT}"
    )


def test_a_flow_with_no_steps_key_says_to_add_steps() -> None:
    assert shown(HEAD) == (
        f"{PREFIX}, key 'steps': a flow needs at least one [[steps]] table Add [[steps]] tables."
    )


@pytest.mark.parametrize("steps", ["steps = []", "steps = 3"])
def test_empty_or_non_list_steps_name_the_steps_line(steps: str) -> None:
    """An empty list would give a flow with nothing to do; a number is no list of steps."""
    assert shown(HEAD + steps + "\n") == (
        f"{PREFIX}, line 4, key 'steps': a flow needs at least one [[steps]] table"
        " Add [[steps]] tables."
    )


# --- one step --------------------------------------------------------------------------------------
def test_a_step_that_is_not_a_table_is_named_by_its_number() -> None:
    assert shown(HEAD + "steps = [3]\n") == f"{PREFIX}, step 1: must be a table ([[steps]])"


def test_a_long_bad_step_id_is_cut_and_the_id_rule_is_the_fix() -> None:
    text = one_step('id = "' + "B" * 70 + '"\ntitle = "T"\nkind = "manual"\nsay = "x"\n')
    assert shown(text) == (
        f"{PREFIX}, step 1, line 5, key 'id': '{'B' * 60}' is not a valid step id {ID_HINT}"
    )


def test_a_step_without_a_kind_points_at_its_header() -> None:
    text = one_step('id = "hand"\ntitle = "Hand"\nsay = "x"\n')
    assert shown(text) == f"{PREFIX}, step 1 ('hand'), line 4, key 'kind': is missing"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("3", "3 is not a known kind"),
        ("[1]", "that value is not a known kind"),
        ('"' + "x" * 70 + '"', "'" + "x" * 59 + " is not a known kind"),
    ],
)
def test_an_unknown_kind_is_quoted_short_and_the_kinds_are_listed(value: str, problem: str) -> None:
    """Numbers and strings are quoted (at most 60 characters); lists and tables are not."""
    text = one_step(f'id = "hand"\ntitle = "Hand"\nkind = {value}\nsay = "x"\n')
    assert (
        shown(text) == f"{PREFIX}, step 1 ('hand'), line 7, key 'kind': {problem} {ALLOWED_KINDS}"
    )


def test_a_step_without_words_asks_what_the_technician_says() -> None:
    text = one_step('id = "hand"\ntitle = "Hand"\nkind = "manual"\nsay = []\n')
    assert shown(text) == (
        f"{PREFIX}, step 1 ('hand'), line 8, key 'say': is missing: what does the technician say?"
    )


@pytest.mark.parametrize(
    ("say", "problem"),
    [
        ("[1]", "must be a list of strings or {text = …} tables"),
        ("3", "must be a list of strings or {text = …} tables"),
        ('["ok", "  "]', "has a line without text (a non-empty string)"),
        ('[{ when = "one_time" }]', "has a line without text (a non-empty string)"),
    ],
)
def test_say_must_be_a_list_of_lines_with_text(say: str, problem: str) -> None:
    text = one_step(f'id = "hand"\ntitle = "Hand"\nkind = "manual"\nsay = {say}\n')
    assert shown(text) == f"{PREFIX}, step 1 ('hand'), line 8, key 'say': {problem}"


def test_a_blank_step_title_names_its_line() -> None:
    text = one_step('id = "hand"\ntitle = "  "\nkind = "manual"\nsay = "x"\n')
    assert shown(text) == (
        f"{PREFIX}, step 1 ('hand'), line 6, key 'title': must be a non-empty string"
    )


def test_optional_must_be_true_or_false() -> None:
    assert shown(manual('optional = "yes"\n')) == (
        f"{PREFIX}, step 1 ('hand'), line 9, key 'optional': must be true or false"
    )


def test_a_key_of_another_kind_does_not_belong_in_a_manual_step() -> None:
    assert shown(manual('check = "pass_used"\n')) == (
        f"{PREFIX}, step 1 ('hand'), line 9, key 'check': does not belong in a 'manual' step"
    )


def test_a_step_timer_that_is_not_a_table_shows_the_table_to_write() -> None:
    assert shown(manual("timer = 3\n")) == (
        f"{PREFIX}, step 1 ('hand'), line 9, key 'timer': "
        "must be a table: {seconds = …, starts_at = …}"
    )


def test_step_caveats_are_read_and_trimmed() -> None:
    flow = parse_flow(manual('caveats = [" Slow  phones. ", "Old apps."]\n'), source=SOURCE)
    assert [line.text for line in flow.steps[0].caveats] == ["Slow phones.", "Old apps."]


# --- timers ----------------------------------------------------------------------------------------
def test_a_manual_step_may_show_a_step_start_timer_before_any_pass() -> None:
    """Only a timer from the pass's first use needs a pass; an unlabelled one reads "Timer"."""
    text = manual('timer = { seconds = 90, starts_at = "step_start" }\n')
    assert parse_flow(text, source=SOURCE).steps[0].timer == Timer(
        90, TimerStart.STEP_START, "Timer"
    )


def timer_step(extra: str, title: str = 'title = "Wait for sync"\n') -> str:
    """A timer step: id line 5, then title (if any), kind, say, and ``extra``."""
    return one_step('id = "wait"\n' + title + 'kind = "timer"\nsay = "x"\n' + extra)


@pytest.mark.parametrize("seconds", [1, 86400])
def test_a_timer_step_accepts_one_second_to_one_day_and_is_labelled_by_its_title(
    seconds: int,
) -> None:
    text = timer_step(f'seconds = {seconds}\nstarts_at = "step_start"\n')
    assert parse_flow(text, source=SOURCE).steps[0].timer == Timer(
        seconds, TimerStart.STEP_START, "Wait for sync"
    )


@pytest.mark.parametrize("seconds", [0, 86401])
def test_a_timer_outside_one_second_to_one_day_is_refused(seconds: int) -> None:
    text = timer_step(f'seconds = {seconds}\nstarts_at = "step_start"\n')
    assert shown(text) == (
        f"{PREFIX}, step 1 ('wait'), line 9, key 'seconds': "
        "must be a whole number of seconds from 1 to 86400"
    )


@pytest.mark.parametrize("label", ['"  "', "3"])
def test_a_blank_or_non_text_timer_label_names_its_line(label: str) -> None:
    text = timer_step(f'seconds = 60\nstarts_at = "step_start"\nlabel = {label}\n')
    assert shown(text) == (
        f"{PREFIX}, step 1 ('wait'), line 11, key 'label': must be a non-empty string"
    )


def test_a_timer_step_without_a_title_is_told_the_title_is_missing() -> None:
    """The label falls back to the title, but the author is pointed at the title every step
    needs, not at an optional label."""
    text = timer_step('seconds = 60\nstarts_at = "step_start"\n', title="")
    assert shown(text) == f"{PREFIX}, step 1 ('wait'), line 4, key 'title': is missing"


# --- order: a pass before anything that needs one -------------------------------------------------
@pytest.mark.parametrize(
    "body",
    [
        'id = "first"\ntitle = "R"\nkind = "action"\naction = "revoke_pass"\nsay = "x"\n',
        'id = "first"\ntitle = "H"\nkind = "manual"\nsay = "x"\n'
        'timer = { seconds = 600, starts_at = "pass_first_use" }\n',
    ],
    ids=["revoke-without-check", "first-use-timer"],
)
def test_a_step_needing_a_pass_before_any_issue_says_to_issue_first(body: str) -> None:
    """A revoke (even without a check) or a first-use timer has no pass to look at yet."""
    assert shown(one_step(body) + ISSUE) == f"{PREFIX}, step 1 ('first'), line 4: {NEEDS_PASS}"
