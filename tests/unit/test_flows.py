from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tapdesk.core.flows import (
    Action,
    Check,
    Flow,
    FlowError,
    Line,
    StepKind,
    TimerStart,
    load_flow,
    load_flows,
    parse_flow,
)
from tapdesk.errors import ConfigError
from tapdesk.runtime.resources import flows_dir, resources_dir

SOURCE = "flows/test.toml"

GOOD = """
id = "demo-flow"
title = "Demo"
summary = "A short flow."
preconditions = ["Phone at hand"]

[[steps]]
id = "confirm"
title = "Confirm identity"
kind = "manual"
say = "Show me your ID."

[[steps]]
id = "issue"
title = "Issue"
kind = "action"
action = "issue_pass"
say = ["Creating the pass."]

[[steps]]
id = "passkey"
title = "Passkey"
kind = "verify"
check = "authenticator_passkey"
say = ["Create the passkey."]
timer = { seconds = 600, starts_at = "pass_first_use", label = "Registration window" }

[[steps]]
id = "revoke"
title = "Revoke"
kind = "action"
action = "revoke_pass"
check = "pass_revoked"
say = ["Deleting the pass."]
"""


def error_for(text: str) -> FlowError:
    with pytest.raises(FlowError) as info:
        parse_flow(text, source=SOURCE)
    return info.value


# --- the shipped flows -------------------------------------------------------------------------
def shipped() -> list[Flow]:
    flows, problems = load_flows(flows_dir())
    assert problems == []
    return flows


def test_resources_are_found_from_the_checkout() -> None:
    assert (resources_dir() / "flows").is_dir()


def test_all_shipped_flows_load_and_the_recommended_one_comes_first() -> None:
    flows = shipped()
    ids = [f.id for f in flows]
    assert {"passkey-authenticator", "oobe-pass", "web-sign-in", "recover-method"} <= set(ids)
    assert ids[0] == "passkey-authenticator"
    assert [f.id for f in flows if f.recommended] == ["passkey-authenticator"]


def test_every_shipped_flow_issues_then_revokes_and_every_step_says_something() -> None:
    for flow in shipped():
        actions = [s.action for s in flow.steps if s.action]
        assert actions == [Action.ISSUE_PASS, Action.REVOKE_PASS], flow.id
        assert flow.steps[-1].check is Check.PASS_REVOKED
        assert all(step.say for step in flow.steps)
        assert flow.summary and flow.title


def test_passkey_via_authenticator_has_the_steps_of_the_brief() -> None:
    flow = next(f for f in shipped() if f.id == "passkey-authenticator")
    kinds = [(s.kind, s.action, s.check) for s in flow.steps]
    assert kinds == [
        (StepKind.MANUAL, None, None),
        (StepKind.ACTION, Action.ISSUE_PASS, None),
        (StepKind.VERIFY, None, Check.AUTHENTICATOR_ADDED),
        (StepKind.VERIFY, None, Check.AUTHENTICATOR_PASSKEY),
        (StepKind.MANUAL, None, None),
        (StepKind.ACTION, Action.REVOKE_PASS, Check.PASS_REVOKED),
    ]
    timer = flow.step("create-passkey").timer
    assert (
        timer is not None and timer.seconds == 600 and timer.starts_at is TimerStart.PASS_FIRST_USE
    )
    assert flow.pass_suggestion is not None and flow.pass_suggestion.usable_once is True
    text = " ".join(c.text for c in flow.caveats).lower()
    assert "aka.ms/mysecurityinfo" in text and "nps" in text and "ad fs" in text


def test_shipped_flows_carry_the_seed_caveats() -> None:
    flows = {f.id: f for f in shipped()}
    oobe = " ".join(c.text for c in flows["oobe-pass"].caveats).lower()
    assert "hybrid" in oobe and "twice" in oobe
    suggestion = flows["oobe-pass"].pass_suggestion
    assert suggestion is not None and suggestion.usable_once is False
    web = " ".join(p.text for p in flows["web-sign-in"].preconditions)
    for needed in (
        "22H2",
        "KB5030310",
        "Entra joined",
        "Enable Web Sign In",
        "Allowed Urls",
        "Webcam",
    ):
        assert needed in web
    assert "hybrid" in " ".join(c.text for c in flows["web-sign-in"].caveats).lower()
    recover = flows["recover-method"]
    assert {s.check for s in recover.steps} >= {Check.AUTHENTICATOR_ADDED, Check.PASSKEY_ADDED}


