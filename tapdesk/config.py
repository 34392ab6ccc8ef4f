"""Settings: site TOML < user TOML < ``TAPDESK_*`` environment < command-line flags.

The site file is the administrator's (fleet installs drop it in place); the user file is the
technician's. Three rules keep the administrator in charge (README, "Configuration"):

- Knobs that weaken security (a plaintext token cache, a Graph host Microsoft does not list) are
  honoured only from the site file at the system location (``_SITE_ONLY``): never from a user
  file, an environment variable, or a site file that ``TAPDESK_HOME`` or ``XDG_CONFIG_DIRS`` moved.
- Privacy settings only tighten below the site file (``_TIGHTER``): a looser value is clamped to
  the site's, and ``Settings.notices`` says so.
- Tokens go only to the configured cloud's hosts (:func:`check_token_hosts`), checked while the
  settings load, so every command and the window refuse before anything connects.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from enum import Enum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tapdesk.core.bounded import (
    SAVE_AS_UTF8,
    NotUtf8,
    RefusedFile,
    TooLarge,
    read_bounded,
    utf8_text,
)
from tapdesk.core.passrules import API_MAX_LIFETIME, API_MIN_LIFETIME
from tapdesk.errors import ConfigError
from tapdesk.runtime.paths import CONFIG_FILE, AppPaths, system_site_config_dir


class Cloud(str, Enum):
    GLOBAL = "global"
    USGOV = "usgov"
    USGOVDOD = "usgovdod"
    CHINA = "china"

    @property
    def hosts(self) -> CloudHosts:
        return _CLOUD_HOSTS[self]

    @property
    def authority_host(self) -> str:
        return f"https://{self.hosts.sign_in[0]}"

    @property
    def graph_root(self) -> str:
        return f"https://{self.hosts.graph[0]}"


@dataclass(frozen=True)
class CloudHosts:
    sign_in: tuple[str, ...]  # Microsoft Entra ID, the token service; the first is the one used
    graph: tuple[str, ...]  # Microsoft Graph; the first is the default base URL


# The only hosts a token goes to (https, default port), from Microsoft's tables "App registration
# and token service root endpoints" and "Microsoft Graph and Graph Explorer service root
# endpoints": https://learn.microsoft.com/graph/deployments. The Graph SDKs keep the same kind of
# allow-list (Kiota's AllowedHostsValidator); theirs also holds the retired graph.microsoft.de and
# canary.graph.microsoft.com, which no tenant needs here. Any other host: the site file only.
_CLOUD_HOSTS = {
    Cloud.GLOBAL: CloudHosts(("login.microsoftonline.com",), ("graph.microsoft.com",)),
    Cloud.USGOV: CloudHosts(("login.microsoftonline.us",), ("graph.microsoft.us",)),
    Cloud.USGOVDOD: CloudHosts(("login.microsoftonline.us",), ("dod-graph.microsoft.us",)),
    Cloud.CHINA: CloudHosts(("login.chinacloudapi.cn",), ("microsoftgraph.chinacloudapi.cn",)),
}

# Least privilege for the job: read users (accountEnabled etc. need User.Read.All), read and
# write authentication methods, read the TAP policy where the tenant grants it.
DEFAULT_SCOPES = (
    "User.Read.All",
    "UserAuthenticationMethod.ReadWrite.All",
    "Policy.Read.AuthenticationMethod",
    # checkMemberGroups: is the new hire inside the policy's target groups?
    "GroupMember.Read.All",
)
# The newer per-method permission (Graph, October 2025): write passes only, read other methods.
TAP_ONLY_SCOPES = (
    "User.Read.All",
    "UserAuthMethod-TAP.ReadWrite.All",
    "UserAuthenticationMethod.Read.All",
    "Policy.Read.AuthenticationMethod",
    "GroupMember.Read.All",
)


# Shared-bench defaults: a technician away from the keyboard this long is signed out, and one
# whose last sign-in is older must sign in again to continue.
BENCH_IDLE_SIGN_OUT_MINUTES = 15
BENCH_SIGN_IN_MAX_AGE_MINUTES = 60


class QrPayload(str, Enum):
    PASS = "pass"  # noqa: S105 - the pass itself, for a phone to read
    SIGNIN = "signin"  # the sign-in page with the user's login hint


@dataclass(frozen=True)
class Origin:
    """Where a setting's value came from, in the words a technician looks for it with."""

    layer: str  # "site", "user", "environment" or "command line"
    key: str  # as written there: "tenant.graph_url", "TAPDESK_GRAPH_URL", "cloud"
    path: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        if self.path is None:
            return f"{self.key} ({self.layer})"
        return f"{self.key} in {self.path}" + (f" line {self.line}" if self.line else "")

    def error(self, message: str, hint: str) -> ConfigError:
        return ConfigError(message, path=self.path, line=self.line, key=self.key, hint=hint)

    def undo(self) -> str:
        """How to take this value back, as the start of a hint."""
        if self.layer == "environment":
            return f"Unset the environment variable {self.key}"
        if self.path:
            return f"Remove {self.key} from {self.path}"
        return f"Drop the {self.key} setting"


