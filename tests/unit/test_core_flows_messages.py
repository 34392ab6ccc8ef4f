"""The exact words and places a flow file's problems are reported with, and what a [pass] table
suggests: what the technician or IT author reads in the error dialog and the issue form."""

from __future__ import annotations

from pathlib import Path

import pytest

from tapdesk.core.flows import (
    MAX_FLOW_BYTES,
    Action,
    FlowError,
    PassSuggestion,
    load_flow,
    load_flows,
    parse_flow,
)
from tests.unit.test_flows import GOOD, SOURCE, error_for

HEAD = 'id = "mini"\ntitle = "Mini"\nsummary = "s"\n'
ISSUE = (
    '[[steps]]\nid = "issue"\ntitle = "Issue"\nkind = "action"\naction = "issue_pass"\nsay = "x"\n'
)


def line_of(text: str, wanted: str, nth: int = 0) -> int:
    """1-based line of the nth line equal to ``wanted``."""
    return [n for n, line in enumerate(text.splitlines(), 1) if line == wanted][nth]


def suggestion(table: str) -> PassSuggestion | None:
    return parse_flow(HEAD + table + "\n" + ISSUE, source=SOURCE).pass_suggestion


def test_an_unknown_kind_lists_the_allowed_ones_and_the_closest() -> None:
    error = error_for(GOOD.replace('kind = "manual"', 'kind = "manul"'))
    assert error.hint == "Did you mean 'manual'? Allowed: action, manual, timer, verify."


def test_a_bad_flow_id_names_its_line() -> None:
    error = error_for(GOOD.replace('id = "demo-flow"', 'id = "Demo Flow"'))
    assert str(error) == (
        f"Flow definition problem: {SOURCE}, line 2, key 'id': 'Demo Flow' is not a valid flow id"
        " Ids are 1-64 lowercase letters, digits and dashes, e.g. 'create-passkey'."
    )
    assert error.step is None


def test_a_duplicate_step_id_names_the_id_line() -> None:
    text = GOOD.replace('id = "passkey"', 'id = "confirm"')
    line = line_of(text, 'id = "confirm"', 1)
    assert str(error_for(text)) == (
        f"Flow definition problem: {SOURCE}, step 3 ('confirm'), "
        f"line {line}, key 'id': the id is already used by step 1"
    )


def test_a_second_issue_step_names_its_action_line() -> None:
    text = (
        GOOD
        + '\n[[steps]]\nid = "again"\ntitle = "A"\nkind = "action"\naction = "issue_pass"\nsay = "x"\n'
    )
    line = line_of(text, 'action = "issue_pass"', 1)
    assert str(error_for(text)) == (
        f"Flow definition problem: {SOURCE}, step 5 ('again'), "
        f"line {line}, key 'action': "
        "step 2 already issues the pass"
    )


def test_a_missing_key_points_at_its_own_step_not_the_next() -> None:
    """Step 1 has no say: the error points at step 1's header, not step 2's say line."""
    text = GOOD.replace('say = "Show me your ID."\n', "")
    error = error_for(text)
    assert (error.step, error.key, error.line) == (
        "step 1 ('confirm')",
        "say",
        line_of(text, "[[steps]]"),
    )


def test_a_key_right_under_the_step_header_is_found() -> None:
    text = GOOD.replace('id = "confirm"', 'id = "Confirm Me"')
    assert error_for(text).line == line_of(text, "[[steps]]") + 1


def test_a_key_on_the_last_line_of_the_file_is_found() -> None:
    text = GOOD.rstrip("\n") + "\nwait = 3"
    error = error_for(text)
    assert (error.key, error.line) == ("wait", len(text.splitlines()))


def test_a_key_in_a_steps_sub_table_is_found() -> None:
    """``[steps.timer]`` belongs to the step above it: its keys are searched too."""
    text = (
        HEAD + ISSUE + '[[steps]]\nid = "key"\ntitle = "Key"\nkind = "verify"\n'
        'check = "passkey_added"\nsay = "x"\n[steps.timer]\nseconds = 0\nstarts_at = "step_start"\n'
    )
    error = error_for(text)
    assert (error.key, error.line) == ("seconds", line_of(text, "seconds = 0"))


def test_inline_steps_are_named_by_number_without_a_line() -> None:
    text = HEAD + 'steps = [{ id = "a", title = "A", kind = "manul", say = "x" }]\n'
    error = error_for(text)
    assert (error.step, error.key, error.line) == ("step 1 ('a')", "kind", None)


def test_an_error_without_a_hint_prints_none() -> None:
    error = error_for(GOOD.replace('title = "Demo"\n', ""))
    assert str(error) == f"Flow definition problem: {SOURCE}, key 'title': is missing"


def test_a_pass_table_suggests_its_values() -> None:
    table = '[pass]\nusable_once = false\nlifetime_minutes = 60\nreason = "  Twice. "'
    assert suggestion(table) == PassSuggestion(False, 60, "Twice.")


def test_a_pass_table_may_leave_everything_out() -> None:
    assert suggestion("[pass]") == PassSuggestion(None, None, "")


