"""What keeps the checklist cheap to show, checked by its structure (never by the clock).

Issue 15: the window stalled while step rows of every flow were built ahead, each with its
words, buttons and a style sheet of its own. Now a row is its title line until it opens, rows
are built for the checklist the form offers (or shows), one look serves every row, and the
checklist appears a part per event-loop turn, each after the last one was painted.
"""

from __future__ import annotations

from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from tapdesk.core.checklist import Checklist
from tapdesk.core.models import TemporaryAccessPass
from tapdesk.core.polling import PollPhase
from tapdesk.ui import theme
from tapdesk.ui.onboarding.controller import POLLS_PER_TURN
from tapdesk.ui.onboarding.step_row import StepRow
from tapdesk.ui.theme import Tone
from tapdesk.ui.turns import next_turn
from tapdesk.ui.widgets.chips import Chip
from tests.helpers.demo import UPN
from tests.helpers.qt import WAIT_MS, grab, open_user, sign_in_with_token, wait_idle
from tests.ui.onboarding_helpers import FLOWS, onboarding_window, row, settle, start_flow
from tests.ui.roster_helpers import save_session

AVA = UPN["ava.newhire"]


def step_rows(window: QWidget) -> list[StepRow]:
    """The window's step rows, and any made without a parent (a window of their own)."""
    return [
        w
        for w in QApplication.allWidgets()
        if isinstance(w, StepRow) and (w.window() is window or w.isWindow())
    ]


def test_rows_are_built_only_for_the_checklist_the_form_offers(qtbot, tenant, clock, tmp_path):
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home")
    wait_idle(qtbot, window)
    qtbot.wait(100)  # time enough to build rows in the background, were any wanted
    assert step_rows(window) == []  # started, signed in: no flow's rows yet

    open_user(qtbot, window, "ava", AVA)
    offered = FLOWS[window.form.flow_id]
    steps = {step.id for step in offered.steps}
    qtbot.waitUntil(lambda: len(step_rows(window)) == len(steps), timeout=WAIT_MS)
    qtbot.wait(50)  # and no more come
    assert {r.step.id for r in step_rows(window)} == steps
    assert not any(r.built for r in step_rows(window))  # title lines: no words, no buttons


def test_only_the_open_step_has_its_words_built(qtbot, tenant, clock, tmp_path):
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home")
    session = start_flow(qtbot, window, AVA, FLOWS["passkey-authenticator"])
    active = session.checklist.active_step
    assert active is not None
    rows = window.guide.panel.rows
    assert [step for step, r in rows.items() if r.built] == [active.id]
    assert rows[active.id].body.isVisible()

    folded = rows["create-passkey"]
    folded.toggle.click()  # "Show the words": built when asked for, shown a turn later
    settle(qtbot, window)
    assert folded.built and folded.body.isVisible()
    assert "passkey" in folded.say.text().lower()


