"""tapdesk in a child process, driven through its own window (``test_onboarding_restart``).

``python -m tests.ui.onboarding_child first``: the composition root's prepared services on the
demo tenant in ``TAPDESK_HOME`` (token from ``TAPDESK_ACCESS_TOKEN``); open Ava, start the
recommended flow, tick "confirm identity", issue the pass, let the phone add Authenticator and
Graph tick "add account"; print one JSON line once everything is saved, then wait to be killed.

``… second``: start again, resume, print what came back as one JSON line, quit.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from tapdesk.app.main import prepare_services
from tapdesk.config import load_settings
from tapdesk.core.checklist import StepState
from tapdesk.runtime.paths import AppPaths
from tapdesk.ui import application
from tapdesk.ui.dev.screenshots import pump
from tapdesk.ui.window.main_window import MainWindow

AVA = "ava.newhire@northwind.example"


def start() -> tuple[Any, MainWindow]:
    env = dict(os.environ)
    paths = AppPaths.default(env)
    settings = load_settings(paths, env, {"demo": True})
    app = application()
    window = MainWindow(prepare_services(settings, paths))
    window.resize(1280, 860)
    window.show()
    window.start()
    pump(lambda: window.technician is not None and window.guide.onboarding.resume_done)
    return app, window


def first() -> None:
    app, window = start()
    window.open_user(AVA)
    pump(lambda: window.facts is not None and window.facts.tap_known and not window.runner.busy)
    window.form.set_path("passkey-authenticator")
    window.form.one_time.setChecked(True)
    panel = window.guide.panel
    panel.start_button.click()
    panel.rows["confirm-identity"].tick_button.click()
    panel.rows["issue-pass"].issue_button.click()
    pump(lambda: window.passes.has_value and not window.runner.busy)
    session = panel.session
    assert session is not None
    window.guide.run_phone("authenticator-android")
    pump(lambda: not window.runner.busy)
    window.guide.onboarding.check_again(session.session_id)  # "check now" rather than wait 10 s
    pump(lambda: session.checklist.record("add-account").state is StepState.DONE)
    pump(lambda: not window.runner.busy and not session.unsaved)
    facts = session.pass_facts
    print(
        json.dumps({"session": session.session_id, "pass_id": facts.id if facts else None}),
        flush=True,
    )
    app.exec()  # until SIGKILL


def second() -> None:
    _app, window = start()
    found = []
    for session in window.guide.onboarding.sessions():
        window.open_session(session.session_id)
        pump(lambda: not window.runner.busy)
        panel = window.guide.panel
        found.append(
            {
                "session": session.session_id,
                "flow": session.flow.id,
                "upn": session.upn,
                "restored": session.restored,
                "pass_id": session.pass_facts.id if session.pass_facts else None,
                "steps": {step.id: rec.state.value for step, rec in session.records()},
                "active": panel.session is session and session.checklist.active_step.id,
                "replace_offered": panel.restart_note.isVisible(),
                "list": window.guide.session_list.session_ids(),
            }
        )
    print(json.dumps(found), flush=True)
    window.close()


if __name__ == "__main__":
    {"first": first, "second": second}[sys.argv[1]]()