@pytest.mark.parametrize("minutes", [10, 43200])
def test_a_suggested_lifetime_may_be_the_api_limits(minutes: int) -> None:
    suggested = suggestion(f"[pass]\nlifetime_minutes = {minutes}")
    assert suggested is not None and suggested.lifetime_minutes == minutes


@pytest.mark.parametrize("value", ["9", "43201", '"60"', "true"])
def test_a_suggested_lifetime_outside_the_api_limits_is_refused(value: str) -> None:
    with pytest.raises(FlowError) as info:
        suggestion(f"[pass]\nlifetime_minutes = {value}")
    assert str(info.value) == (
        f"Flow definition problem: {SOURCE}, key 'lifetime_minutes': "
        "must be a whole number from 10 to 43200"
    )


@pytest.mark.parametrize(
    ("table", "shown"),
    [
        ('[pass]\nusable_once = "yes"', "key 'usable_once': must be true or false"),
        ("[pass]\nreason = 3", "key 'reason': must be a string"),
    ],
)
def test_a_bad_pass_value_names_its_key(table: str, shown: str) -> None:
    with pytest.raises(FlowError) as info:
        suggestion(table)
    assert str(info.value) == f"Flow definition problem: {SOURCE}, {shown}"


def test_a_pass_that_is_not_a_table_names_its_line() -> None:
    with pytest.raises(FlowError) as info:
        parse_flow(HEAD + "pass = 3\n" + ISSUE, source=SOURCE)
    assert str(info.value) == (
        f"Flow definition problem: {SOURCE}, line 4, key 'pass': must be a table: [pass]"
    )


def test_action_step_is_none_when_the_flow_has_no_such_step() -> None:
    flow = parse_flow(HEAD + ISSUE, source=SOURCE)
    assert flow.action_step(Action.REVOKE_PASS) is None


def test_a_flow_file_too_large_says_what_a_flow_is(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    path.write_bytes(b"#" * (MAX_FLOW_BYTES + 1))
    with pytest.raises(FlowError) as info:
        load_flow(path)
    assert info.value.hint == "A flow is one TOML file of a few kilobytes."


SAVE_AS_UTF8 = (
    "Save it as UTF-8: in PowerShell, Set-Content -Encoding UTF8 (or Out-File -Encoding "
    "utf8); in Notepad, Save as with Encoding UTF-8."
)


def test_a_flow_file_not_in_utf8_says_where_and_how_to_save_it(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes(b'title = "x"\nid = "caf\xe9"')
    with pytest.raises(FlowError) as info:
        load_flow(path)
    assert str(info.value) == (
        f"Flow definition problem: {path}, line 2: is not UTF-8 text {SAVE_AS_UTF8}"
    )


def test_a_flow_file_saved_by_powershell_5_names_utf16(tmp_path: Path) -> None:
    # Windows PowerShell 5.1's ">" and Out-File write UTF-16LE with a byte order mark.
    path = tmp_path / "ps.toml"
    path.write_bytes('id = "x"\n'.encode("utf-16"))
    with pytest.raises(FlowError) as info:
        load_flow(path)
    assert str(info.value) == (
        f"Flow definition problem: {path}: is saved as UTF-16, not UTF-8 {SAVE_AS_UTF8}"
    )


def test_an_unreadable_flow_file_has_no_hint(tmp_path: Path) -> None:
    with pytest.raises(FlowError) as info:
        load_flow(tmp_path / "nope.toml")
    assert info.value.hint == ""


def test_a_second_file_with_the_same_flow_id_names_the_first(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.toml").write_text(GOOD, encoding="utf-8")
    _, (problem,) = load_flows(tmp_path)
    assert str(problem) == (
        f"Flow definition problem: {tmp_path / 'b.toml'}, key 'id': "
        f"flow id 'demo-flow' is already used by {tmp_path / 'a.toml'}"
    )


def test_flows_are_listed_by_title_ignoring_case(tmp_path: Path) -> None:
    """Titles sort as lower case: "_Draft" before "Alpha" before "beta"."""
    for name, title in [("a", "beta"), ("b", "Alpha"), ("c", "_Draft")]:
        text = GOOD.replace('id = "demo-flow"', f'id = "{name}"').replace('"Demo"', f'"{title}"')
        (tmp_path / f"{name}.toml").write_text(text, encoding="utf-8")
    flows, _ = load_flows(tmp_path)
    assert [f.title for f in flows] == ["_Draft", "Alpha", "beta"]


def test_a_key_under_a_later_table_is_not_taken_for_the_steps() -> None:
    """``say`` typed below ``[pass]`` belongs to [pass]: the step's error points at the step."""
    text = (
        HEAD
        + ISSUE
        + '[[steps]]\nid = "hand"\ntitle = "Hand"\nkind = "manual"\n[pass]\nsay = "x"\n'
    )
    error = error_for(text)
    assert (error.step, error.key, error.line) == (
        "step 2 ('hand')",
        "say",
        line_of(text, "[[steps]]", 1),
    )
