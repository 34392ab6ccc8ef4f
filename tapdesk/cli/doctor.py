"""``tapdesk doctor``: is this machine ready to issue passes? One line per check."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TextIO
from urllib.parse import urlsplit, urlunsplit
from urllib.request import getproxies, getproxies_environment

import httpx
import keyring
import keyring.backend

from tapdesk.app.services import Services
from tapdesk.auth import CacheProtection
from tapdesk.auth.cache import KEYRING_FIX
from tapdesk.auth.strategies import broker_problem
from tapdesk.cli import output
from tapdesk.config import Settings, moved_site_notice

SKEW_WARN_SECONDS = 300  # Entra tolerates about 5 minutes of clock skew


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # "ok", "warn" or "fail"
    detail: str


def _config(services: Services) -> list[Check]:
    s, paths = services.settings, services.paths
    if s.sources:
        checks = [Check("config", "ok", f"read from {', '.join(s.sources)}")]
    else:
        looked = f"no {paths.site_file} (site) or {paths.user_file} (user)"
        checks = [Check("config", "ok", f"defaults only: {looked}")]
    if s.client_id and set(s.client_id) <= {"0", "-"}:
        checks.append(
            Check(
                "tenant",
                "fail",
                "client_id is the example's all-zero placeholder: set your app registration's id",
            )
        )
    if s.demo:
        own = ", served by a process of its own" if services.demo_server else ""
        checks.append(Check("tenant", "ok", f"demo tenant (training; no real passes){own}"))
    elif s.access_token:
        checks.append(
            Check("tenant", "ok", f"token from TAPDESK_ACCESS_TOKEN, Graph at {s.graph_base_url}")
        )
    elif s.tenant_id and s.client_id:
        checks.append(
            Check("tenant", "ok", f"{s.tenant_id} ({s.cloud.value} cloud), client {s.client_id}")
        )
    else:
        missing = " and ".join(
            n for n, v in (("tenant id", s.tenant_id), ("client id", s.client_id)) if not v
        )
        checks.append(
            Check(
                "tenant",
                "fail",
                f"{missing} not set: set [tenant] id and client_id in tapdesk.toml, or use --demo",
            )
        )
    if s.allow_plaintext_cache:
        where = s.origin("allow_plaintext_cache") or "the site file"
        checks.append(Check("policy", "warn", f"a plaintext token cache is allowed by {where}"))
    bench = _bench(s)
    if bench:
        checks.append(Check("bench", "ok", bench))
    return checks + _overrides(services)


def _bench(s: Settings) -> str:
    """What a shared bench (or an idle sign-out set alone) does, in the technician's words."""
    parts = ["shared: asks who is at the keyboard"] if s.shared_bench else []
    if s.sign_out_after_idle_minutes:
        parts.append(f"signs out after {s.sign_out_after_idle_minutes} min without activity")
    fresh = s.fresh_sign_in_minutes
    if fresh is not None:
        parts.append(f"continuing needs a sign-in at most {fresh} min old")
    return "; ".join(parts)


def _overrides(services: Services) -> list[Check]:
    """Whatever moves tapdesk off its defaults for trust, each with where it came from. A host
    the token must not reach never gets here: loading the settings refused it."""
    s = services.settings
    checks = [Check("privacy", "warn", notice) for notice in s.notices]
    moved = moved_site_notice(services.paths)
    if moved:
        checks.append(Check("site", "warn", moved))
    if s.graph_url and not s.demo:  # the demo tenant's Graph never leaves the process
        checks.append(
            Check("graph_url", "warn", f"{s.graph_url} from {s.origin('graph_url')}: {_why(s)}")
        )
    elif s.allowed_graph_host:
        checks.append(
            Check(
                "graph_url",
                "warn",
                f"{s.allowed_graph_host} may receive tokens ({s.origin('allowed_graph_host')}); "
                "not in use",
            )
        )
    return checks


def _why(s: Settings) -> str:
    """Why an overridden Graph URL was accepted (check_token_hosts decided it may be)."""
    host = (urlsplit(s.graph_url or "").hostname or "").lower()
    if host in s.cloud.hosts.graph:
        return f"a Microsoft Graph host of the {s.cloud.value} cloud"
    if host == s.allowed_graph_host:
        return f"allowed by {s.origin('allowed_graph_host')}"
    return "a local server, accepted for the demo tenant or a TAPDESK_ACCESS_TOKEN token only"


def _keyring(backend: keyring.backend.KeyringBackend | None) -> Check:
    try:
        chosen = backend or keyring.get_keyring()
        name = f"{type(chosen).__module__}.{type(chosen).__name__}"
        priority = float(getattr(type(chosen), "priority", 0))
    except Exception as exc:  # keyring backends raise many things while probing
        return Check(
            "keyring", "warn", f"unavailable ({type(exc).__name__}): tokens kept in memory only"
        )
    if priority <= 0 or "fail" in name or "null" in name:
        return Check(
            "keyring", "warn", f"{name} is not usable: tokens kept in memory, sign in each session"
        )
    if "Plaintext" in name:
        return Check("keyring", "warn", f"{name} stores secrets unencrypted on disk")
    return Check("keyring", "ok", name)


