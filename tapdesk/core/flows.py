"""Onboarding flows as data: ``resources/flows/*.toml`` read into typed, validated records.

A flow is an ordered list of steps. Each step has a title, the words the technician reads out
(``say``), caveats and a kind:

- ``manual``: the technician ticks it;
- ``verify``: tapdesk ticks it when Microsoft Graph shows ``check`` (see :class:`Check`);
- ``action``: tapdesk does it (``action = "issue_pass" | "revoke_pass"``), optionally followed by
  a ``check`` that confirms the result (revoke, then "no pass left");
- ``timer``: waits ``seconds`` from ``starts_at`` (the step start, or the pass's first use).

A ``manual`` or ``verify`` step may also show a timer (``timer = {seconds, starts_at, label}``),
e.g. the ten-minute registration window after a one-time pass is first used. A timer that starts
at the pass's first use runs only for one-time passes: Graph reports no use of reusable ones.

Every problem in a file is a :class:`FlowError` that names the file, the step (number and id)
and, where it can be found, the line.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from tapdesk.core.bounded import SAVE_AS_UTF8, NotUtf8, RefusedFile, read_bounded, utf8_text
from tapdesk.core.passrules import API_MAX_LIFETIME, API_MIN_LIFETIME
from tapdesk.errors import ConfigError, UsageError

_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
_ID_HINT = "Ids are 1-64 lowercase letters, digits and dashes, e.g. 'create-passkey'."
MAX_TIMER_SECONDS = 86_400
MAX_FLOW_BYTES = 256 * 1024  # the shipped flows are a few kilobytes each


class FlowError(ConfigError):
    """A flow file that cannot be used, with file, step and line named."""

    title = "Flow definition problem"

    def __init__(
        self,
        message: str,
        *,
        path: str,
        step: str | None = None,
        line: int | None = None,
        key: str | None = None,
        hint: str = "",
    ) -> None:
        where = [path]
        if step:
            where.append(step)
        if line:
            where.append(f"line {line}")
        if key:
            where.append(f"key '{key}'")
        # ConfigError's own wording puts the step after the key; build the line ourselves.
        UsageError.__init__(self, f"{', '.join(where)}: {message}", hint=hint)
        self.path = path
        self.line = line
        self.key = key
        self.step = step
        self.problem = message


class StepKind(str, Enum):
    MANUAL = "manual"
    VERIFY = "verify"
    ACTION = "action"
    TIMER = "timer"


class Check(str, Enum):
    """A condition on the user's methods or pass that Graph can show."""

    AUTHENTICATOR_ADDED = "authenticator_added"
    AUTHENTICATOR_PASSKEY = "authenticator_passkey"
    PASS_USED = "pass_used"  # noqa: S105 (a check name)
    PASS_REVOKED = "pass_revoked"  # noqa: S105
    WINDOWS_HELLO_ADDED = "windows_hello_added"
    PASSKEY_ADDED = "passkey_added"


class Action(str, Enum):
    ISSUE_PASS = "issue_pass"  # noqa: S105 (an action name)
    REVOKE_PASS = "revoke_pass"  # noqa: S105


class TimerStart(str, Enum):
    STEP_START = "step_start"
    PASS_FIRST_USE = "pass_first_use"  # noqa: S105


@dataclass(frozen=True, slots=True)
class Timer:
    seconds: int
    starts_at: TimerStart
    label: str


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    title: str
    kind: StepKind
    say: tuple[str, ...]
    caveats: tuple[str, ...] = ()
    check: Check | None = None
    action: Action | None = None
    timer: Timer | None = None
    optional: bool = False


@dataclass(frozen=True, slots=True)
class PassSuggestion:
    """What the flow recommends for the pass; the issue form still applies the tenant policy."""

    usable_once: bool | None = None
    lifetime_minutes: int | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Flow:
    id: str
    title: str
    summary: str
    steps: tuple[Step, ...]
    recommended: bool = False
    preconditions: tuple[str, ...] = ()
    caveats: tuple[str, ...] = ()
    pass_suggestion: PassSuggestion | None = None
    source: str = ""

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def index(self, step_id: str) -> int:
        for number, step in enumerate(self.steps):
            if step.id == step_id:
                return number
        raise KeyError(step_id)

    def action_step(self, action: Action) -> Step | None:
        return next((s for s in self.steps if s.action is action), None)


