"""Secret hygiene, end to end: every shipped flow, DEBUG logging on, then a search for every pass
shown and the access token in every log record, in stdout/stderr, and in every file under the
app's config, data, cache and log folders (the SQLite database and its WAL included)."""

from __future__ import annotations

import logging

import pytest

from tapdesk.runtime import logs
from tests.helpers.demo import UPN
from tests.ui.onboarding_helpers import FLOWS, onboarding_window, start_flow, walk

# Per flow, someone without what its "added" checks look for, so each has something new to see
# (Andy has Authenticator, which the web sign-in flow does not look for).
HIRE_FOR_FLOW = {
    "oobe-pass": UPN["ava.newhire"],
    "passkey-authenticator": UPN["nora.newhire"],
    "recover-method": UPN["sam.synced"],
    "security-key": UPN["erin.existing"],
    "web-sign-in": UPN["andy.app"],
}


def test_no_pass_or_token_anywhere_after_every_flow(
    qtbot,
    tenant,
    clock,
    tmp_path,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    home = tmp_path / "home"
    window = onboarding_window(qtbot, tenant, clock, home)
    paths = window.backend.services().paths
    logs.configure(paths.log_dir, verbose=True)  # the app's own handlers: a file, and stderr
    caplog.set_level(logging.DEBUG)
    codes: list[str] = []
    assert sorted(HIRE_FOR_FLOW) == sorted(FLOWS), "a new flow needs someone to walk it"
    for flow_id, upn in HIRE_FOR_FLOW.items():
        start_flow(qtbot, window, upn, FLOWS[flow_id])
        walk(qtbot, window, tenant, clock, codes)
    token = window.backend.services().graph._token()  # the bearer token the window sent all along
    window.backend.services().store.close()
    logs.configure(None)

    secrets = [*codes, token]
    assert len(codes) == len(FLOWS) and all(len(c) >= 8 for c in codes)
    records = "\n".join(
        f"{r.name} {r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records
    )
    out, err = capfd.readouterr()
    files = [p for d in paths.all_dirs() if d.exists() for p in d.rglob("*") if p.is_file()]
    assert any(p.name == "tapdesk.log" for p in files) and any(
        p.name == "tapdesk.db" for p in files
    )
    assert "DEBUG" in (paths.log_dir / "tapdesk.log").read_text()
    for secret in secrets:
        assert secret not in records
        assert secret not in out and secret not in err
        for path in files:
            data = path.read_bytes()
            assert secret.encode() not in data, path
            assert secret.encode("utf-16-le") not in data, path