@dataclass(frozen=True)
class Settings:
    tenant_id: str | None = None
    client_id: str | None = None
    cloud: Cloud = Cloud.GLOBAL
    graph_url: str | None = None  # full base including version, e.g. https://host/v1.0
    allowed_graph_host: str | None = None  # site file only: a Graph proxy tokens may go to
    access_token: str | None = field(default=None, repr=False)
    default_lifetime_minutes: int | None = None
    default_one_time: bool | None = None
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    tap_only_permission: bool = False
    broker: bool = True
    allow_plaintext_cache: bool = False
    # Site only: issue even when the audit trail cannot be written (every issue then says so).
    allow_issue_without_trail: bool = False
    clipboard_clear_seconds: int = 30
    hide_after_seconds: int = 120
    mask_until_revealed: bool = False
    qr_payload: QrPayload = QrPayload.PASS
    large_text: bool = False
    # A bench several technicians share: who is at the keyboard is asked, not assumed.
    shared_bench: bool = False
    idle_sign_out_minutes: int | None = None  # None: 15 on a shared bench, else off
    sign_in_max_age_minutes: int | None = None  # None: 60 on a shared bench, else not asked
    demo: bool = False
    # The demo tenant answers from a child process over loopback HTTP, not on our own threads.
    demo_process: bool = False
    sources: tuple[str, ...] = ()
    origins: tuple[tuple[str, Origin], ...] = ()  # field name -> where its value came from
    notices: tuple[str, ...] = ()  # settings held to the site file's (say once, visibly)
    # The site file's values of the tighten-only settings (see :func:`tightened`).
    site_values: tuple[tuple[str, Any], ...] = ()

    def origin(self, name: str) -> Origin | None:
        return dict(self.origins).get(name)

    @property
    def graph_base_url(self) -> str:
        return self.graph_url or f"{self.cloud.graph_root}/v1.0"

    @property
    def authority(self) -> str | None:
        if not self.tenant_id:
            return None
        return f"{self.cloud.authority_host}/{self.tenant_id}"

    @property
    def tenant_name(self) -> str:
        """How the window names the tenant it works in (its header, the audit view)."""
        return "Demo tenant" if self.demo else (self.tenant_id or "")

    @property
    def tenant_configured(self) -> bool:
        return bool(self.tenant_id and self.client_id) or bool(self.access_token)

    @property
    def sign_out_after_idle_minutes(self) -> int:
        """Minutes without a key or click until the technician is signed out (0: never)."""
        if self.idle_sign_out_minutes is not None:
            return self.idle_sign_out_minutes
        return BENCH_IDLE_SIGN_OUT_MINUTES if self.shared_bench else 0

    @property
    def fresh_sign_in_minutes(self) -> int | None:
        """On a shared bench, how recent the technician's last interactive sign-in must be to
        continue with one click; older asks Entra for a fresh one (``max_age``). None: not a
        shared bench, a saved sign-in is used without asking."""
        if not self.shared_bench:
            return None
        if self.sign_in_max_age_minutes is not None:
            return self.sign_in_max_age_minutes
        return BENCH_SIGN_IN_MAX_AGE_MINUTES

    def graph_scopes(self) -> list[str]:
        """Scopes qualified with the cloud's Graph resource (required outside the global cloud)."""
        chosen = (
            TAP_ONLY_SCOPES
            if self.tap_only_permission and self.scopes == DEFAULT_SCOPES
            else self.scopes
        )
        root = self.cloud.graph_root
        return [s if "://" in s else f"{root}/{s}" for s in chosen]