# --- parsing -----------------------------------------------------------------------------------
def test_a_good_flow_parses_into_typed_steps() -> None:
    flow = parse_flow(GOOD, source=SOURCE)
    assert flow.id == "demo-flow" and flow.source == SOURCE
    assert flow.step("confirm").say == (Line("Show me your ID."),)
    assert flow.step("passkey").timer is not None
    assert flow.index("revoke") == 3
    assert flow.action_step(Action.ISSUE_PASS) == flow.step("issue")


def test_flow_error_is_a_config_error_naming_file_step_line_and_key() -> None:
    error = error_for(
        GOOD.replace('check = "authenticator_passkey"', 'check = "authenticator_pasky"')
    )
    assert isinstance(error, ConfigError)
    assert error.path == SOURCE
    assert error.step == "step 3 ('passkey')"
    assert error.key == "check"
    assert error.line == GOOD.splitlines().index('check = "authenticator_passkey"') + 1
    assert "Did you mean 'authenticator_passkey'" in error.hint
    assert str(error).startswith(f"Flow definition problem: {SOURCE}, step 3 ('passkey'), line")


@pytest.mark.parametrize(
    ("change", "problem", "step"),
    [
        (('id = "demo-flow"', 'id = "Demo Flow"'), "not a valid flow id", None),
        (('title = "Demo"\n', ""), "is missing", None),
        (('kind = "manual"', 'kind = "manul"'), "not a known kind", "step 1 ('confirm')"),
        (('say = "Show me your ID."', "say = []"), "is missing", "step 1 ('confirm')"),
        (
            ('action = "issue_pass"', 'action = "issue_pass"\ncheck = 3'),
            "not a known check",
            "step 2",
        ),
        (('id = "passkey"', 'id = "confirm"'), "already used by step 1", "step 3 ('confirm')"),
        (
            ('kind = "manual"', 'kind = "manual"\naction = "revoke_pass"'),
            "does not belong",
            "step 1",
        ),
        (("seconds = 600", "seconds = 0"), "from 1 to 86400", "step 3 ('passkey')"),
        (
            ('starts_at = "pass_first_use"', 'starts_at = "later"'),
            "not a known starts_at",
            "step 3",
        ),
        (('preconditions = ["Phone at hand"]', "preconditions = [1]"), "list of strings", None),
        (('summary = "A short flow."', 'summary = "x"\ncolour = "red"'), "unknown key", None),
        (('title = "Issue"', 'title = "Issue"\nwait = 3'), "unknown key", "step 2 ('issue')"),
    ],
)
def test_each_problem_is_named(change: tuple[str, str], problem: str, step: str | None) -> None:
    old, new = change
    assert old in GOOD
    error = error_for(GOOD.replace(old, new, 1))
    assert problem in error.problem
    if step:
        assert error.step is not None and error.step.startswith(step)
    assert SOURCE in str(error)


def test_a_check_before_any_pass_is_issued_is_refused() -> None:
    text = GOOD.replace('action = "issue_pass"', 'action = "revoke_pass"\ncheck = "pass_revoked"')
    error = error_for(text)
    assert "no earlier step issues one" in error.problem
    assert error.step is not None and error.step.startswith("step 2")


def test_two_issue_steps_are_refused() -> None:
    extra = '\n[[steps]]\nid = "again"\ntitle = "Again"\nkind = "action"\naction = "issue_pass"\nsay = "x"\n'
    assert "already issues the pass" in error_for(GOOD + extra).problem


def test_a_step_without_an_id_is_named_by_its_number() -> None:
    error = error_for(GOOD.replace('id = "confirm"\n', "", 1))
    assert error.step == "step 1"
    assert error.line == GOOD.splitlines().index("[[steps]]") + 1


def test_invalid_toml_names_the_line() -> None:
    error = error_for('id = "x"\ntitle = \n')
    assert error.line == 2 and "not valid TOML" in error.problem


