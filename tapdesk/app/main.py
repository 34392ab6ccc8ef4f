"""Composition root: settings, the tenant (real or demo), sign-in, Graph, then the window or a command.

This is the only module that decides between the real tenant and the demo tenant. Nothing here
runs at import time.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TextIO

from tapdesk.app import startup_errors
from tapdesk.app.services import Backend, Services
from tapdesk.config import Settings, check_token_hosts, load_settings, moved_site_notice
from tapdesk.core.clock import SYSTEM_CLOCK, Clock
from tapdesk.errors import TapdeskError
from tapdesk.runtime import elevation, logs
from tapdesk.runtime.elevation import elevation_refusal
from tapdesk.runtime.paths import CONFIG_FILE, AppPaths, system_site_config_dir

if TYPE_CHECKING:
    import httpx
    import keyring.backend

    from tapdesk.demo import DemoTenant
    from tapdesk.demo.relay import DemoServer

log = logging.getLogger(__name__)

Command = Callable[[Services, argparse.Namespace, TextIO, TextIO], int]


class _StaticToken:
    """A bearer token obtained elsewhere (TAPDESK_ACCESS_TOKEN): used as is, never refreshed."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, force_refresh: bool = False) -> str:
        return self._token


def build_services(
    settings: Settings,
    paths: AppPaths,
    *,
    clock: Clock = SYSTEM_CLOCK,
    demo_tenant: DemoTenant | None = None,
    keyring_backend: keyring.backend.KeyringBackend | None = None,
    open_browser: Callable[[str], bool] | None = None,
    transport: httpx.BaseTransport | None = None,
) -> Services:
    """Everything a front end needs. ``transport`` replaces the network (tests)."""
    from tapdesk.graph.client import GraphClient
    from tapdesk.graph.http import build_http_client
    from tapdesk.store import open_store

    check_token_hosts(settings)  # load_settings did; Settings built by hand must pass it too
    authority, client_id, graph_url = (
        settings.authority,
        settings.client_id,
        settings.graph_base_url,
    )
    browser_simulated = False
    with contextlib.ExitStack() as undo:  # a build that fails stops what it started
        demo_server = None
        if settings.demo:
            from tapdesk import demo

            if demo_tenant is None:
                # Separate CLI runs (issue, then status, then revoke) share one demo tenant on disk.
                demo_tenant = demo.DemoTenant(
                    state_path=paths.data_dir / "demo-tenant.json", clock=clock
                )
            demo_server = _start_demo_server(settings, demo_tenant)
            if demo_server is not None:
                undo.callback(demo_server.close)
            transport = demo_server.transport() if demo_server else demo_tenant.transport()
            authority, client_id = demo.DEMO_AUTHORITY, demo.DEMO_CLIENT_ID
            if open_browser is None:
                from tapdesk.demo.browser import DemoBrowser

                browser_simulated = True
                # The browser closes its transport after each page: it gets a pool of its own.
                browser = demo_server.transport() if demo_server else transport
                open_browser = DemoBrowser(browser).open
            graph_url = settings.graph_url or demo.DEMO_GRAPH_URL
            settings = replace(settings, graph_url=graph_url)
        http = build_http_client(transport)
        auth = None
        if settings.access_token:
            token: Any = _StaticToken(settings.access_token)
        else:
            from tapdesk.auth import Authenticator  # MSAL and the keyring: only to sign in here

            auth = Authenticator(
                settings,
                paths,
                http_client=http,
                keyring_backend=keyring_backend,
                authority=authority,
                client_id=client_id,
                open_browser=open_browser,
                clock=clock,
                tenant=tenant_key(settings),
            )
            token = auth.access_token
        graph = GraphClient(graph_url, token, http=http, clock=clock)
        store, store_notices = open_store(paths, clock=clock)
        store.tenant_id = tenant_key(settings)
        notices = [*settings.notices, *_site_notices(paths)]
        notices += [f"{n.title}: {n.message} {n.hint}".strip() for n in store_notices]
        undo.pop_all()  # the services own the demo server now: Services.close stops it
        return Services(
            settings,
            paths,
            graph,
            auth,
            clock,
            demo_tenant,
            http,
            authority,
            store,
            notices,
            browser_simulated=browser_simulated,
            demo_server=demo_server,
        )