# --- the file format -------------------------------------------------------------------------
# (section, key) -> (Settings field, kind); kind drives validation.
_FILE_KEYS: dict[tuple[str, str], tuple[str, str]] = {
    ("tenant", "id"): ("tenant_id", "tenant"),
    ("tenant", "client_id"): ("client_id", "guid"),
    ("tenant", "cloud"): ("cloud", "cloud"),
    ("tenant", "graph_url"): ("graph_url", "url"),
    ("tenant", "allowed_graph_host"): ("allowed_graph_host", "host"),
    ("issue", "default_lifetime_minutes"): ("default_lifetime_minutes", "lifetime"),
    ("issue", "default_one_time"): ("default_one_time", "bool"),
    ("auth", "scopes"): ("scopes", "scopes"),
    ("auth", "tap_only_permission"): ("tap_only_permission", "bool"),
    ("auth", "broker"): ("broker", "bool"),
    ("auth", "allow_plaintext_cache"): ("allow_plaintext_cache", "bool"),
    ("audit", "allow_issue_without_trail"): ("allow_issue_without_trail", "bool"),
    ("privacy", "clipboard_clear_seconds"): ("clipboard_clear_seconds", "seconds"),
    ("privacy", "hide_after_seconds"): ("hide_after_seconds", "seconds"),
    ("privacy", "mask_until_revealed"): ("mask_until_revealed", "bool"),
    ("privacy", "qr_payload"): ("qr_payload", "qr"),
    ("display", "large_text"): ("large_text", "bool"),
    ("bench", "shared"): ("shared_bench", "bool"),
    ("bench", "idle_sign_out_minutes"): ("idle_sign_out_minutes", "minutes"),
    ("bench", "sign_in_max_age_minutes"): ("sign_in_max_age_minutes", "minutes"),
}
# Keys that relax security: honoured only from the site file at the system location.
_SITE_ONLY = {"allow_plaintext_cache", "allowed_graph_host", "allow_issue_without_trail"}


def _sooner(site: int, other: int) -> int:
    """The sooner of two timers; 0 turns a timer off, so it is the loosest."""
    return min(site, other) if site and other else site or other


def _safer_qr(site: QrPayload, other: QrPayload) -> QrPayload:
    # The sign-in page keeps the pass itself out of every camera roll.
    return QrPayload.SIGNIN if QrPayload.SIGNIN in (site, other) else QrPayload.PASS


# Privacy settings that only tighten below the site file: key -> the tighter of two values.
_TIGHTER: dict[str, Callable[[Any, Any], Any]] = {
    "clipboard_clear_seconds": _sooner,
    "hide_after_seconds": _sooner,
    "mask_until_revealed": lambda site, other: bool(site or other),
    "qr_payload": _safer_qr,
    "shared_bench": lambda site, other: bool(site or other),
    "idle_sign_out_minutes": _sooner,
    "sign_in_max_age_minutes": min,  # 0 is the strictest here: a fresh sign-in every time
}


