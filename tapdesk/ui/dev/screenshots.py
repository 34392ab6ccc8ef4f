"""``tapdesk --demo --screenshots DIR``: drive the real window through its main states on the
demo tenant and save a PNG of each (for the README, reviews and training material).

Only the demo tenant: a screenshot run issues passes, and a real pass must never reach a file.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEventLoop
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from tapdesk.core.clock import Clock
from tapdesk.errors import ConfigError, TapdeskError

if TYPE_CHECKING:
    from tapdesk.app.services import Backend
    from tapdesk.ui.window.main_window import MainWindow

SIZE = (1280, 860)
SMALL = (1024, 700)  # the least window tapdesk is laid out for
TIMEOUT = 30.0

Inspect = Callable[[QWidget, str], None]
# Called with each state as it is saved (the hostile-text test checks every label there).
_inspect: Inspect | None = None


class ShiftedClock:
    """The services' clock, moved forward by hand: shows "expired" without waiting an hour."""

    def __init__(self, base: Clock) -> None:
        self._base = base
        self.offset = timedelta()

    def now(self) -> datetime:
        return self._base.now() + self.offset

    def monotonic(self) -> float:
        return self._base.monotonic() + self.offset.total_seconds()

    def sleep(self, seconds: float) -> None:
        self._base.sleep(seconds)


def pump(until: Callable[[], bool], timeout: float = TIMEOUT) -> None:
    app = QApplication.instance()
    deadline = time.monotonic() + timeout
    while not until():
        if time.monotonic() > deadline:
            raise TapdeskError("A screenshot step did not finish in time.", title="Screenshots")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)  # type: ignore[union-attr]
        time.sleep(0.01)


def settle(window: MainWindow) -> None:
    # The checklist draws a part per turn: a shot of it half drawn would depend on the machine.
    pump(lambda: not window.runner.busy and not window.guide.panel.revealing)
    app = QApplication.instance()
    for _ in range(2):  # what the last answers posted (a deferred re-layout), then its effects
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)  # type: ignore[union-attr]


def _confirm(window: MainWindow) -> None:
    """Answer "Revoke…?" / "Replace…?" with the action, as the technician would."""
    pump(lambda: window.confirm_dialog is not None)
    dialog = window.confirm_dialog
    if dialog is not None:
        dialog.action_button.click()
    settle(window)


def save(widget: QWidget, path: Path) -> Path:
    QApplication.processEvents()
    if not widget.grab().save(str(path)):
        raise TapdeskError(f"Could not write {path}.", title="Screenshots")
    if _inspect is not None:
        _inspect(widget, path.name)
    return path


def dark_palette() -> QPalette:
    """A plain dark palette, to check that nothing assumes a light background."""
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#202124",
        QPalette.ColorRole.WindowText: "#e8eaed",
        QPalette.ColorRole.Base: "#17181a",
        QPalette.ColorRole.AlternateBase: "#26272a",
        QPalette.ColorRole.Text: "#e8eaed",
        QPalette.ColorRole.Button: "#2d2e31",
        QPalette.ColorRole.ButtonText: "#e8eaed",
        QPalette.ColorRole.Highlight: "#3d7bd9",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#2d2e31",
        QPalette.ColorRole.ToolTipText: "#e8eaed",
        QPalette.ColorRole.PlaceholderText: "#9aa0a6",
        QPalette.ColorRole.Link: "#8ab4f8",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6f7378"))
    return palette


def write_screenshots(
    backend: Backend, out_dir: Path, *, inspect: Inspect | None = None
) -> list[Path]:
    """Every state as a PNG in ``out_dir``; ``inspect`` also sees each state's widget."""
    global _inspect
    _inspect = inspect
    try:
        return _write_screenshots(backend, out_dir)
    finally:
        _inspect = None