def test_no_steps_at_all() -> None:
    assert "at least one" in error_for('id = "x"\ntitle = "t"\nsummary = "s"\n').problem


def test_timer_steps_need_seconds_and_a_start() -> None:
    timer_step = (
        '\n[[steps]]\nid = "wait"\ntitle = "Wait"\nkind = "timer"\nseconds = 120\n'
        'starts_at = "step_start"\nsay = "Wait a moment."\n'
    )
    flow = parse_flow(GOOD + timer_step, source=SOURCE)
    timer = flow.step("wait").timer
    assert timer is not None and timer.label == "Wait" and timer.starts_at is TimerStart.STEP_START
    assert "seconds" in (error_for(GOOD + timer_step.replace("seconds = 120\n", "")).key or "")


def test_load_flows_keeps_good_files_and_reports_bad_ones(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.toml").write_text(GOOD, encoding="utf-8")  # same id
    (tmp_path / "c.toml").write_bytes(b'id = "\xff"')
    (tmp_path / "d.toml").write_text("= broken", encoding="utf-8")
    flows, problems = load_flows(tmp_path)
    assert [f.id for f in flows] == ["demo-flow"]
    named = sorted(Path(p.path or "").name for p in problems)
    assert named == ["b.toml", "c.toml", "d.toml"]
    assert any("already used" in p.problem for p in problems)
    assert any("not UTF-8" in p.problem for p in problems)


def test_load_flow_accepts_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert load_flow(path).id == "demo-flow"


def test_missing_file_is_a_flow_error(tmp_path: Path) -> None:
    with pytest.raises(FlowError) as info:
        load_flow(tmp_path / "nope.toml")
    assert "nope.toml" in str(info.value)


# --- fuzz --------------------------------------------------------------------------------------
def _is_flow_or_named_error(text: str) -> None:
    try:
        flow = parse_flow(text, source=SOURCE)
    except FlowError as exc:
        assert exc.path == SOURCE
        assert SOURCE in str(exc)
    else:
        assert isinstance(flow, Flow)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_a_flow_or_a_flow_error(text: str) -> None:
    _is_flow_or_named_error(text)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{" + ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
        )
    raise TypeError(type(value))


def _dump(data: dict[str, Any]) -> str:
    lines = [f"{json.dumps(k)} = {_toml_value(v)}" for k, v in data.items() if k != "steps"]
    for step in data.get("steps", []):
        lines.append("[[steps]]")
        lines += [f"{json.dumps(k)} = {_toml_value(v)}" for k, v in step.items()]
    return "\n".join(lines) + "\n"


_SCALARS = st.one_of(
    st.booleans(),
    st.integers(-5, 100_000),
    st.text(st.characters(codec="utf-8"), max_size=20),
    st.sampled_from(
        [*[c.value for c in Check], "issue_pass", "revoke_pass", "manual", "verify", "timer"]
    ),
)
_VALUES = st.one_of(
    _SCALARS,
    st.lists(_SCALARS, max_size=3),
    st.dictionaries(st.sampled_from(["seconds", "starts_at", "label", "x"]), _SCALARS, max_size=3),
)
_STEP_KEYS = st.sampled_from(
    [
        "id",
        "title",
        "kind",
        "say",
        "caveats",
        "check",
        "action",
        "seconds",
        "starts_at",
        "timer",
        "optional",
        "label",
        "bogus",
    ]
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.data(),
    st.integers(0, 5),
)
def test_mutated_shipped_flow_gives_a_flow_or_a_flow_error(
    data: st.DataObject, step_index: int
) -> None:
    original = tomllib.loads(
        (flows_dir() / "passkey-authenticator.toml").read_text(encoding="utf-8")
    )
    steps = original["steps"]
    mutation = data.draw(st.sampled_from(["set", "delete", "top"]))
    if mutation == "top":
        key = data.draw(
            st.sampled_from(["id", "title", "summary", "recommended", "caveats", "pass", "zzz"])
        )
        original[key] = data.draw(_VALUES)
    else:
        step = steps[step_index % len(steps)]
        key = data.draw(_STEP_KEYS)
        if mutation == "delete":
            step.pop(key, None)
        else:
            step[key] = data.draw(_VALUES)
    _is_flow_or_named_error(_dump(original))