def tightened(settings: Settings, name: str, value: Any) -> Any:
    """``value`` as tapdesk would use it below the site file: the site's value where ``value``
    is looser (the rule :func:`load_settings` applies; the Settings dialog offers no more)."""
    site = dict(settings.site_values)
    if name not in site or name not in _TIGHTER:
        return value
    return _TIGHTER[name](site[name], value)


def file_key(name: str) -> tuple[str, str]:
    """Where a Settings field is written in a tapdesk.toml: (section, key)."""
    for place, (field_name, _kind) in _FILE_KEYS.items():
        if field_name == name:
            return place
    raise KeyError(name)


_ENV_KEYS: dict[str, tuple[str, str]] = {
    "TAPDESK_TENANT_ID": ("tenant_id", "tenant"),
    "TAPDESK_CLIENT_ID": ("client_id", "guid"),
    "TAPDESK_CLOUD": ("cloud", "cloud"),
    "TAPDESK_GRAPH_URL": ("graph_url", "url"),
    "TAPDESK_ACCESS_TOKEN": ("access_token", "token"),
    "TAPDESK_DEFAULT_LIFETIME": ("default_lifetime_minutes", "lifetime"),
    "TAPDESK_DEFAULT_ONE_TIME": ("default_one_time", "bool"),
    "TAPDESK_SCOPES": ("scopes", "scopes"),
    "TAPDESK_BROKER": ("broker", "bool"),
    "TAPDESK_CLIPBOARD_CLEAR_SECONDS": ("clipboard_clear_seconds", "seconds"),
    "TAPDESK_HIDE_AFTER_SECONDS": ("hide_after_seconds", "seconds"),
    "TAPDESK_QR_PAYLOAD": ("qr_payload", "qr"),
    "TAPDESK_LARGE_TEXT": ("large_text", "bool"),
    "TAPDESK_SHARED_BENCH": ("shared_bench", "bool"),
    "TAPDESK_IDLE_SIGN_OUT_MINUTES": ("idle_sign_out_minutes", "minutes"),
    "TAPDESK_SIGN_IN_MAX_AGE_MINUTES": ("sign_in_max_age_minutes", "minutes"),
    "TAPDESK_DEMO_PROCESS": ("demo_process", "bool"),
}

_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-zA-Z0-9-]{1,63}\.)+[a-zA-Z]{2,63}$")


def _convert(kind: str, value: Any) -> Any:
    """Validate one value; raise ValueError with a technician-readable reason."""
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in {"1", "true", "yes", "on"}:
            return True
        if isinstance(value, str) and value.strip().lower() in {"0", "false", "no", "off"}:
            return False
        raise ValueError("expected true or false")
    if kind in {"lifetime", "seconds", "minutes"}:
        if isinstance(value, bool):
            raise ValueError("expected a whole number")
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValueError("expected a whole number") from None
        if kind == "lifetime" and not API_MIN_LIFETIME <= number <= API_MAX_LIFETIME:
            raise ValueError(f"a pass lifetime is {API_MIN_LIFETIME} to {API_MAX_LIFETIME} minutes")
        if kind == "seconds" and not 0 <= number <= 86400:
            raise ValueError("expected 0 to 86400 seconds (0 turns the timer off)")
        if kind == "minutes" and not 0 <= number <= 1440:
            raise ValueError("expected 0 to 1440 minutes")
        return number
    if kind == "cloud":
        try:
            return Cloud(str(value).strip().lower())
        except ValueError:
            raise ValueError(f"expected one of {', '.join(c.value for c in Cloud)}") from None
    if kind == "qr":
        try:
            return QrPayload(str(value).strip().lower())
        except ValueError:
            raise ValueError("expected 'pass' or 'signin'") from None
    if kind == "scopes":
        items = value if isinstance(value, list) else re.split(r"[\s,]+", str(value))
        scopes = tuple(str(s).strip() for s in items if str(s).strip())
        if not scopes:
            raise ValueError("expected at least one scope")
        return scopes
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a non-empty string")
    text = value.strip()
    if kind == "guid" and not _GUID.match(text):
        raise ValueError("expected a GUID like 00000000-0000-0000-0000-000000000000")
    if kind == "tenant" and not (_GUID.match(text) or _DOMAIN.match(text)):
        raise ValueError("expected the tenant GUID or its domain (contoso.onmicrosoft.com)")
    if kind == "url":
        return check_graph_url(text)
    if kind == "host":
        if not _DOMAIN.match(text):
            raise ValueError("expected a host name like graph-proxy.contoso.com")
        return text.lower()
    return text