def _start_demo_server(settings: Settings, tenant: DemoTenant) -> DemoServer | None:
    """The demo tenant's own process, when ``demo_process`` asks for one. It serves the state
    file ``tenant`` keeps, so ``tenant`` (the simulated phone) sees what it does. It runs on the
    system clock; ``tenant``'s latency is passed on at the start, while knobs set on ``tenant``
    later (faults, latency) stay in this process."""
    if not settings.demo_process:
        return None
    if getattr(sys, "frozen", False):
        from tapdesk.config import Origin

        origin = settings.origin("demo_process") or Origin("settings", "demo_process")
        raise origin.error(
            "asks for the demo tenant in a process of its own, which the packaged app cannot "
            "start (it has no Python to run it with).",
            f"{origin.undo()}: the packaged app runs the demo tenant in process.",
        )
    if tenant.state_path is None:
        raise ValueError("a demo tenant in memory cannot be shared with another process")
    from tapdesk.demo.relay import DemoServer

    return DemoServer.start(tenant.state_path, latency=tenant.latency)


def tenant_key(settings: Settings) -> str:
    """The tenant the audit trail files records under: the demo's id, or the configured tenant
    (GUID or domain, as written); empty for a token from elsewhere with no tenant set."""
    if settings.demo:
        from tapdesk.demo import DEMO_TENANT_ID

        return DEMO_TENANT_ID
    return (settings.tenant_id or "").lower()


def _site_notices(paths: AppPaths) -> list[str]:
    """A moved site file is said where a file is in play: the moved one, or IT's it hides."""
    moved = moved_site_notice(paths)
    system_file = system_site_config_dir() / CONFIG_FILE
    if moved and (paths.site_file.exists() or system_file.exists()):
        return [moved]
    return []


def prepare_services(settings: Settings, paths: AppPaths, **options: Any) -> Backend:
    """For the window: the same services, built on a worker on first use while it paints.

    Importing httpx and MSAL, probing the keyring and opening the demo tenant's file take a few
    hundred milliseconds that the technician should not stare at an empty screen for.
    """
    clock = options.get("clock", SYSTEM_CLOCK)
    return Backend(settings, paths, clock, lambda: build_services(settings, paths, **options))


def _self_test_settings(settings: Settings, options: dict[str, Any]) -> Settings:
    """The self-test runs on a fresh in-memory demo tenant, signed in with a minted token, so
    it needs no keyring, browser or network and leaves nothing behind."""
    from tapdesk.demo import DemoTenant

    tenant = options.get("demo_tenant") or DemoTenant(clock=options["clock"])
    options["demo_tenant"] = tenant
    return replace(settings, demo=True, demo_process=False, access_token=tenant.access_token())


def _flag_overrides(args: argparse.Namespace) -> dict[str, Any]:
    overrides: dict[str, Any] = {
        "tenant_id": args.tenant,
        "client_id": args.client_id,
        "cloud": args.cloud,
    }
    if args.demo:
        overrides["demo"] = True
    if args.demo_process:
        overrides["demo_process"] = True
    return overrides


def _choose_demo(settings: Settings, *, gui: bool) -> Settings:
    """The window falls back to the demo tenant when no tenant is configured; commands do not,
    so a script can never 'issue' a pass to a simulation by accident."""
    if settings.demo or settings.tenant_configured or not gui:
        return settings
    return replace(settings, demo=True)


def _reply(stdin: TextIO | None) -> str:
    """One line typed at the terminal ("" at its end or when it cannot be read)."""
    try:
        return stdin.readline() if stdin is not None else ""
    except (OSError, ValueError):
        return ""