def _write_screenshots(backend: Backend, out_dir: Path) -> list[Path]:
    from tapdesk.ui.window.main_window import MainWindow

    tenant = backend.services().demo
    if tenant is None:
        raise ConfigError(
            "Screenshots are taken on the demo tenant only.", hint="Add --demo to the command."
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    began = backend.clock.now()
    clock = ShiftedClock(backend.clock)
    window = MainWindow(backend, clock=clock, heartbeat_ms=0)
    window.resize(*SIZE)
    window.show()
    pump(lambda: window.isVisible())
    written.append(save(window, out_dir / "01-signed-out.png"))

    _sign_in(window, backend, tenant, out_dir, written)
    _find(window, "ava", "ava.newhire@")
    written.append(save(window, out_dir / "03-user-found.png"))

    _issue(window)
    pump(lambda: window.passes.has_value or not window.banner.isHidden())
    settle(window)
    window.tick()
    written.append(save(window, out_dir / "04-pass-shown.png"))

    tap = window.passes.tap
    if tap is not None:
        clock.offset = tap.expires - backend.clock.now() + timedelta(minutes=3)
        window.tick()
        written.append(save(window, out_dir / "05-pass-expired.png"))
        clock.offset = timedelta()

    _find(window, "carl", "carl.disabled@")
    written.append(save(window, out_dir / "06-user-problems.png"))

    # An Authentication Administrator may not issue a pass to an administrator: Graph says 403.
    _find(window, "alex", "alex.admin@")
    _issue(window)
    pump(lambda: not window.form.message.isHidden())  # said by the Issue button
    settle(window)
    window.work.reveal(window.form.message)
    settle(window)
    written.append(save(window, out_dir / "07-error-banner.png"))
    window.close()

    written.append(_dark(backend, out_dir))
    written.extend(_day_tools(backend, out_dir))
    written.extend(_onboarding(backend, out_dir))
    written.extend(_pass_views(backend, out_dir))
    written.append(_new_hire(backend, out_dir))
    _tidy(backend, began)
    return written


def _sign_in(
    window: MainWindow, backend: Backend, tenant: object, out_dir: Path, written: list[Path]
) -> None:
    window.start()
    settle(window)
    if window.technician is not None:
        return
    window.signin.device_code()
    pump(lambda: window.signin.device_dialog is not None)
    dialog = window.signin.device_dialog
    assert dialog is not None
    written.append(save(dialog, out_dir / "02-device-code.png"))
    tenant.approve_device_code(dialog.code.text())  # type: ignore[attr-defined]
    pump(lambda: window.technician is not None)
    settle(window)


def _find(window: MainWindow, query: str, upn_prefix: str) -> None:
    window.search.box.setText(query)
    window.search.search_requested.emit(query)
    pump(lambda: any(u.user_principal_name.startswith(upn_prefix) for u in window.search.users()))
    user = next(u for u in window.search.users() if u.user_principal_name.startswith(upn_prefix))
    window.search.results.setCurrentRow(window.search.users().index(user))
    window.select_user(user)
    settle(window)


@contextmanager
def _dark_window(backend: Backend) -> Iterator[MainWindow]:
    """A started window in the dark palette; the light palette comes back afterwards."""
    from tapdesk.ui.window.main_window import MainWindow

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    light = app.palette()
    app.setPalette(dark_palette())
    try:
        window = MainWindow(backend, heartbeat_ms=0)
        window.resize(*SIZE)
        window.show()
        window.start()
        yield window
        window.close()
    finally:
        app.setPalette(light)


def _issue(window: MainWindow) -> None:
    """Issue as a technician does: on a checklist path the form's Issue starts the checklist
    at who the new hire is; tick what comes before the pass, then issue from the checklist."""
    window.issue()
    session = window.guide.panel.session
    if session is None or session.closed or session.pass_facts is not None:
        return
    settle(window)  # the checklist shows, with the keyboard on its first step
    waiting = session.checklist.unfinished_before_issue()
    for step in waiting:
        window.guide.onboarding.tick(session.session_id, step.id)
    if waiting:
        window.issue()


def _dark(backend: Backend, out_dir: Path) -> Path:
    with _dark_window(backend) as window:
        settle(window)
        _find(window, "priya", "priya.passkey@")
        _issue(window)
        pump(lambda: window.passes.has_value or not window.banner.isHidden())
        settle(window)
        return save(window, out_dir / "08-dark-pass-shown.png")


# A morning's roster as HR sends it: a few rows the technician must fix, a few people to check.
ROSTER = """Name;UPN;Start;Device;Notes
Ava Newhire;ava.newhire@northwind.example;08:30;LAP-0141;desk 4.12
Nora Newhire;nora.newhire@northwind.example;08:45;LAP-0142;
Carl Disabled;carl.disabled@northwind.example;09:00;LAP-0143;
Oscar Outside;oscar.outside@northwind.example;09:15;;contractor
Alex Admin;alex.admin@northwind.example;09:30;LAP-0145;laptop swap
;mia.moreno@northwind;09:45;LAP-0146;
Erin Existing;erin.existing@northwind.example;10:00;;
Priya Passkey;priya.passkey@northwind.example;10:15;;new phone
Sam Synced;sam.synced@northwind.example;half nine;LAP-0149;
Ben Fresh;ben.fresh@northwind.example;10:30;LAP-0150;account made this morning
Andy App;andy.app@northwind.example;11:00;LAP-0151;
"""


def _day_tools(backend: Backend, out_dir: Path) -> list[Path]:
    """The new-hire-day queue (everyone, then only the problems) and the audit trail."""
    from tapdesk.core.roster import RosterStatus, parse_roster
    from tapdesk.ui.window.main_window import MainWindow

    window = MainWindow(backend, heartbeat_ms=0)
    window.resize(*SIZE)
    window.show()
    window.start()
    settle(window)
    roster = window.day_tools.open_roster()
    roster.show_roster(parse_roster(ROSTER), "new-hires.csv")
    pump(lambda: bool(roster.model.rows) and not roster.queue.running and not roster.runner.busy)
    roster.update_summary()
    roster.select_upn("alex.admin@northwind.example")
    written = [save(roster, out_dir / "09-roster.png")]
    roster.set_status_filter(RosterStatus.PROBLEM)
    roster.select_upn("carl.disabled@northwind.example")
    written.append(save(roster, out_dir / "10-roster-problems.png"))
    roster.close()
    audit = window.day_tools.open_audit()
    pump(lambda: not window.runner.busy and "record" in audit.count.text())
    written.append(save(audit, out_dir / "11-audit.png"))
    audit.close()
    window.close()
    return written


# --- the pass in the smallest window ------------------------------------------------------------
def _pass_views(backend: Backend, out_dir: Path) -> list[Path]:
    """At 1024x700, the least the window is made for: the pass beside the form, beside a
    checklist scrolled to its end, and masked (Esc)."""
    from tapdesk.ui.window.main_window import MainWindow

    window = MainWindow(backend, clock=ShiftedClock(backend.clock), heartbeat_ms=0)
    window.resize(*SMALL)
    window.show()
    window.start()
    settle(window)
    _find(window, "andy", "andy.app@")
    window.form.set_path(None)  # a pass only
    window.issue()
    pump(lambda: window.passes.has_value or not window.form.message.isHidden())
    settle(window)
    written = [save(window, out_dir / "19-pass-shown-1024x700.png")]

    _find(window, "sam", "sam.synced@")
    window.form.set_path("passkey-authenticator")
    panel = window.guide.panel
    panel.start_button.click()
    settle(window)
    panel.rows["confirm-identity"].tick_button.click()
    panel.rows["issue-pass"].issue_button.click()
    if window.confirm_dialog is not None:  # Sam's pass from an earlier tour in this home
        window.confirm_dialog.action_button.click()
    pump(lambda: window.passes.has_value or not window.passes.error.isHidden())
    settle(window)
    bar = window.work.tasks.verticalScrollBar()
    bar.setValue(bar.maximum())
    settle(window)
    written.append(save(window, out_dir / "20-checklist-scrolled-1024x700.png"))

    window.escape()  # masked: dots, no QR, and Show to bring it back
    settle(window)
    written.append(save(window, out_dir / "21-pass-masked-1024x700.png"))
    window.close()
    return written


# --- the onboarding checklist and the simulated phone -------------------------------------------
def _onboarding(backend: Backend, out_dir: Path) -> list[Path]:
    """A passkey flow from start to done with the simulated phone, a throttled check, the phone
    refusing a spent pass, and (in the dark palette) a session resumed after a restart."""
    from tapdesk.demo import Fault
    from tapdesk.ui.window.main_window import MainWindow

    tenant = backend.services().demo
    assert tenant is not None
    clock = ShiftedClock(backend.clock)  # moved on instead of waiting for polls and backoff
    window = MainWindow(backend, clock=clock, heartbeat_ms=0)
    window.resize(*SIZE)
    window.show()
    window.start()
    settle(window)
    _find(window, "nora", "nora.newhire@")
    window.form.set_path("passkey-authenticator")
    window.form.one_time.setChecked(True)
    panel = window.guide.panel
    panel.start_button.click()
    settle(window)
    written = [_shot(window, panel, out_dir / "12-checklist-started.png")]

    panel.rows["confirm-identity"].tick_button.click()
    panel.rows["issue-pass"].issue_button.click()
    pump(lambda: window.passes.has_value or not window.banner.isHidden())
    settle(window)
    written.append(save(window, out_dir / "13-checklist-waiting.png"))

    _on_phone(window, clock, "authenticator-ios", "add-account")
    clock.offset += timedelta(seconds=75)  # the registration window runs
    window.tick()
    written.append(
        _shot(window, panel.rows["create-passkey"], out_dir / "14-checklist-countdown.png")
    )

    tenant.inject(Fault.throttle("30", path_contains="fido2Methods"))
    _poll(window, clock)
    written.append(_shot(window, panel.problem_note, out_dir / "15-checklist-throttled.png"))
    tenant.clear_faults()

    clock.offset += timedelta(seconds=35)  # past Graph's Retry-After
    _on_phone(window, clock, "passkey-android", "create-passkey")
    panel.rows["windows-oobe"].tick_button.click()
    settle(window)
    panel.rows["revoke-pass"].revoke_button.click()
    _confirm(window)
    _poll(window, clock)
    pump(lambda: panel.session is not None and panel.session.complete)
    settle(window)
    written.append(_shot(window, panel, out_dir / "16-checklist-done.png"))

    phone = window.guide.phone
    assert phone is not None
    phone.buttons["sign-in"].click()  # the pass is gone: the phone says so
    settle(window)
    written.append(save(phone, out_dir / "17-phone-refused.png"))

    # A session left open (OOBE, pass issued), then tapdesk starts again: the value is gone.
    _find(window, "priya", "priya.passkey@")
    window.form.set_path("oobe-pass")
    window.form.one_time.setChecked(False)
    _issue(window)
    pump(lambda: window.passes.has_value or not window.banner.isHidden())
    settle(window)
    left_open = panel.session.session_id if panel.session is not None else ""
    window.close()
    written.append(_resumed(backend, left_open, out_dir / "18-dark-checklist-resumed.png"))
    return written


def _shot(window: MainWindow, widget: QWidget, path: Path) -> Path:
    """The window, scrolled so ``widget`` (a checklist part) is in view."""
    window.work.reveal(widget)
    QApplication.processEvents()
    return save(window, path)


def _poll(window: MainWindow, clock: ShiftedClock) -> None:
    """One foreground poll interval later (the heartbeat would do it in real time)."""
    clock.offset += timedelta(seconds=13)
    window.tick()
    settle(window)


def _on_phone(window: MainWindow, clock: ShiftedClock, key: str, step_id: str) -> None:
    """The new hire does it on the phone; the checklist sees it on its next check. On a demo
    tenant already used for this (a second screenshot run), the step is overridden instead."""
    phone, panel = window.guide.phone, window.guide.panel
    assert phone is not None and panel.session is not None
    session = panel.session
    phone.buttons[key].click()
    settle(window)
    _poll(window, clock)
    if not session.checklist.record(step_id).state.finished:
        window.guide.onboarding.override(
            session.session_id, step_id, "Screenshot run: already registered in this demo tenant"
        )
        settle(window)


def _resumed(backend: Backend, session_id: str, path: Path) -> Path:
    with _dark_window(backend) as window:
        pump(lambda: window.guide.onboarding.resume_done)
        settle(window)
        if window.open_session(session_id):
            settle(window)
        shot = _shot(window, window.guide.panel, path)
        # Leave no open session of ours behind in the store (other sessions are not ours).
        window.guide.onboarding.abandon(session_id, "Screenshot run")
        settle(window)
        return shot


def _new_hire(backend: Backend, out_dir: Path) -> Path:
    """The new hire's own view of their pass (full screen on their monitor; a window here)."""
    from tapdesk.ui.window.main_window import MainWindow

    window = MainWindow(backend, heartbeat_ms=0)
    window.resize(*SIZE)
    window.show()
    window.start()
    settle(window)
    _find(window, "ava", "ava.newhire@")
    window.issue()
    pump(lambda: window.passes.has_value or not window.banner.isHidden())
    settle(window)
    window.tick()
    window.show_new_hire()  # as the button does; then a window of the README's size
    view = window.new_hire
    if view is None:
        raise TapdeskError("The new hire's view did not open.", title="Screenshots")
    view.show_on(QApplication.primaryScreen(), full_screen=False)
    view.resize(1280, 800)
    for _ in range(3):  # the pass is sized to the view's height, then laid out again
        QApplication.processEvents()
    try:
        return save(view, out_dir / "22-new-hire-view.png")
    finally:
        window.close()


def _tidy(backend: Backend, since: datetime) -> None:
    """Close the checklists this run opened (each pass issued starts one), so the technician's
    next start does not resume them; sessions that were open before are left alone."""
    from tapdesk.ui.window.main_window import MainWindow

    window = MainWindow(backend, heartbeat_ms=0)
    window.start()
    pump(lambda: window.guide.onboarding.resume_done)
    for session in window.guide.onboarding.sessions():
        if not session.closed and session.checklist.snapshot().opened_at >= since:
            window.guide.onboarding.abandon(session.session_id, "Screenshot run")
    settle(window)
    window.close()