def check_graph_url(url: str) -> str:
    """https anywhere; plain http only for loopback hosts (a local test server).

    The form only: which hosts may receive a token is :func:`check_token_hosts`'s decision.
    """
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url.rstrip("/")
    if parts.scheme == "http" and parts.hostname and _is_loopback(parts.hostname):
        return url.rstrip("/")
    raise ValueError("must be an https:// URL (plain http:// only for localhost/127.0.0.1)")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _line_of(text: str, section: str, key: str) -> int | None:
    """Where ``key`` is set under ``[section]`` (tomllib reports no lines for valid TOML)."""
    current = ""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.match(r"^\[\s*([A-Za-z0-9_.\-]+)\s*\]", stripped)
        if header:
            current = header.group(1)
            if key == section == current:  # where an unknown table starts
                return number
            continue
        if current == section and re.match(rf"^{re.escape(key)}\s*=", stripped):
            return number
        if current == "" and re.match(rf"^{re.escape(section)}\s*=", stripped):
            return number
    return None


MAX_CONFIG_BYTES = 256 * 1024  # a real configuration is a few hundred bytes


def _refused(path: Path, exc: RefusedFile) -> ConfigError:
    if isinstance(exc, TooLarge):
        hint = "A tapdesk configuration is a few lines of TOML: is this the right file?"
    else:
        hint = "Make it a regular TOML file (a symbolic link to one is fine)."
    return ConfigError(str(exc), path=str(path), hint=hint)


def _not_utf8(path: Path, exc: NotUtf8) -> ConfigError:
    if exc.utf16:
        return ConfigError("is saved as UTF-16, not UTF-8", path=str(path), hint=SAVE_AS_UTF8)
    return ConfigError("is not UTF-8 text", path=str(path), line=exc.line, hint=SAVE_AS_UTF8)