def _commands(*, terminal: bool, answer: Callable[[], str]) -> dict[str, Command]:
    from tapdesk.cli import account, audit, commands, doctor, signin

    def on_graph(command: Command) -> Command:
        """Commands that talk to Graph first make sure someone is signed in (``terminal``: a
        person is there to use a device code), then settle what an interrupted run left open."""

        def run(services: Services, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
            signin.ensure(services, args, err, terminal=terminal, answer=answer)
            commands.reconcile_first(services, err)
            return command(services, args, out, err)

        return run

    return {
        "issue": on_graph(commands.cmd_issue),
        "revoke": on_graph(commands.cmd_revoke),
        "status": on_graph(commands.cmd_status),
        "policy": on_graph(commands.cmd_policy),
        "doctor": lambda s, a, o, e: doctor.cmd_doctor(s, a, o, e, authority=s.authority),
        "login": account.cmd_login,
        "logout": account.cmd_logout,
        "whoami": account.cmd_whoami,
        "audit": audit.cmd_audit,
    }


def _show_error_box(title: str, text: str, *, error: bool = True) -> None:
    from tapdesk.ui.startup_box import show_error_box

    show_error_box(title, text, error=error)


@contextlib.contextmanager
def _answers_in_a_box(show: startup_errors.ShowBox | None) -> Iterator[None]:
    """With ``show``: argparse's --version, which prints to a stdout tapdesk.exe does not have,
    is shown in a box instead, and --help points to tapdesk-cli.exe (the commands are its
    business; their help would not fit a box). argparse then exits as it always does."""
    if show is None:
        yield
        return
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            yield
    except SystemExit:
        text = printed.getvalue().strip()
        try:
            if text.startswith("usage:"):
                show("Help", startup_errors.WINDOW_ONLY, error=False)
            elif text:
                show("Version", text, error=False)
        except Exception:  # no display: argparse's exit still ends the run
            log.exception("the answer could not be shown in a message box")
        raise


def main(
    argv: Sequence[str] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    paths: AppPaths | None = None,
    clock: Clock = SYSTEM_CLOCK,
    demo_tenant: DemoTenant | None = None,
    keyring_backend: keyring.backend.KeyringBackend | None = None,
    open_browser: Callable[[str], bool] | None = None,
    transport: httpx.BaseTransport | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    show_error: startup_errors.ShowBox | None = None,
) -> int:
    """Run tapdesk; returns the process exit code. Keyword arguments are for tests.

    ``sys.stdout`` and ``sys.stderr`` may be None (the windowed Windows build): nothing here
    writes to a stream it was not given; :mod:`tapdesk.app.startup_errors` says what failed."""
    from tapdesk.cli.parser import parse_arguments
    from tapdesk.cli.terminal import safe_stream, utf8

    given = (sys.stdout if stdout is None else stdout, sys.stderr if stderr is None else stderr)
    out, err = (None if s is None else safe_stream(utf8(s)) for s in given)
    services: Services | Backend | None = None
    window, attended = False, True

    def fail(failure: startup_errors.Failure) -> int:
        box = show_error or _show_error_box
        return startup_errors.tell(failure, err=err, window=window, attended=attended, show_box=box)

    try:
        with _answers_in_a_box(None if out is not None else show_error or _show_error_box):
            args = parse_arguments(list(sys.argv[1:] if argv is None else argv))
        paths = paths or AppPaths.default(env)
        logs.configure(paths.log_dir, verbose=args.verbose)
        gui = window = args.command is None
        attended = not (args.self_test or args.screenshots)  # a box would hang their builds
        refusal = elevation_refusal()
        if refusal is not None:  # before a sign-in or an audit record
            from tapdesk.errors import UsageError

            raise UsageError(refusal, hint=elevation.HOW, title="Start tapdesk as yourself")
        if not gui and (out is None or err is None):  # tapdesk.exe given a command
            return fail(startup_errors.no_console(args.command))
        if not gui:
            import gc

            gc.enable()  # __main__ turned it off for the window's start-up only
        settings = _choose_demo(load_settings(paths, env, _flag_overrides(args)), gui=gui)
        if args.screenshots and settings.demo_process:
            # Their throttled check injects a fault, which only an in-process tenant obeys.
            log.info("screenshots run the demo tenant in process (demo_process ignored)")
            settings = replace(settings, demo_process=False)
        if (
            not gui
            and args.command not in {"doctor", "audit"}  # local only: no tenant needed
            and not settings.demo
            and not settings.tenant_configured
        ):
            from tapdesk.errors import ConfigError

            raise ConfigError(
                "No tenant is configured.",
                hint="Set [tenant] id and client_id in tapdesk.toml (see README), "
                "or add --demo to try the demo tenant.",
            )
        options: dict[str, Any] = {
            "clock": clock,
            "demo_tenant": demo_tenant,
            "keyring_backend": keyring_backend,
            "open_browser": open_browser,
            "transport": transport,
        }
        if gui and args.self_test:
            from tapdesk import ui

            test_settings = _self_test_settings(settings, options)
            services = Backend.of(build_services(test_settings, paths, **options))
            return ui.run(services, args)
        if gui:
            from tapdesk import ui

            services = prepare_services(settings, paths, **options)
            return ui.run(services, args)
        built = services = build_services(settings, paths, **options)
        assert out is not None and err is not None  # a command without them was refused above
        for notice in built.notices:
            err.write(f"tapdesk: {notice}\n")
        from tapdesk.cli.signin import on_terminal

        reader = sys.stdin if stdin is None else stdin
        terminal = on_terminal(reader, err)
        commands = _commands(terminal=terminal, answer=lambda: _reply(reader))
        return commands[args.command](built, args, out, err)
    except TapdeskError as exc:  # logged there in full: file, line and key, request-id
        return fail(startup_errors.of_error(exc))
    except KeyboardInterrupt:  # whoever pressed Ctrl+C needs no box
        attended = False
        return fail(startup_errors.interrupted())
    except Exception as exc:  # a bug: one clear line, the details in the log file
        log.error("unexpected %s", type(exc).__name__, exc_info=True)
        return fail(
            startup_errors.unexpected(exc, paths.log_dir / logs.LOG_NAME if paths else None)
        )
    finally:
        if services is not None:
            services.close()
