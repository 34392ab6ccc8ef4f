"""CLI output is UTF-8 whatever the console, and a pass nobody saw does not stay valid.

On Windows, output redirected to a file or a pipe is encoded in the ANSI code page (cp1252):
"Łukasz Żółć", the QR code's half blocks and ``--json`` (ensure_ascii=False) cannot be written
there, and the write used to fail *after* Graph created the pass. Here ``sys.stdout`` and
``sys.stderr`` are cp1252 TextIOWrappers over bytes, as Python gives a redirected Windows run.
"""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tapdesk.app.main import main
from tapdesk.cli.terminal import discard, safe_stream, utf8
from tapdesk.demo import DEMO_TECHNICIAN_UPN, DemoTenant
from tapdesk.errors import ExitCode
from tapdesk.runtime.paths import AppPaths
from tests.helpers.clock import FakeClock
from tests.helpers.demo import IssuedPasses, as_lead
from tests.helpers.terminal_qr import decode_terminal_qr
from tests.helpers.tokens import mint_token

NAME = "Łukasz Żółć"
UPN = "lukasz.zolc@northwind.example"


def _no_network(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("no network in tests", request=request)


def cp1252() -> io.TextIOWrapper:
    """What Python gives a Windows process whose output is redirected (ANSI code page)."""
    return io.TextIOWrapper(io.BytesIO(), encoding="cp1252")


def written(stream: io.TextIOWrapper) -> bytes:
    stream.flush()
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue()


class Bench:
    def __init__(self, home: Path) -> None:
        self.clock = FakeClock()
        self.tenant = as_lead(DemoTenant(clock=self.clock))
        self.tenant.add_user("lukasz.zolc", "Łukasz", "Żółć")
        self.issued = IssuedPasses(self.tenant)
        self.paths = AppPaths.default({"TAPDESK_HOME": str(home)})
        self.env = {
            "TAPDESK_HOME": str(home),
            "TAPDESK_ACCESS_TOKEN": mint_token(self.tenant, DEMO_TECHNICIAN_UPN),
        }

    def __call__(self, *argv: str, stdout: object = None, stderr: object = None) -> int:
        return main(
            ["--demo", *argv],
            transport=httpx.MockTransport(_no_network),
            env=self.env,
            paths=self.paths,
            clock=self.clock,
            demo_tenant=self.tenant,
            stdout=stdout,  # type: ignore[arg-type]
            stderr=stderr,  # type: ignore[arg-type]
            show_error=lambda title, text: pytest.fail(f"a command opened a box: {title}"),
        )

    def audit(self) -> list[dict[str, str]]:
        out = io.StringIO()
        assert self.__call__("audit", "--json", stdout=out, stderr=io.StringIO()) == 0
        return [row for row in json.loads(out.getvalue()) if row["User"] == UPN]

    def log(self) -> str:
        return (self.paths.log_dir / "tapdesk.log").read_text(encoding="utf-8")


@pytest.fixture
def bench(tmp_path: Path) -> Bench:
    return Bench(tmp_path / "home")


@pytest.fixture
def windows_console(monkeypatch: pytest.MonkeyPatch) -> Callable[[], tuple[io.TextIOWrapper, ...]]:
    """cp1252 stdout and stderr, set in the test's body (pytest's capture takes them back
    after the fixtures ran)."""

    def redirect() -> tuple[io.TextIOWrapper, ...]:
        out, err = cp1252(), cp1252()
        monkeypatch.setattr(sys, "stdout", out)
        monkeypatch.setattr(sys, "stderr", err)
        return out, err

    return redirect


def test_the_demo_user_cannot_be_written_in_cp1252() -> None:
    """The condition itself: without tapdesk's fix, this is what the write meets."""
    with pytest.raises(UnicodeEncodeError):
        cp1252().write(NAME)


def test_plain_issue_writes_utf8(bench: Bench, windows_console: Callable) -> None:
    out, err = windows_console()
    assert bench("issue", UPN) == 0
    text = written(out).decode("utf-8")  # strict: every byte is UTF-8
    assert f"Temporary Access Pass for {NAME} <{UPN}>" in text
    [value] = bench.issued.values
    groups = " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    assert f"    {groups}\n" in text
    written(err).decode("utf-8")


def test_json_issue_writes_utf8_with_the_name_as_is(
    bench: Bench, windows_console: Callable
) -> None:
    """issue --json holds no display name (README's fields): the name's ensure_ascii=False
    case is status --json below; here the bytes must still be UTF-8 JSON with the pass."""
    out, _ = windows_console()
    assert bench("issue", UPN, "--json") == 0
    raw = written(out)
    data = json.loads(raw.decode("utf-8"))
    assert data["temporaryAccessPass"] == bench.issued.values[0]
    assert data["userPrincipalName"] == UPN


def test_qr_issue_writes_utf8_blocks_a_phone_reads(bench: Bench, windows_console: Callable) -> None:
    out, _ = windows_console()
    assert bench("issue", UPN, "--qr") == 0
    text = written(out).decode("utf-8")
    assert NAME in text
    assert "▀" in text or "▄" in text
    assert decode_terminal_qr(text) == bench.issued.values


def test_status_json_keeps_the_name_unescaped(bench: Bench, windows_console: Callable) -> None:
    out, _ = windows_console()
    assert bench("status", UPN, "--json") == 0
    raw = written(out)
    assert NAME.encode("utf-8") in raw  # ensure_ascii=False: the name, not \\u0141ukasz
    assert json.loads(raw.decode("utf-8"))["user"]["displayName"] == NAME


def test_a_lone_surrogate_prints_escaped_instead_of_failing_the_write() -> None:
    """The one thing UTF-8 cannot encode (a lone surrogate, which a JSON string from Graph may
    hold) prints as ``\\ud800``: backslashreplace, so the rest of the output, the pass, shows."""
    stream = cp1252()
    utf8(stream).write("Łukasz \ud800 ABCD\n")
    assert written(stream) == "Łukasz \\ud800 ABCD\n".encode()


# --- a write that fails after the pass exists ------------------------------------------------
class BrokenPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


class ClosedStream(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.close()


class Ascii(io.StringIO):
    """A stream that encodes like a console that cannot hold the name (not a TextIOWrapper, so
    tapdesk cannot set it to UTF-8)."""

    def write(self, text: str) -> int:
        text.encode("ascii")
        return super().write(text)


class DiskFull(io.StringIO):
    def write(self, text: str) -> int:
        raise OSError(28, "No space left on device")


@pytest.mark.parametrize(
    ("stdout", "why"),
    [
        (BrokenPipe, "the program reading the output closed it"),
        (ClosedStream, "the output is closed"),
        (Ascii, "the output's encoding, ascii, cannot hold every character"),
        (DiskFull, "writing the output failed: OSError"),
    ],
)
def test_a_pass_nobody_saw_is_revoked_and_said(
    bench: Bench, caplog: pytest.LogCaptureFixture, stdout: type, why: str
) -> None:
    caplog.set_level(logging.DEBUG, logger="tapdesk")
    err = io.StringIO()
    code = bench("issue", UPN, "--qr", stdout=stdout(), stderr=err)
    assert code == ExitCode.ERROR
    [value] = bench.issued.values
    assert bench.tenant.users[UPN].tap is None  # the tenant no longer holds it
    pass_id = next(row for row in bench.audit() if row["Event"] == "issue")["Pass id"]
    said = err.getvalue()
    revoked = (
        f"the pass for {UPN} was created but not shown ({why}), so it was revoked "
        f"(id {pass_id}); nobody can sign in with it."
    )
    fix = "Fix the output (a file, a pipe, a console that reads UTF-8), then issue again."
    assert said == f"tapdesk: {revoked}\ntapdesk: {fix}\n"
    log = bench.log()
    failure = {
        BrokenPipe: "BrokenPipeError",
        ClosedStream: "ValueError",
        Ascii: "UnicodeEncodeError",
        DiskFull: "OSError",
    }
    assert (
        f"tapdesk.cli.commands: pass {pass_id} for {UPN} not shown ({failure[stdout]}): "
        "revoking it\n"
    ) in log
    for line in (revoked, fix):
        assert f"WARNING tapdesk.cli.commands: {line}\n" in log
    assert [(row["Event"], row["Pass id"], row["Detail"]) for row in bench.audit()] == [
        ("issue", pass_id, ""),
        ("revoke", pass_id, f"never shown: {why}"),
    ]
    assert f"(id {pass_id}); nobody can sign in with it." in bench.log()
    for where in (said, bench.log(), caplog.text):
        assert value not in where
        assert value[:4] + " " not in where  # nor its groups


def test_with_stderr_gone_too_the_log_says_it(bench: Bench) -> None:
    code = bench("issue", UPN, stdout=BrokenPipe(), stderr=BrokenPipe())
    assert code == ExitCode.ERROR
    assert bench.tenant.users[UPN].tap is None
    log = bench.log()
    assert f"the pass for {UPN} was created but not shown" in log
    assert (
        "WARNING tapdesk.cli.commands: stderr could not be written either; the log holds "
        "what happened\n"
    ) in log
    assert bench.issued.values[0] not in log


def test_a_revoke_that_fails_tells_how_to_revoke(bench: Bench) -> None:
    from tapdesk.demo import Fault

    class FailsThenOffline(io.StringIO):
        def write(self, text: str) -> int:
            bench.tenant.inject(Fault.offline(times=None, method="DELETE"))  # before the revoke
            raise BrokenPipeError(32, "Broken pipe")

    err = io.StringIO()
    code = bench("issue", UPN, stdout=FailsThenOffline(), stderr=err)
    assert code == ExitCode.ERROR
    assert bench.tenant.users[UPN].tap is not None
    said = err.getvalue()
    assert "was created but not shown" in said and "revoking it failed" in said
    assert f"tapdesk: Revoke it now: tapdesk revoke {UPN}\n" in said
    assert bench.issued.values[0] not in said


def test_a_real_broken_pipe_revokes_and_exits_cleanly(tmp_path: Path) -> None:
    """A real process whose reader is gone (``tapdesk issue ... | head -c0``): the pass is
    revoked, stderr says so, and the exit code is tapdesk's: the unwritten rest is discarded,
    so Python's flush at exit does not fail again (exit code 120, "Exception ignored")."""
    from tests.helpers.graph_server import serve_graph

    tenant = as_lead(DemoTenant())
    tenant.add_user("lukasz.zolc", "Łukasz", "Żółć")
    env = {
        # Buffered output, as a bench runs it (no PYTHONUNBUFFERED, no PYTHONIOENCODING).
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("TAPDESK_", "PYTHONIO", "PYTHONUNBUFFERED"))
        },
        "TAPDESK_HOME": str(tmp_path),
        "TAPDESK_ACCESS_TOKEN": mint_token(tenant, DEMO_TECHNICIAN_UPN),
        "NO_PROXY": "127.0.0.1,localhost",
    }
    with serve_graph(tenant) as url:
        env["TAPDESK_GRAPH_URL"] = url
        child = subprocess.Popen(
            [sys.executable, "-m", "tapdesk", "issue", UPN],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert child.stdout is not None
        child.stdout.close()  # the reader is gone before tapdesk writes
        _, said = child.communicate(timeout=60)
    text = said.decode("utf-8")
    assert child.returncode == ExitCode.ERROR, text
    assert "was created but not shown (the program reading the output closed it)" in text
    assert "Exception ignored" not in text
    assert tenant.users[UPN].tap is None


def test_a_broken_stderr_leaves_its_notes_to_the_log_and_the_pass_to_stdout(
    bench: Bench,
) -> None:
    """A second pass for the same person comes with a warning on stderr; with stderr gone the
    warning is logged, and the pass still reaches stdout (exit 0)."""
    assert bench("issue", UPN, stdout=io.StringIO(), stderr=io.StringIO()) == 0
    out = io.StringIO()
    assert bench("issue", UPN, stdout=out, stderr=BrokenPipe()) == 0
    second = bench.issued.values[1]
    assert f"    {second[:4]} {second[4:]}\n" in out.getvalue()
    assert (
        "WARNING tapdesk.cli.commands: not shown on stderr: warning: The user already has a "
        "pass that still works. Issuing a new one replaces it. Was it issued by a colleague? "
        "Ask before replacing it.\n"
    ) in bench.log()


def test_discard_sends_what_is_still_buffered_to_the_null_device(tmp_path: Path) -> None:
    """Through tapdesk's TerminalWriter too: the file descriptor underneath is the one
    redirected, so Python's flush at exit has nothing left to fail on."""
    target = tmp_path / "out.txt"
    with target.open("w", encoding="utf-8") as raw:
        writer = safe_stream(raw)
        writer.write("kept back in the buffer\n")
        discard(writer)
        raw.flush()
    assert target.read_bytes() == b""