def read_file(
    path: Path,
    *,
    site: bool,
    moved_by: str | None = None,
    origins: dict[str, Origin] | None = None,
) -> dict[str, Any]:
    """Parse one TOML file into Settings field values.

    ``moved_by``: what moved the site file off the system location (its relaxing keys are then
    refused). ``origins`` collects where each value was set.
    """
    try:
        raw = read_bounded(path, MAX_CONFIG_BYTES)
    except FileNotFoundError:
        return {}
    except RefusedFile as exc:
        raise _refused(path, exc) from None
    except OSError as exc:
        raise ConfigError(f"cannot be read ({exc.__class__.__name__})", path=str(path)) from None
    try:
        text = utf8_text(raw)
    except NotUtf8 as exc:
        raise _not_utf8(path, exc) from None
    import tomllib  # only where a file exists: a first start without one does without it

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        raise ConfigError(
            f"is not valid TOML: {str(exc).split(' (at')[0]}",
            path=str(path),
            line=line,
            hint="Fix the syntax (TOML: key = value, strings in quotes).",
        ) from None
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise ConfigError(
            "nests arrays or tables too deeply to be read",
            path=str(path),
            hint="Settings are plain values: key = value, strings in quotes.",
        ) from None
    values: dict[str, Any] = {}
    sections = {s for s, _ in _FILE_KEYS}
    for section, table in data.items():
        if section not in sections or not isinstance(table, dict):
            raise ConfigError(
                "unknown section",
                path=str(path),
                line=_line_of(text, section, section),
                key=section,
                hint=_suggest(section, sections, "Known sections"),
            )
        for key, raw in table.items():
            known_keys = {k for s, k in _FILE_KEYS if s == section}
            line = _line_of(text, section, key)
            if (section, key) not in _FILE_KEYS:
                raise ConfigError(
                    "unknown key",
                    path=str(path),
                    line=line,
                    key=f"{section}.{key}",
                    hint=_suggest(key, known_keys, f"Keys in [{section}]"),
                )
            name, kind = _FILE_KEYS[(section, key)]
            if name in _SITE_ONLY and not site:
                raise ConfigError(
                    "can only be set by an administrator in the site configuration",
                    path=str(path),
                    line=line,
                    key=f"{section}.{key}",
                    hint="Remove it from this file; ask IT to set it in the site tapdesk.toml.",
                )
            try:
                values[name] = _convert(kind, raw)
            except ValueError as exc:
                raise ConfigError(
                    str(exc), path=str(path), line=line, key=f"{section}.{key}"
                ) from None
            where = Origin("site" if site else "user", f"{section}.{key}", str(path), line)
            if name in _SITE_ONLY and moved_by and values[name] != getattr(Settings(), name):
                raise where.error(*_moved_site_refusal(moved_by))
            if origins is not None:
                origins[name] = where
    return values


def _moved_site_refusal(moved_by: str) -> tuple[str, str]:
    system = system_site_config_dir() / CONFIG_FILE
    return (
        f"relaxes security, which only the site file at the system location may do; "
        f"{moved_by} moved this one.",
        f"Set it in {system} (administrators only), or remove it from this file.",
    )


