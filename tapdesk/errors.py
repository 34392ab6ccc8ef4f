"""The one error tree a technician can see.

Every error that reaches a person derives from :class:`TapdeskError`: a short title, a message in
the technician's words, a hint that names the fix, and Graph's ``request-id`` where there is one.
The CLI maps each family to a documented exit code; the window shows title, message, hint and
request-id inline. Messages never carry a pass or a token: they are built from fixed text and
identifiers (UPNs, ids, numbers), never from request bodies.

    TapdeskError
    ├── UsageError                 bad input on our side (flags, UPN, lifetime syntax)
    │   └── ConfigError            a config file or setting is invalid (file, line, key)
    ├── SignInRequired             no usable token: sign in (again)
    ├── NotPermitted               403: role, consent or target the technician may not act on
    │   ├── ConsentRequired        the app lacks an admin-consented permission
    │   └── AdminTargetError       the target holds a role that needs a privileged technician
    ├── NotFound                   the user (or pass) does not exist
    ├── PolicyViolation            the tenant's TAP policy refuses the request
    │   ├── PolicyDisabled
    │   ├── NotInPolicyScope
    │   ├── LifetimeOutOfRange
    │   ├── OneTimeForced
    │   ├── StartInPast
    │   └── ExternalGuest
    ├── TemporaryFailure           worth retrying later
    │   ├── Throttled              429 after our own retries
    │   ├── Offline                no network, DNS, TLS or proxy failure, timeout
    │   └── ServiceUnavailable     5xx after our own retries
    ├── GraphError                 any other Graph error (unexpected status or payload)
    ├── AuthError                  sign-in failed (MSAL error, cancelled, timed out)
    └── StorageError               keyring, token cache or database trouble
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes of the CLI, documented in the README."""

    OK = 0
    ERROR = 1
    USAGE = 2
    CONFIG = 3
    SIGN_IN_REQUIRED = 4
    NOT_PERMITTED = 5
    NOT_FOUND = 6
    POLICY = 7
    TEMPORARY = 8
    INTERRUPTED = 130


class TapdeskError(Exception):
    """Root of every error a technician can see."""

    title = "Something went wrong"
    exit_code = ExitCode.ERROR

    def __init__(
        self,
        message: str,
        *,
        hint: str = "",
        title: str | None = None,
        request_id: str | None = None,
        status: int | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        if title is not None:
            self.title = title
        self.request_id = request_id
        self.status = status
        self.code = code

    def one_line(self) -> str:
        """The single line the CLI prints: message, hint and request-id."""
        parts = [f"{self.title}: {self.message}"]
        if self.hint:
            parts.append(self.hint)
        if self.request_id:
            parts.append(f"(request-id {self.request_id})")
        return " ".join(parts)

    def __str__(self) -> str:
        return self.one_line()


class UsageError(TapdeskError):
    title = "Check the input"
    exit_code = ExitCode.USAGE


class ConfigError(UsageError):
    title = "Configuration problem"
    exit_code = ExitCode.CONFIG

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        key: str | None = None,
        hint: str = "",
    ) -> None:
        where = []
        if path:
            where.append(str(path))
        if line:
            where.append(f"line {line}")
        if key:
            where.append(f"key '{key}'")
        full = f"{', '.join(where)}: {message}" if where else message
        if not full.endswith((".", "?", "!")):  # a sentence, so the hint after it reads apart
            full += "."
        super().__init__(full, hint=hint)
        self.reason = message  # the problem without its place, to restate it of another file
        self.path = path
        self.line = line
        self.key = key


class SignInRequired(TapdeskError):
    title = "Sign-in needed"
    exit_code = ExitCode.SIGN_IN_REQUIRED


class NotPermitted(TapdeskError):
    title = "Not permitted"
    exit_code = ExitCode.NOT_PERMITTED


class ConsentRequired(NotPermitted):
    title = "Administrator consent needed"


class AdminTargetError(NotPermitted):
    title = "Privileged role needed"


class NotFound(TapdeskError):
    title = "Not found"
    exit_code = ExitCode.NOT_FOUND


class PolicyViolation(TapdeskError):
    title = "Outside the pass policy"
    exit_code = ExitCode.POLICY


class PolicyDisabled(PolicyViolation):
    title = "Temporary Access Pass is switched off"


class NotInPolicyScope(PolicyViolation):
    title = "User not in the pass policy"


class LifetimeOutOfRange(PolicyViolation):
    title = "Lifetime outside the policy"


class OneTimeForced(PolicyViolation):
    title = "Policy allows one-time passes only"


class StartInPast(PolicyViolation):
    title = "Start time in the past"


class ExternalGuest(PolicyViolation):
    title = "External guest"


class AccountDisabled(PolicyViolation):
    title = "Account disabled"


class TemporaryFailure(TapdeskError):
    title = "Try again shortly"
    exit_code = ExitCode.TEMPORARY


class Throttled(TemporaryFailure):
    title = "Microsoft Graph is throttling"
    retry_after: float | None = None  # seconds Graph asked us to wait (Retry-After), if it said


class Offline(TemporaryFailure):
    title = "Cannot reach Microsoft"


class ServiceUnavailable(TemporaryFailure):
    title = "Microsoft Graph is unavailable"


class GraphError(TapdeskError):
    title = "Microsoft Graph error"


class AuthError(TapdeskError):
    title = "Sign-in failed"
    exit_code = ExitCode.SIGN_IN_REQUIRED


class StorageError(TapdeskError):
    title = "Storage problem"


class TrailUnavailable(StorageError):
    """The audit trail cannot record what would be done, so it was not done (fail closed)."""

    title = "No audit trail"


class SessionNotSaved(TrailUnavailable):
    """A new checklist could not be stored before its pass was asked for: nothing was asked."""
