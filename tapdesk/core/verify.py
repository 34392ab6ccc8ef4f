"""Did the new hire do it yet? Flow checks evaluated against what Graph shows, purely.

The signal is always "a method id that was not there when the pass was issued" (the
:class:`Baseline`), never a timestamp: an Authenticator object has ``createdDateTime: null``
unless the phone is registered for passwordless sign-in (graph-tap §3.3), and server and local
clocks differ. Each check needs only one narrow Graph read (:data:`READS_FOR_CHECK`), so the
poller asks for ``fido2Methods`` alone while waiting for a passkey, and so on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from tapdesk.core.aaguid import authenticator_name, is_authenticator_passkey
from tapdesk.core.flows import Check
from tapdesk.core.models import AuthMethod, MethodKind, TemporaryAccessPass, UsabilityReason


class GraphRead(str, Enum):
    """One Graph list call under ``/users/{id}/authentication/``; the value is the relationship.

    The method list endpoints take no OData query options (graph-tap §3.1), so "select only
    what is needed" means choosing the narrowest relationship, not a ``$select``.
    """

    PASS = "temporaryAccessPassMethods"  # noqa: S105 (a Graph relationship)
    AUTHENTICATOR = "microsoftAuthenticatorMethods"
    FIDO2 = "fido2Methods"
    WINDOWS_HELLO = "windowsHelloForBusinessMethods"
    ALL_METHODS = "methods"


READS_FOR_CHECK: dict[Check, frozenset[GraphRead]] = {
    Check.AUTHENTICATOR_ADDED: frozenset({GraphRead.AUTHENTICATOR}),
    Check.AUTHENTICATOR_PASSKEY: frozenset({GraphRead.FIDO2}),
    Check.PASSKEY_ADDED: frozenset({GraphRead.FIDO2}),
    Check.SECURITY_KEY_ADDED: frozenset({GraphRead.FIDO2}),
    Check.WINDOWS_HELLO_ADDED: frozenset({GraphRead.WINDOWS_HELLO}),
    Check.PASS_USED: frozenset({GraphRead.PASS}),
    Check.PASS_REVOKED: frozenset({GraphRead.PASS}),
}
WAITING_FOR: dict[Check, str] = {
    Check.AUTHENTICATOR_ADDED: "Waiting for Microsoft Authenticator to appear on the account",
    Check.AUTHENTICATOR_PASSKEY: "Waiting for a passkey in Microsoft Authenticator (iOS or Android)",
    Check.PASSKEY_ADDED: "Waiting for a new passkey (in Authenticator or on a security key)",
    Check.SECURITY_KEY_ADDED: "Waiting for a passkey on a security key",
    Check.WINDOWS_HELLO_ADDED: "Waiting for Windows Hello for Business to be set up",
    Check.PASS_USED: "Waiting for the pass to be used to sign in",
    Check.PASS_REVOKED: "Waiting for the pass to disappear from the account",
}


@dataclass(frozen=True, slots=True)
class Baseline:
    """What the account looked like when the pass was issued."""

    pass_id: str
    issued_at: datetime
    method_ids: frozenset[str]
    # The kinds among them, so the words can say "open Authenticator" to someone who has it.
    # Empty for a session saved before tapdesk kept them.
    kinds: frozenset[MethodKind] = frozenset()

    @classmethod
    def capture(
        cls, tap: TemporaryAccessPass, methods: Iterable[AuthMethod], at: datetime | None = None
    ) -> Baseline:
        methods = tuple(methods)
        return cls(
            tap.id,
            at or tap.created,
            frozenset(m.id for m in methods),
            frozenset(m.kind for m in methods),
        )

    def with_pass(self, pass_id: str) -> Baseline:
        """A replacement pass keeps the original methods: what was new stays new."""
        return Baseline(pass_id, self.issued_at, self.method_ids, self.kinds)


@dataclass(frozen=True, slots=True)
class Observation:
    """One poll's answers. ``reads`` says which lists were fetched: anything else is unknown."""

    at: datetime
    reads: frozenset[GraphRead]
    methods: tuple[AuthMethod, ...] = ()
    tap: TemporaryAccessPass | None = None

    def has(self, read: GraphRead) -> bool:
        if read in self.reads:
            return True
        return read is not GraphRead.PASS and GraphRead.ALL_METHODS in self.reads

    def new_methods(self, kind: MethodKind, baseline: Baseline) -> list[AuthMethod]:
        return [m for m in self.methods if m.kind is kind and m.id not in baseline.method_ids]


@dataclass(frozen=True, slots=True)
class CheckResult:
    """``text`` is the evidence when ``met``, otherwise what the step is waiting for.

    ``known`` is False when this observation cannot answer (the list was not read, or Graph has
    no signal, as for the use of a reusable pass): the step then needs a technician's tick.
    """

    check: Check
    met: bool
    known: bool
    text: str
    method: AuthMethod | None = None


def observable(check: Check, *, usable_once: bool) -> bool:
    """Can Graph ever show this? v1.0 has no "used" signal for a reusable pass (graph-tap §6)."""
    return not (check is Check.PASS_USED and not usable_once)