def test_every_step_row_takes_its_look_from_one_style_sheet(qtbot, tenant, clock, tmp_path):
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home")
    session = start_flow(qtbot, window, AVA, FLOWS["passkey-authenticator"])
    rows = window.guide.panel.rows
    own = [
        f"{r.step.id}: {type(w).__name__} {w.objectName()}"
        for r in rows.values()
        for w in [r, *r.findChildren(QWidget)]
        # A chip's tone and the timer's colour are their own (a sheet set on change only).
        if w.styleSheet() and not isinstance(w, Chip) and w.accessibleName() != "Timer"
    ]
    assert own == []
    box = rows["confirm-identity"].parentWidget()
    assert box is not None and "#stepRow" in box.styleSheet()

    # What that one sheet draws: the step in progress is tinted, the others are not.
    active = session.checklist.active_step
    assert active is not None
    tinted = theme.css(theme.tint(theme.palette(), Tone.INFO, 0.07))

    def inside(step_id: str) -> str:
        image = grab(rows[step_id])
        return image.pixelColor(image.width() - 6, image.height() // 2).name()

    assert inside(active.id) == tinted
    assert inside("revoke-pass") != tinted


def test_the_next_turn_comes_after_the_paint_of_this_one(qtbot) -> None:
    seen: list[str] = []

    class Painted(QLabel):
        def paintEvent(self, event: QPaintEvent) -> None:
            seen.append("painted")
            super().paintEvent(event)

    label = Painted("before")
    qtbot.addWidget(label)
    label.show()
    qtbot.waitExposed(label)
    qtbot.wait(20)
    seen.clear()
    label.setText("after")
    next_turn(label, lambda: seen.append("next turn"))
    qtbot.waitUntil(lambda: "next turn" in seen, timeout=WAIT_MS)
    assert seen[0] == "painted"  # what this turn changed is on screen before the next begins


def test_the_session_list_is_rebuilt_only_when_a_session_changed(qtbot, tenant, clock, tmp_path):
    """Every poll answer of any session asks the list again; a list rebuilt each time would
    also lose the keyboard's place in it."""
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home")
    start_flow(qtbot, window, AVA, FLOWS["passkey-authenticator"])
    model = window.guide.session_list.list.model()
    rebuilt: list[str] = []
    model.modelReset.connect(lambda: rebuilt.append("reset"))
    model.rowsInserted.connect(lambda *_: rebuilt.append("rows"))
    window.guide.onboarding.sessions_changed.emit()  # as a poll that changed nothing shown
    assert rebuilt == []

    row(window, "confirm-identity").tick_button.click()  # the list says "Now: <next step>"
    settle(qtbot, window)
    assert rebuilt != []


def test_sessions_resumed_at_start_are_listed_in_one_go(qtbot, tenant, clock, tmp_path):
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home", sign_in=False)
    store = window.backend.services().store
    assert store is not None
    for who in ("ava.newhire", "nora.newhire", "priya.passkey"):
        save_session(store, window, who, "issued")
    told: list[str] = []
    onboarding = window.guide.onboarding
    onboarding.sessions_changed.connect(lambda: told.append("changed"))
    listed: list[int] = []
    model = window.guide.session_list.list.model()
    model.rowsInserted.connect(lambda _parent, first, last: listed.append(last - first + 1))
    at_resume: list[tuple[int, int]] = []  # (lines listed, signals) when the resume is done
    onboarding.resumed.connect(lambda _count: at_resume.append((sum(listed), len(told))))

    sign_in_with_token(qtbot, window)
    qtbot.waitUntil(lambda: bool(at_resume), timeout=WAIT_MS)
    # Each line once, not the list again for every session resumed; one signal for them all
    # (and the sign-in's own, before).
    assert at_resume == [(3, 2)]
    assert len(window.guide.session_list.session_ids()) == 3


def test_polls_due_together_start_a_few_per_turn(qtbot, tenant, clock, tmp_path):
    """Sessions resumed at start are all due at once: their requests leave a few per turn (as
    many as the runner has workers), and every one of them is made."""
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home", sign_in=False)
    store = window.backend.services().store
    assert store is not None
    people = (
        "ava.newhire",
        "nora.newhire",
        "sam.synced",
        "erin.existing",
        "alex.admin",
        "pat.priv",
    )
    for who in people:  # sessions of real users: each poll is answered
        upn = UPN[who]
        checklist = Checklist.start(FLOWS["passkey-authenticator"], user_id=tenant.users[upn].id,
                                    upn=upn, technician="tess.tech@northwind.example", clock=clock)  # fmt: skip
        checklist.tick("confirm-identity")
        tap = TemporaryAccessPass(f"pass-{who}", clock.now(), None, 60, True)
        checklist.pass_issued(tap, [])
        store.save_session(checklist.snapshot(), checklist.drain_events())
    sign_in_with_token(qtbot, window)
    qtbot.waitUntil(lambda: window.guide.onboarding.resume_done, timeout=WAIT_MS)
    settle(qtbot, window)
    onboarding = window.guide.onboarding
    pollers = [onboarding.poller(s.session_id) for s in onboarding.sessions()]
    assert len(pollers) == len(people)

    clock.advance(300)  # every background poll is due again
    due = [p for p in pollers if p is not None and p.core.due()]
    assert len(due) > POLLS_PER_TURN
    onboarding.heartbeat()
    flying = [p for p in pollers if p is not None and p.phase is PollPhase.IN_FLIGHT]
    assert len(flying) == POLLS_PER_TURN
    settle(qtbot, window)
    assert all(p is not None and not p.core.due() for p in pollers)


def test_a_step_folds_on_the_turn_the_next_one_opens(qtbot, tenant, clock, tmp_path):
    """The next step's words open a turn after the tick (on a turn of their own); the step just
    done folds on that same turn, so the checklist never shrinks in between (a page scrolled
    to its end would jump)."""
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home")
    start_flow(qtbot, window, AVA, FLOWS["passkey-authenticator"])
    done, upcoming = row(window, "confirm-identity"), row(window, "issue-pass")
    assert not upcoming.built
    seen: list[tuple[bool, bool]] = []

    def look() -> None:  # (the done step folded, the next one open)
        opened = upcoming.built and upcoming.body.isVisible()
        seen.append((done.body.isHidden(), opened))

    done.tick_button.click()
    look()
    while window.guide.panel.revealing:
        qtbot.wait(1)
        look()
    assert seen[0] == (False, False) and seen[-1] == (True, True)
    assert (True, False) not in seen


def test_the_step_the_keyboard_goes_to_is_in_view(qtbot, tenant, clock, tmp_path):
    """The form's Issue on a checklist path at 1024x700: the checklist shows a part per turn,
    and its Mark done, which has the keyboard, is scrolled into view once it shows."""
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home")
    window.resize(1024, 700)
    open_user(qtbot, window, "ava", AVA)
    window.form.issue_button.click()  # the recommended path: who the new hire is, first
    settle(qtbot, window)
    tick = row(window, "confirm-identity").tick_button
    assert window.focusWidget() is tick
    assert window.work.shows_whole(tick)