def _line_from_message(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def _suggest(word: str, choices: set[str], label: str) -> str:
    import difflib  # only for a mistake in a settings file

    close = difflib.get_close_matches(word, sorted(choices), n=1)
    listing = f"{label}: {', '.join(sorted(choices))}."
    return f"Did you mean '{close[0]}'? {listing}" if close else listing


def read_env(env: Mapping[str, str], origins: dict[str, Origin] | None = None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for var, (name, kind) in _ENV_KEYS.items():
        raw = env.get(var)
        if raw is None or raw == "":
            continue
        try:
            values[name] = _convert(kind, raw)
        except ValueError as exc:
            raise ConfigError(
                f"{exc}", key=var, hint=f"Fix or unset the environment variable {var}."
            ) from None
        if origins is not None:
            origins[name] = Origin("environment", var)
    return values


def load_settings(
    paths: AppPaths | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Merge the layers, hold privacy settings to the site's and refuse a Graph host the token
    must not reach. ``overrides`` come from command-line flags (already typed)."""
    paths = paths or AppPaths.default(env)
    env = os.environ if env is None else env
    site_origins: dict[str, Origin] = {}
    site = read_file(paths.site_file, site=True, moved_by=paths.site_moved_by, origins=site_origins)
    origins = dict(site_origins)
    merged = {**site, **read_file(paths.user_file, site=False, origins=origins)}
    sources = [str(p) for p in (paths.site_file, paths.user_file) if p.exists()]
    env_layer = read_env(env, origins)
    if env_layer:
        sources.append("environment")
    # Site-only keys never come from a flag either, should a flag ever name one.
    flags = {k: v for k, v in (overrides or {}).items() if v is not None and k not in _SITE_ONLY}
    origins.update({k: Origin("command line", k) for k in flags})
    merged.update({**env_layer, **flags})
    notices = _hold_to_site(site, merged, origins, site_origins)
    known = {f.name for f in fields(Settings)}
    settings = replace(
        Settings(),
        **{k: v for k, v in merged.items() if k in known},
        sources=tuple(sources),
        origins=tuple(origins.items()),
        notices=tuple(notices),
        site_values=tuple((name, site[name]) for name in _TIGHTER if name in site),
    )
    check_token_hosts(settings)
    return settings


def reread(settings: Settings, paths: AppPaths, env: Mapping[str, str] | None = None) -> Settings:
    """The layers read again (the user file has changed), with the command-line flags that
    made ``settings``: they still win, as they did at the start."""
    flags = {
        name: getattr(settings, name)
        for name, origin in settings.origins
        if origin.layer == "command line"
    }
    return load_settings(paths, env, flags)


def _hold_to_site(
    site: Mapping[str, Any],
    merged: dict[str, Any],
    origins: dict[str, Origin],
    site_origins: Mapping[str, Origin],
) -> list[str]:
    """Below the site file a privacy setting may only tighten: a looser value gets the site's.

    Not an error: the technician keeps working, with the administrator's value, and is told.
    """
    notices = []
    for name, tighter in _TIGHTER.items():
        if name not in site or tighter(site[name], merged[name]) == merged[name]:
            continue
        notices.append(
            f"{origins[name]} asks for {name} = {_shown(merged[name])}, looser than the site "
            f"file's {_shown(site[name])}: the site's value is used."
        )
        merged[name], origins[name] = site[name], site_origins[name]
    return notices


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value.value if isinstance(value, Enum) else value)


# --- where tokens may go ---------------------------------------------------------------------
def check_token_hosts(settings: Settings) -> None:
    """Refuse, before anything connects, a Graph URL the token must not be sent to.

    Allowed: the cloud's Graph hosts and the site file's ``allowed_graph_host`` (https, default
    port); a loopback server only for the demo tenant or a token from TAPDESK_ACCESS_TOKEN, never
    a signed-in technician's. The sign-in authority has no setting: it comes from the cloud table.
    """
    if settings.graph_url is None:
        return
    problem = _graph_url_problem(settings, settings.graph_url)
    if problem is None:
        return
    origin = settings.origin("graph_url") or Origin("settings", "graph_url")
    raise origin.error(
        problem,
        f"{origin.undo()} to use {settings.cloud.graph_root}; a Graph proxy must be named by IT "
        "in the site file ([tenant] allowed_graph_host).",
    )


def _graph_url_problem(settings: Settings, url: str) -> str | None:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not _PLAIN_NETLOC.fullmatch(parts.netloc):
        # No user name, password, escapes or backslashes: nothing that httpx could read as
        # another host than the one checked here.
        return "must name its host plainly (https://host/path, no user name or password)."
    if _is_loopback(host):
        if settings.demo or settings.access_token:
            return None
        return (
            f"would send the signed-in technician's token to the local server {host}; a local "
            "server is only for the demo tenant or a TAPDESK_ACCESS_TOKEN token."
        )
    if host not in settings.cloud.hosts.graph and host != settings.allowed_graph_host:
        listed = ", ".join(settings.cloud.hosts.graph)
        return (
            f"would send the token to {host}, which is not a Microsoft Graph host of the "
            f"{settings.cloud.value} cloud ({listed})."
        )
    if parts.scheme != "https" or _port(url) not in {None, 443}:
        return f"must be https:// on the default port to reach {host}."
    return None


_PLAIN_NETLOC = re.compile(r"(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")


def _port(url: str) -> int | None:
    try:
        return urlsplit(url).port
    except ValueError:  # out of range or not a number
        return -1


def moved_site_notice(paths: AppPaths) -> str | None:
    """What to say when the site file is not IT's at the system location (None: it is)."""
    if paths.site_is_system:
        return None
    system = system_site_config_dir() / CONFIG_FILE
    return (
        f"The site file is read from {paths.site_file}, not {system}: {paths.site_moved_by} "
        "moved it, so it may tighten settings but not relax them."
    )