_EXISTING = {
    Check.AUTHENTICATOR_ADDED: (MethodKind.AUTHENTICATOR, "Microsoft Authenticator"),
    Check.WINDOWS_HELLO_ADDED: (MethodKind.WINDOWS_HELLO, "Windows Hello for Business"),
}


def already_met(check: Check, methods: Iterable[AuthMethod]) -> CheckResult | None:
    """The check answered by a method the user had before the pass (a flow's
    ``counts_existing``): someone who already has Authenticator adds a passkey to it, and no new
    Authenticator method ever appears to tick the step."""
    kind, name = _EXISTING.get(check, (None, ""))
    found = next((m for m in methods if kind is not None and m.kind is kind), None)
    if found is None:
        return None
    where = f" on {found.display_name}" if found.display_name else ""
    return CheckResult(check, True, True, f"{name} was already on the account{where}", found)


def first_use_seen(baseline: Baseline, observation: Observation) -> bool:
    """The one-time pass from the baseline now reports ``OneTimeUsed``."""
    tap = observation.tap
    return (
        observation.has(GraphRead.PASS)
        and tap is not None
        and tap.id == baseline.pass_id
        and tap.usability_reason is UsabilityReason.ONE_TIME_USED
    )


def evaluate(check: Check, baseline: Baseline, observation: Observation) -> CheckResult:
    missing = READS_FOR_CHECK[check] - {r for r in GraphRead if observation.has(r)}
    if missing:
        return CheckResult(check, False, False, "Not checked yet")
    if check in (Check.PASS_USED, Check.PASS_REVOKED):
        return _pass_check(check, baseline, observation.tap)
    return _method_check(check, baseline, observation)


def _method_check(check: Check, baseline: Baseline, observation: Observation) -> CheckResult:
    waiting = WAITING_FOR[check]
    if check is Check.AUTHENTICATOR_ADDED:
        found = observation.new_methods(MethodKind.AUTHENTICATOR, baseline)
        if found:
            name = f" on {found[0].display_name}" if found[0].display_name else ""
            return CheckResult(check, True, True, f"Microsoft Authenticator added{name}", found[0])
        return CheckResult(check, False, True, waiting)
    if check is Check.WINDOWS_HELLO_ADDED:
        found = observation.new_methods(MethodKind.WINDOWS_HELLO, baseline)
        if found:
            name = f" on {found[0].display_name}" if found[0].display_name else ""
            return CheckResult(
                check, True, True, f"Windows Hello for Business set up{name}", found[0]
            )
        return CheckResult(check, False, True, waiting)
    passkeys = observation.new_methods(MethodKind.FIDO2, baseline)
    if check is Check.PASSKEY_ADDED:
        if passkeys:
            key = passkeys[0]
            return CheckResult(check, True, True, f"Passkey added: {_passkey_name(key)}", key)
        return CheckResult(check, False, True, waiting)
    # A passkey in Authenticator, or one that is not (a security key): the other kind is named.
    in_app = check is Check.AUTHENTICATOR_PASSKEY
    wanted = [m for m in passkeys if is_authenticator_passkey(m.aaguid) is in_app]
    if wanted:
        key = wanted[0]
        if in_app:
            return CheckResult(check, True, True, f"Passkey added in {_passkey_name(key)}", key)
        return CheckResult(check, True, True, f"Security key added: {_key_name(key)}", key)
    if passkeys:
        other = _passkey_name(passkeys[0])
        still = "one in Authenticator" if in_app else "a security key"
        return CheckResult(
            check, False, True, f"A passkey from {other} appeared; still waiting for {still}"
        )
    return CheckResult(check, False, True, waiting)


def _passkey_name(method: AuthMethod) -> str:
    name = authenticator_name(method.aaguid, method.model)
    label = (method.display_name or "").strip()
    return f"{name} ('{label}')" if label and label != name else name


def _key_name(method: AuthMethod) -> str:
    """The key as the technician checks it against the one in the new hire's hand: the model
    and the AAGUID Graph reports (the AAGUID names the model, never the single key)."""
    aaguid = (method.aaguid or "").strip().lower()
    return f"{_passkey_name(method)}, AAGUID {aaguid}" if aaguid else _passkey_name(method)


def _pass_check(check: Check, baseline: Baseline, tap: TemporaryAccessPass | None) -> CheckResult:
    ours = tap is not None and tap.id == baseline.pass_id
    if check is Check.PASS_REVOKED:
        if tap is None:
            return CheckResult(check, True, True, "No pass left on the account")
        if not ours:
            return CheckResult(check, False, True, "A newer pass is on the account")
        if tap.usability_reason is UsabilityReason.EXPIRED:
            return CheckResult(
                check, False, True, "The pass has expired but is still listed; revoke removes it"
            )
        return CheckResult(check, False, True, WAITING_FOR[check])
    if tap is None:
        return CheckResult(
            check, False, False, "The pass is no longer on the account; tick by hand"
        )
    if not ours:
        return CheckResult(check, False, False, "The pass was replaced; tick by hand")
    if tap.usability_reason is UsabilityReason.ONE_TIME_USED:
        return CheckResult(check, True, True, "The pass was used to sign in")
    if not tap.usable_once:
        return CheckResult(
            check,
            False,
            False,
            "Graph shows no use of a reusable pass; tick when the sign-in worked",
        )
    return CheckResult(check, False, True, WAITING_FOR[check])
