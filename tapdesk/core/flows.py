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

What the technician reads is data that must stay true to Microsoft's pages and to the pass on
screen, so every line of ``say``, ``caveats``, ``fallback`` and ``preconditions`` is a
:class:`Line`: its text may hold placeholders (``{pass_kind}``…, filled by
:mod:`tapdesk.core.flow_text` from the issued pass), may apply only ``when`` a condition holds
(a one-time or reusable pass, Authenticator already on the account or not), and says where it
comes from: ``cite`` (Microsoft pages), ``field_tested`` (no page documents it) or ``house``
(tapdesk itself, or the site's own procedure).

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

_HOSTS = ("learn.microsoft.com", "support.microsoft.com")
_HOST_NAMES = "|".join(re.escape(h) for h in _HOSTS)
_CITE = re.compile(rf"^https://(?:{_HOST_NAMES})/[^\s<>\"']*$")
BRACES = re.compile(r"\{([^{}]*)\}")
# What a placeholder becomes is :mod:`tapdesk.core.flow_text`'s business; the names live here so
# a file with an unknown one fails when it is read, not when a technician reads it out.
PLACEHOLDERS = ("pass_kind", "pass_uses", "pass_expires", "lifetime")
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
    SECURITY_KEY_ADDED = "security_key_added"  # a passkey that is not Authenticator's


class Action(str, Enum):
    ISSUE_PASS = "issue_pass"  # noqa: S105 (an action name)
    REVOKE_PASS = "revoke_pass"  # noqa: S105


class Condition(str, Enum):
    """When a line applies: the issued (or planned) pass, and the methods the user already had."""

    ONE_TIME = "one_time"
    REUSABLE = "reusable"
    HAS_AUTHENTICATOR = "has_authenticator"
    NO_AUTHENTICATOR = "no_authenticator"


class TimerStart(str, Enum):
    STEP_START = "step_start"
    PASS_FIRST_USE = "pass_first_use"  # noqa: S105


@dataclass(frozen=True, slots=True)
class Timer:
    seconds: int
    starts_at: TimerStart
    label: str


@dataclass(frozen=True, slots=True)
class Line:
    """One sentence to read or heed, with where it comes from."""

    text: str
    when: Condition | None = None
    cite: tuple[str, ...] = ()  # Microsoft pages that say it
    field_tested: bool = False  # works in the field, documented by no Microsoft page
    house: bool = False  # about tapdesk or the site's own procedure, not a Microsoft statement

    @property
    def sourced(self) -> bool:
        return bool(self.cite) or self.field_tested or self.house


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    title: str
    kind: StepKind
    say: tuple[Line, ...]
    caveats: tuple[Line, ...] = ()
    check: Check | None = None
    action: Action | None = None
    timer: Timer | None = None
    optional: bool = False
    fallback: tuple[Line, ...] = ()  # what to do when the step's own way does not work
    cite: tuple[str, ...] = ()  # the pages that document the step as a whole
    field_tested: bool = False  # the step's way is field-tested, not documented
    counts_existing: bool = False  # a method already on the account when issued finishes it

    @property
    def documented(self) -> bool:
        return bool(self.cite) and not self.field_tested


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
    preconditions: tuple[Line, ...] = ()
    caveats: tuple[Line, ...] = ()
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

    def steps_before_issue(self) -> tuple[Step, ...]:
        """The required steps that come before the pass is issued (who the new hire is)."""
        issue = self.action_step(Action.ISSUE_PASS)
        if issue is None:
            return ()
        return tuple(s for s in self.steps[: self.steps.index(issue)] if not s.optional)


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
    | {"label", "timer", "optional", "fallback", "cite", "field_tested", "counts_existing"}
)
_LINE_KEYS = frozenset({"text", "when", "cite", "field_tested", "house"})
# Checks a method already on the account can answer (verify.already_met).
_EXISTING_CHECKS = frozenset({Check.AUTHENTICATOR_ADDED, Check.WINDOWS_HELLO_ADDED})
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

    def line_list(
        self, table: Mapping[str, Any], key: str, where: dict[str, Any]
    ) -> tuple[Line, ...]:
        """A list of lines: each a string, or ``{text, when, cite, field_tested, house}``."""
        value = table.get(key, [])
        if isinstance(value, str | dict):
            value = [value]
        if not isinstance(value, list):
            raise self.fail("must be a list of strings or {text = …} tables", key=key, **where)
        return tuple(self.line(item, key, where) for item in value)

    def line(self, item: object, key: str, where: dict[str, Any]) -> Line:
        if isinstance(item, str):
            item = {"text": item}
        if not isinstance(item, dict):
            raise self.fail("must be a list of strings or {text = …} tables", key=key, **where)
        for name in item:
            if name not in _LINE_KEYS:
                raise self.fail(
                    f"'{str(name)[:40]}' is not a key of a line",
                    key=key,
                    hint=_suggest(str(name), _LINE_KEYS),
                    **where,
                )
        text = item.get("text")
        if not isinstance(text, str) or not text.strip():
            raise self.fail("has a line without text (a non-empty string)", key=key, **where)
        text = " ".join(text.split())
        self.placeholders(text, key, where)
        when = None
        if "when" in item:
            when = self.enum(item, "when", Condition, where, key_of=key, noun="condition")
        return Line(
            text,
            when,
            self.cites(item, key, where),
            self.flag(item, "field_tested", where, key_of=key),
            self.flag(item, "house", where, key_of=key),
        )

    def placeholders(self, text: str, key: str, where: dict[str, Any]) -> None:
        names = BRACES.findall(text)
        for name in names:
            if name not in PLACEHOLDERS:
                raise self.fail(
                    f"{{{name[:40]}}} is not a known placeholder",
                    key=key,
                    hint=_suggest(name, PLACEHOLDERS),
                    **where,
                )
        if "{" in BRACES.sub("", text) or "}" in BRACES.sub("", text):
            raise self.fail(
                "has a brace that is not part of a placeholder",
                key=key,
                hint=f"Braces hold a placeholder only: {', '.join(PLACEHOLDERS)}.",
                **where,
            )

    def cites(self, table: Mapping[str, Any], key: str, where: dict[str, Any]) -> tuple[str, ...]:
        value = table.get("cite", [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail("cite must be a web address or a list of them", key=key, **where)
        for url in value:
            if not _CITE.match(url.strip()):
                raise self.fail(
                    f"cite '{url.strip()[:80]}' is not a Microsoft documentation page",
                    key=key,
                    hint=f"Cite https:// pages on {' or '.join(_HOSTS)}.",
                    **where,
                )
        return tuple(v.strip() for v in value)

    def flag(
        self, table: Mapping[str, Any], key: str, where: dict[str, Any], *, key_of: str = ""
    ) -> bool:
        value = table.get(key, False)
        if not isinstance(value, bool):
            named = f"{key} must be true or false" if key_of else "must be true or false"
            raise self.fail(named, key=key_of or key, **where)
        return value

    def enum(
        self,
        table: Mapping[str, Any],
        key: str,
        kind: type[Enum],
        where: dict[str, Any],
        *,
        key_of: str = "",
        noun: str = "",
    ) -> Any:
        """A value of ``kind``. Inside a line (``key_of``: the list it is in) the problem is
        placed on that list and names the key: "when = 'x' is not a known condition"."""
        value = table.get(key)
        if value is None:
            raise self.fail("is missing", key=key_of or key, **where)
        allowed = [m.value for m in kind]
        if not isinstance(value, str) or value not in allowed:
            shown = repr(value) if isinstance(value, str | int | float | bool) else "that value"
            named = f"{key} = " if key_of else ""
            raise self.fail(
                f"{named}{shown[:60]} is not a known {noun or key}",
                key=key_of or key,
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
            preconditions=self.line_list(data, "preconditions", top),
            caveats=self.line_list(data, "caveats", top),
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
        say = self.line_list(raw, "say", where)
        if not say:
            raise self.fail("is missing: what does the technician say?", key="say", **where)
        check: Check | None = None
        action: Action | None = None
        timer: Timer | None = None
        allowed = {"id", "title", "kind", "say", "caveats", "optional", "fallback", "cite"}
        allowed.add("field_tested")
        if kind is StepKind.VERIFY:
            check = self.enum(raw, "check", Check, where)
            allowed |= {"check", "timer", "counts_existing"}
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
        counts_existing = self.flag(raw, "counts_existing", where)
        if counts_existing and check not in _EXISTING_CHECKS:
            raise self.fail(
                "only a check for Authenticator or Windows Hello can count a method already "
                "on the account",
                key="counts_existing",
                hint="Use it with check = 'authenticator_added' or 'windows_hello_added'.",
                **where,
            )
        return Step(
            id=step_id,
            title=title,
            kind=kind,
            say=say,
            caveats=self.line_list(raw, "caveats", where),
            check=check,
            action=action,
            timer=timer,
            optional=self.flag(raw, "optional", where),
            fallback=self.line_list(raw, "fallback", where),
            cite=self.cites(raw, "cite", where),
            field_tested=self.flag(raw, "field_tested", where),
            counts_existing=counts_existing,
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
