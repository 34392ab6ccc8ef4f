"""Settings: site TOML < user TOML < ``TAPDESK_*`` environment < command-line flags.

The site file is the administrator's (fleet installs drop it in place); the user file is the
technician's. A few knobs that weaken security (a plaintext token cache) are honoured only from
the site file, so neither a user file nor an environment variable can switch them on.
"""

from __future__ import annotations

import difflib
import ipaddress
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from enum import Enum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tapdesk.core.passrules import API_MAX_LIFETIME, API_MIN_LIFETIME
from tapdesk.errors import ConfigError
from tapdesk.runtime.paths import AppPaths


class Cloud(str, Enum):
    GLOBAL = "global"
    USGOV = "usgov"
    USGOVDOD = "usgovdod"
    CHINA = "china"

    @property
    def authority_host(self) -> str:
        return _CLOUD_HOSTS[self][0]

    @property
    def graph_root(self) -> str:
        return _CLOUD_HOSTS[self][1]


_CLOUD_HOSTS = {
    Cloud.GLOBAL: ("https://login.microsoftonline.com", "https://graph.microsoft.com"),
    Cloud.USGOV: ("https://login.microsoftonline.us", "https://graph.microsoft.us"),
    Cloud.USGOVDOD: ("https://login.microsoftonline.us", "https://dod-graph.microsoft.us"),
    Cloud.CHINA: ("https://login.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn"),
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


class QrPayload(str, Enum):
    PASS = "pass"  # noqa: S105 - the pass itself, for a phone to read
    SIGNIN = "signin"  # the sign-in page with the user's login hint


@dataclass(frozen=True)
class Settings:
    tenant_id: str | None = None
    client_id: str | None = None
    cloud: Cloud = Cloud.GLOBAL
    graph_url: str | None = None  # full base including version, e.g. https://host/v1.0
    access_token: str | None = field(default=None, repr=False)
    default_lifetime_minutes: int | None = None
    default_one_time: bool | None = None
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    tap_only_permission: bool = False
    broker: bool = True
    allow_plaintext_cache: bool = False
    clipboard_clear_seconds: int = 30
    hide_after_seconds: int = 120
    mask_until_revealed: bool = False
    qr_payload: QrPayload = QrPayload.PASS
    large_text: bool = False
    demo: bool = False
    sources: tuple[str, ...] = ()

    @property
    def graph_base_url(self) -> str:
        return self.graph_url or f"{self.cloud.graph_root}/v1.0"

    @property
    def authority(self) -> str | None:
        if not self.tenant_id:
            return None
        return f"{self.cloud.authority_host}/{self.tenant_id}"

    @property
    def tenant_configured(self) -> bool:
        return bool(self.tenant_id and self.client_id) or bool(self.access_token)

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
    ("issue", "default_lifetime_minutes"): ("default_lifetime_minutes", "lifetime"),
    ("issue", "default_one_time"): ("default_one_time", "bool"),
    ("auth", "scopes"): ("scopes", "scopes"),
    ("auth", "tap_only_permission"): ("tap_only_permission", "bool"),
    ("auth", "broker"): ("broker", "bool"),
    ("auth", "allow_plaintext_cache"): ("allow_plaintext_cache", "bool"),
    ("privacy", "clipboard_clear_seconds"): ("clipboard_clear_seconds", "seconds"),
    ("privacy", "hide_after_seconds"): ("hide_after_seconds", "seconds"),
    ("privacy", "mask_until_revealed"): ("mask_until_revealed", "bool"),
    ("privacy", "qr_payload"): ("qr_payload", "qr"),
    ("display", "large_text"): ("large_text", "bool"),
}
_SITE_ONLY = {"allow_plaintext_cache"}

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
    if kind in {"lifetime", "seconds"}:
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
    return text


def check_graph_url(url: str) -> str:
    """https anywhere; plain http only for loopback hosts (a local test server)."""
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
            continue
        if current == section and re.match(rf"^{re.escape(key)}\s*=", stripped):
            return number
        if current == "" and re.match(rf"^{re.escape(section)}\s*=", stripped):
            return number
    return None


def read_file(path: Path, *, site: bool) -> dict[str, Any]:
    """Parse one TOML file into Settings field values."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot be read ({exc.__class__.__name__})", path=str(path)) from None
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
    return values


def _line_from_message(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def _suggest(word: str, choices: set[str], label: str) -> str:
    close = difflib.get_close_matches(word, sorted(choices), n=1)
    listing = f"{label}: {', '.join(sorted(choices))}."
    return f"Did you mean '{close[0]}'? {listing}" if close else listing


def read_env(env: Mapping[str, str]) -> dict[str, Any]:
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
    return values


def load_settings(
    paths: AppPaths | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Merge the layers. ``overrides`` come from command-line flags (already typed)."""
    paths = paths or AppPaths.default(env)
    env = os.environ if env is None else env
    merged: dict[str, Any] = {}
    sources: list[str] = []
    for path, site in ((paths.site_file, True), (paths.user_file, False)):
        layer = read_file(path, site=site)
        if path.exists():
            sources.append(str(path))
        merged.update(layer)
    env_layer = read_env(env)
    if env_layer:
        sources.append("environment")
    merged.update(env_layer)
    merged.update({k: v for k, v in (overrides or {}).items() if v is not None})
    known = {f.name for f in fields(Settings)}
    return replace(
        Settings(), **{k: v for k, v in merged.items() if k in known}, sources=tuple(sources)
    )