# --- locating lines (tomllib reports none for valid TOML) -------------------------------------
_HEADER = re.compile(r"^\s*\[{1,2}\s*([^\]]*?)\s*\]{1,2}")
_STEPS_HEADER = re.compile(r"^\s*\[\[\s*steps\s*\]\]")


class _Lines:
    def __init__(self, text: str) -> None:
        self._lines = text.splitlines()
        self._step_lines = [n for n, line in enumerate(self._lines, 1) if _STEPS_HEADER.match(line)]

    def top(self, key: str) -> int | None:
        for number, line in enumerate(self._lines, 1):
            if _HEADER.match(line):
                break
            if re.match(rf"^\s*{re.escape(key)}\s*=", line):
                return number
        return None

    def step(self, index: int, key: str | None = None) -> int | None:
        if index >= len(self._step_lines):
            return None
        start = self._step_lines[index]
        if key is None:
            return start
        for number in range(start + 1, len(self._lines) + 1):
            line = self._lines[number - 1]
            if _STEPS_HEADER.match(line) or (_HEADER.match(line) and "steps." not in line):
                break
            if re.match(rf"^\s*{re.escape(key)}\s*=", line):
                return number
        return start


# --- parsing ----------------------------------------------------------------------------------
_FLOW_KEYS = frozenset(
    {"id", "title", "summary", "recommended", "preconditions", "caveats", "pass", "steps"}
)
_STEP_KEYS = frozenset(
    {"id", "title", "kind", "say", "caveats", "check", "action", "seconds", "starts_at"}
    | {"label", "timer", "optional"}
)
_TIMER_KEYS = frozenset({"seconds", "starts_at", "label"})
_PASS_KEYS = frozenset({"usable_once", "lifetime_minutes", "reason"})


def _suggest(word: str, choices: Iterable[str]) -> str:
    options = sorted(choices)
    close = difflib.get_close_matches(word, options, n=1)
    listing = f"Allowed: {', '.join(options)}."
    return f"Did you mean '{close[0]}'? {listing}" if close else listing