def _reach(http: httpx.Client, name: str, url: str, now: datetime) -> list[Check]:
    try:
        response = http.get(url, timeout=10.0)
    except httpx.TransportError as exc:
        return [Check(name, "fail", f"{url} unreachable ({type(exc).__name__})")]
    checks = [Check(name, "ok", f"{url} answered {response.status_code}")]
    date = response.headers.get("date")
    if date:
        try:
            server = parsedate_to_datetime(date)
        except (TypeError, ValueError, IndexError):
            return checks
        if server.tzinfo is None:  # "-0000" zones parse as naive; HTTP dates are UTC
            server = server.replace(tzinfo=UTC)
        skew = (now - server).total_seconds()
        status = "warn" if abs(skew) > SKEW_WARN_SECONDS else "ok"
        checks.append(Check("clock", status, f"{skew:+.0f} s against {urlsplit(url).hostname}"))
    return checks


def _mask(url: str) -> str:
    parts = urlsplit(url)
    if parts.username or parts.password:
        host = parts.hostname or ""
        netloc = f"***@{host}" + (f":{parts.port}" if parts.port else "")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def _proxy(proxies: Mapping[str, str], *, from_environment: bool) -> Check:
    """The proxies httpx uses: ``urllib.request.getproxies()``, which is the environment, or
    when that names none, the Windows registry (Internet Options) or macOS settings
    (httpx/_utils.py ``get_environment_proxies``). Only the schemes httpx reads are shown."""
    found = [
        f"{scheme}={value if scheme == 'no' else _mask(_as_url(value))}"
        for scheme in ("https", "http", "all", "no")
        if (value := proxies.get(scheme))
    ]
    if not found:
        return Check("proxy", "ok", "none configured (direct connection)")
    where = "environment" if from_environment else "system settings"
    return Check("proxy", "ok", f"{'; '.join(found)} (from the {where})")


def _as_url(value: str) -> str:
    # As httpx reads it: "user:pw@proxy:8080" is an http:// proxy (and its password is masked).
    return value if "://" in value else f"http://{value}"


def _broker(
    settings: Settings, platform: str, problem: Callable[[], str | None] = broker_problem
) -> Check:
    if platform != "win32":
        return Check("broker", "ok", "not used on this platform")
    if not settings.broker:
        return Check("broker", "ok", "off")
    reason = problem()
    if reason is None:
        return Check("broker", "ok", "WAM available")
    return Check(
        "broker",
        "warn",
        f"configured but cannot load ({reason}) — browser sign-in is used; reinstall tapdesk",
    )


def run_checks(
    services: Services,
    *,
    authority: str | None,
    keyring_backend: keyring.backend.KeyringBackend | None = None,
) -> list[Check]:
    checks = _config(services)
    checks.append(_keyring(keyring_backend))
    checks.append(_proxy(getproxies(), from_environment=bool(getproxies_environment())))
    checks.append(_broker(services.settings, sys.platform))
    now = services.clock.now()
    if any(c.name == "tenant" and c.status == "fail" for c in checks):
        checks.append(Check("graph", "warn", "not checked until a tenant is configured"))
    elif services.http is not None:
        if authority:
            discovery = f"{authority}/v2.0/.well-known/openid-configuration"
            checks += _reach(services.http, "sign-in", discovery, now)
        checks += _reach(services.http, "graph", services.settings.graph_base_url + "/", now)
    clocks = [c for c in checks if c.name == "clock"]
    checks = [c for c in checks if c.name != "clock"]
    checks.append(
        clocks[0] if clocks else Check("clock", "warn", "not measured (no Date header seen)")
    )
    return checks


def cmd_doctor(
    services: Services,
    args: argparse.Namespace,
    out: TextIO,
    err: TextIO,
    *,
    authority: str | None = None,
) -> int:
    checks = run_checks(services, authority=authority)
    failed = any(c.status == "fail" for c in checks)
    kept = sign_in_kept(services)
    if args.json:
        data = {"ok": not failed, "signInKept": kept, "checks": [c.__dict__ for c in checks]}
        output.write_json(out, data)
    else:
        for check in checks:
            out.write(f"  {check.status:<5} {check.name:<9} {check.detail}\n")
        out.write(_verdict(failed=failed, kept=kept) + "\n")
    return 1 if failed else 0


def sign_in_kept(services: Services) -> bool | None:
    """Whether a sign-in outlives its command, as the token cache decides it: the keyring line
    judges a backend by its name, the cache also refuses a plaintext one keyring picked by
    chance and honours the site's plaintext policy. (A keyring that is only locked shows when
    its key is first read.) None: nobody signs in, a token comes from TAPDESK_ACCESS_TOKEN."""
    if services.auth is None:
        return None
    try:
        return services.auth.cache_protection is not CacheProtection.MEMORY
    except Exception:  # choosing a backend may raise anything; the keyring line names it
        return False


def _verdict(*, failed: bool, kept: bool | None) -> str:
    """The last line. Without a kept sign-in tapdesk still works (each command signs itself
    in), so that is no failure and the exit code stays 0; but "Ready." would hide it."""
    if failed:
        return "Not ready: fix the lines marked fail."
    if kept is False:
        return (
            "Ready, but sign-in is not kept: each command signs in by itself, with a code "
            "entered on another device (in a script, add --device-code to it). To keep "
            f"sign-in, {KEYRING_FIX}."
        )
    return "Ready."