class _Parser:
    def __init__(self, text: str, source: str) -> None:
        self.source = source
        self.lines = _Lines(text)
        self.text = text

    def fail(
        self,
        message: str,
        *,
        key: str | None = None,
        index: int | None = None,
        step_id: str | None = None,
        hint: str = "",
    ) -> FlowError:
        step = None
        line = self.lines.top(key) if key and index is None else None
        if index is not None:
            step = f"step {index + 1}" + (f" ('{step_id}')" if step_id else "")
            line = self.lines.step(index, key)
        return FlowError(message, path=self.source, step=step, line=line, key=key, hint=hint)

    # -- scalar helpers, each raising a FlowError that names where --
    def text_field(self, table: Mapping[str, Any], key: str, where: dict[str, Any]) -> str:
        """A required, non-blank string, trimmed."""
        value = table.get(key)
        if value is None:
            raise self.fail("is missing", key=key, **where)
        if not isinstance(value, str) or not value.strip():
            raise self.fail("must be a non-empty string", key=key, **where)
        return value.strip()

    def text_list(
        self, table: Mapping[str, Any], key: str, where: dict[str, Any]
    ) -> tuple[str, ...]:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail("must be a list of non-empty strings", key=key, **where)
        return tuple(v.strip() for v in value)

    def flag(self, table: Mapping[str, Any], key: str, where: dict[str, Any]) -> bool:
        value = table.get(key, False)
        if not isinstance(value, bool):
            raise self.fail("must be true or false", key=key, **where)
        return value

    def enum(
        self, table: Mapping[str, Any], key: str, kind: type[Enum], where: dict[str, Any]
    ) -> Any:
        value = table.get(key)
        if value is None:
            raise self.fail("is missing", key=key, **where)
        allowed = [m.value for m in kind]
        if not isinstance(value, str) or value not in allowed:
            shown = repr(value) if isinstance(value, str | int | float | bool) else "that value"
            raise self.fail(
                f"{shown[:60]} is not a known {key}",
                key=key,
                hint=_suggest(str(value), allowed),
                **where,
            )
        return kind(value)

    def unknown_keys(
        self, table: Mapping[str, Any], known: frozenset[str], where: dict[str, Any]
    ) -> None:
        for key in table:
            if key not in known:
                raise self.fail(
                    "unknown key", key=str(key), hint=_suggest(str(key), known), **where
                )

    # -- the structure --
    def flow(self) -> Flow:
        try:
            data = tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as exc:
            message = str(exc)
            found = re.search(r"line (\d+)", message)
            raise FlowError(
                f"is not valid TOML: {message.split(' (at')[0]}",
                path=self.source,
                line=int(found.group(1)) if found else None,
                hint="Fix the syntax: key = value, strings in quotes, one [[steps]] per step.",
            ) from None
        except RecursionError:
            raise FlowError("is nested too deeply to read", path=self.source) from None
        top: dict[str, Any] = {}
        self.unknown_keys(data, _FLOW_KEYS, top)
        flow_id = self.text_field(data, "id", top)
        if not _ID.match(flow_id):
            raise self.fail(f"'{flow_id[:60]}' is not a valid flow id", key="id", hint=_ID_HINT)
        raw_steps = data.get("steps")
        if not isinstance(raw_steps, list) or not raw_steps:
            raise self.fail(
                "a flow needs at least one [[steps]] table",
                key="steps",
                hint="Add [[steps]] tables.",
            )
        steps = tuple(self.step(raw, index) for index, raw in enumerate(raw_steps))
        self.order(steps)
        return Flow(
            id=flow_id,
            title=self.text_field(data, "title", top),
            summary=self.text_field(data, "summary", top),
            steps=steps,
            recommended=self.flag(data, "recommended", top),
            preconditions=self.text_list(data, "preconditions", top),
            caveats=self.text_list(data, "caveats", top),
            pass_suggestion=self.suggestion(data.get("pass")),
            source=self.source,
        )

    def suggestion(self, raw: object) -> PassSuggestion | None:
        if raw is None:
            return None
        if not isinstance(raw, dict):
            raise self.fail("must be a table: [pass]", key="pass")
        self.unknown_keys(raw, _PASS_KEYS, {})
        once = raw.get("usable_once")
        if once is not None and not isinstance(once, bool):
            raise self.fail("must be true or false", key="usable_once")
        lifetime = raw.get("lifetime_minutes")
        if lifetime is not None and (
            isinstance(lifetime, bool)
            or not isinstance(lifetime, int)
            or not API_MIN_LIFETIME <= lifetime <= API_MAX_LIFETIME
        ):
            raise self.fail(
                f"must be a whole number from {API_MIN_LIFETIME} to {API_MAX_LIFETIME}",
                key="lifetime_minutes",
            )
        reason = raw.get("reason", "")
        if not isinstance(reason, str):
            raise self.fail("must be a string", key="reason")
        return PassSuggestion(once, lifetime, reason.strip())

    def step(self, raw: object, index: int) -> Step:
        where: dict[str, Any] = {"index": index}
        if not isinstance(raw, dict):
            raise self.fail("must be a table ([[steps]])", **where)
        step_id = raw.get("id")
        if isinstance(step_id, str) and _ID.match(step_id):
            where["step_id"] = step_id
        self.unknown_keys(raw, _STEP_KEYS, where)
        step_id = self.text_field(raw, "id", where)
        if not _ID.match(step_id):
            raise self.fail(
                f"'{step_id[:60]}' is not a valid step id", key="id", hint=_ID_HINT, **where
            )
        title = self.text_field(raw, "title", where)  # before a timer's label falls back to it
        kind: StepKind = self.enum(raw, "kind", StepKind, where)
        say = self.text_list(raw, "say", where)
        if not say:
            raise self.fail("is missing: what does the technician say?", key="say", **where)
        check: Check | None = None
        action: Action | None = None
        timer: Timer | None = None
        allowed = {"id", "title", "kind", "say", "caveats", "optional"}
        if kind is StepKind.VERIFY:
            check = self.enum(raw, "check", Check, where)
            allowed |= {"check", "timer"}
        elif kind is StepKind.ACTION:
            action = self.enum(raw, "action", Action, where)
            allowed |= {"action"}
            if "check" in raw:
                check = self.enum(raw, "check", Check, where)
                allowed.add("check")
        elif kind is StepKind.TIMER:
            timer = self.timer(raw, where, default_label=title)
            allowed |= {"seconds", "starts_at", "label"}
        else:
            allowed.add("timer")
        for key in raw:
            if key not in allowed:
                raise self.fail(f"does not belong in a '{kind.value}' step", key=str(key), **where)
        if "timer" in raw:
            table = raw["timer"]
            if not isinstance(table, dict):
                raise self.fail(
                    "must be a table: {seconds = …, starts_at = …}", key="timer", **where
                )
            self.unknown_keys(table, _TIMER_KEYS, where)
            timer = self.timer(table, where, default_label="Timer")
        return Step(
            id=step_id,
            title=title,
            kind=kind,
            say=say,
            caveats=self.text_list(raw, "caveats", where),
            check=check,
            action=action,
            timer=timer,
            optional=self.flag(raw, "optional", where),
        )

    def timer(
        self, table: Mapping[str, Any], where: dict[str, Any], *, default_label: str
    ) -> Timer:
        seconds = table.get("seconds")
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, int)
            or not 1 <= seconds <= MAX_TIMER_SECONDS
        ):
            raise self.fail(
                "must be a whole number of seconds from 1 to 86400", key="seconds", **where
            )
        starts_at: TimerStart = self.enum(table, "starts_at", TimerStart, where)
        label = table.get("label", default_label)
        if not isinstance(label, str) or not label.strip():
            raise self.fail("must be a non-empty string", key="label", **where)
        return Timer(seconds, starts_at, label.strip())

    def order(self, steps: Sequence[Step]) -> None:
        seen: dict[str, int] = {}
        issued_at: int | None = None
        for index, step in enumerate(steps):
            where: dict[str, Any] = {"index": index, "step_id": step.id}
            if step.id in seen:
                raise self.fail(
                    f"the id is already used by step {seen[step.id] + 1}", key="id", **where
                )
            seen[step.id] = index
            if step.action is Action.ISSUE_PASS:
                if issued_at is not None:
                    raise self.fail(
                        f"step {issued_at + 1} already issues the pass", key="action", **where
                    )
                issued_at = index
            # Every check compares against the moment the pass was issued.
            needs_pass = (
                step.check is not None
                or step.action is Action.REVOKE_PASS
                or (step.timer is not None and step.timer.starts_at is TimerStart.PASS_FIRST_USE)
            )
            if needs_pass and issued_at is None:
                raise self.fail(
                    "needs a pass, but no earlier step issues one",
                    hint='Put an action step with action = "issue_pass" before it.',
                    **where,
                )


def parse_flow(text: str, *, source: str) -> Flow:
    """Read one flow from TOML text; ``source`` names the file in every error."""
    return _Parser(text, source).flow()


def load_flow(path: Path) -> Flow:
    try:
        raw = read_bounded(path, MAX_FLOW_BYTES)
    except RefusedFile as exc:
        raise FlowError(
            str(exc), path=str(path), hint="A flow is one TOML file of a few kilobytes."
        ) from None
    except OSError as exc:
        raise FlowError(f"cannot be read ({exc.__class__.__name__})", path=str(path)) from None
    try:
        text = utf8_text(raw)
    except NotUtf8 as exc:
        problem = "is saved as UTF-16, not UTF-8" if exc.utf16 else "is not UTF-8 text"
        line = None if exc.utf16 else exc.line
        raise FlowError(problem, path=str(path), line=line, hint=SAVE_AS_UTF8) from None
    return parse_flow(text, source=str(path))


def load_flows(directory: Path) -> tuple[list[Flow], list[FlowError]]:
    """Every ``*.toml`` in ``directory``: the good flows (recommended first, then by title) and
    one error per bad file, so one broken file does not hide the others."""
    flows: list[Flow] = []
    problems: list[FlowError] = []
    ids: dict[str, str] = {}
    for path in sorted(directory.glob("*.toml")):
        try:
            flow = load_flow(path)
        except FlowError as exc:
            problems.append(exc)
            continue
        if flow.id in ids:
            problems.append(
                FlowError(
                    f"flow id '{flow.id}' is already used by {ids[flow.id]}",
                    path=str(path),
                    key="id",
                )
            )
            continue
        ids[flow.id] = str(path)
        flows.append(flow)
    flows.sort(key=lambda f: (not f.recommended, f.title.lower()))
    return flows, problems
