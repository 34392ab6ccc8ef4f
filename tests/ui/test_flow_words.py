"""The checklist's words as the pass and the account make them, with where each comes from.

A small flow written here (not the shipped ones, whose wording changes) on a checklist panel:
placeholders and ``when`` lines follow the pass of each session, cited lines carry a "Why?" that
shows and opens their pages, field-tested ones say so, and flow text never becomes markup.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QTextDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QToolTip

from tapdesk.core.flow_text import TextFacts, render
from tapdesk.core.flows import Action, parse_flow
from tapdesk.core.models import TemporaryAccessPass, User
from tapdesk.ui.onboarding.before import HEADING
from tapdesk.ui.onboarding.panel import ChecklistPanel
from tapdesk.ui.onboarding.sources import FIELD_TESTED_TIP, WHY_TIP
from tapdesk.ui.onboarding.step_body import FALLBACK_HEADING
from tapdesk.ui.text import plain_tip
from tapdesk.workflows.onboarding import OnboardingSession
from tests.helpers.clock import START
from tests.helpers.demo import UPN
from tests.helpers.qt import WAIT_MS, read, tip_text
from tests.ui.onboarding_helpers import FLOWS, onboarding_window, session_of, settle, start_flow

TAP_DOC = "https://learn.microsoft.com/entra/identity/authentication/howto-authentication-temporary-access-pass"
HELLO_DOC = "https://learn.microsoft.com/windows/security/identity-protection/hello-for-business/"
WEB_DOC = "https://support.microsoft.com/account-billing/web-sign-in"
STEP_DOCS = (
    "https://learn.microsoft.com/entra/identity/authentication/how-to-enable-authenticator-passkey",
    "https://support.microsoft.com/authenticator/passkeys",
)
WORDS_FLOW = f'''
id = "words"
title = "Words"
summary = "A flow whose words depend on the pass."
preconditions = [
    {{ text = "The PC joins Microsoft Entra ID during setup.", cite = "{TAP_DOC}" }},
    {{ text = "The pass can be typed {{pass_uses}}.", house = true }},
]
caveats = [{{ text = "Some sites block this in the field.", field_tested = true }}]

[[steps]]
id = "issue"
title = "Issue the pass"
kind = "action"
action = "issue_pass"
say = ["I am creating a {{pass_kind}} pass for you."]

[[steps]]
id = "sign-in"
title = "Sign in with the pass"
kind = "manual"
say = [
    "Type the {{pass_kind}} pass where Windows asks for it.",
    {{ text = "It works only once: type it carefully.", when = "one_time" }},
    {{ text = "You can type it again until {{pass_expires}}.", when = "reusable" }},
]
caveats = [
    {{ text = "Windows Hello starts within ten minutes.", cite = ["{HELLO_DOC}"] }},
    {{ text = "A restart in between asks for it again.", field_tested = true }},
    {{ text = "tapdesk ticks nothing here.", house = true }},
]
fallback = [
    {{ text = "Sign in on the web instead.", cite = "{WEB_DOC}" }},
    {{ text = "Issue a new pass for the second prompt.", when = "one_time", house = true }},
]

[[steps]]
id = "hello"
title = "Set up Windows Hello"
kind = "manual"
field_tested = true
say = ["Choose a PIN when Windows offers it."]
fallback = [{{ text = "Reboot and sign in again.", when = "reusable", field_tested = true }}]

[[steps]]
id = "passkey"
title = "Create a passkey"
kind = "manual"
cite = ["{STEP_DOCS[0]}", "{STEP_DOCS[1]}"]
say = ["Open Authenticator and add a passkey."]
'''
HOSTILE = '<b>bold</b> <a href="javascript:alert(1)">click</a> <img src="file:///dev/zero">'
HOSTILE_FLOW = f"""
id = "hostile"
title = "Hostile"
summary = "Flow text that looks like markup."
preconditions = ['{HOSTILE}']
caveats = ['{HOSTILE}']

[[steps]]
id = "issue"
title = "Issue"
kind = "action"
action = "issue_pass"
say = ['{HOSTILE}']
caveats = [{{ text = '{HOSTILE}', cite = "{TAP_DOC}" }}]
fallback = [{{ text = '{HOSTILE}', field_tested = true }}]
"""
AVA = User("u-ava", "ava.newhire@northwind.example", "Ava Newhire")
BEA = User("u-bea", "bea.newhire@northwind.example", "Bea Newhire")
ISSUED = START + timedelta(minutes=1)


def a_pass(*, usable_once: bool) -> TemporaryAccessPass:
    return TemporaryAccessPass("tap-1", ISSUED, None, 60, usable_once, True)


def issued_session(flow, user, clock, *, usable_once, methods=()) -> OnboardingSession:
    session = OnboardingSession.start(flow, user, technician="tess", clock=clock)
    session.pass_issued(a_pass(usable_once=usable_once), methods)
    return session


@pytest.fixture
def flow():
    return parse_flow(WORDS_FLOW, source="words.toml")


@pytest.fixture
def panel(qtbot):
    panel = ChecklistPanel()
    qtbot.addWidget(panel)
    panel.resize(700, 900)
    return panel


def show(qtbot, panel, session):
    panel.show_session(session)
    qtbot.waitUntil(lambda: not panel.revealing, timeout=WAIT_MS)


def text(label: QLabel) -> str:
    """What the label reads, one line per line."""
    return read(label).replace("\u2028", "\n").replace("\xa0", " ")


def links(label: QLabel) -> list[tuple[str, str, str]]:
    """Every link in the label: (the line's text before it, href, the link's words); and no
    image of any kind may be in it."""
    document = QTextDocument()
    document.setHtml(QLabel.text(label))
    found = []
    block = document.begin()
    while block.isValid():
        line = ""
        fragments = block.begin()
        while not fragments.atEnd():
            fragment = fragments.fragment()
            form = fragment.charFormat()
            assert not form.isImageFormat(), "flow text made an image"
            words = fragment.text().replace("\u200b", "")
            if form.isAnchor():
                found.append((line.split("\u2028")[-1].strip(" \xa0”"), form.anchorHref(), words))
            line += words
            fragments += 1
        block = block.next()
    return found


def hover_point(qtbot, label: QLabel, href: str) -> QPoint:
    """Where the mouse is over ``href``: found by moving it across the label, as a person would."""
    hovered: list[str] = []
    label.linkHovered.connect(hovered.append)
    try:
        for y in range(2, label.height(), 4):
            for x in range(1, label.width(), 3):
                QTest.mouseMove(label, QPoint(x, y))
                if hovered and hovered[-1] == href:
                    return QPoint(x, y)
    finally:
        label.linkHovered.disconnect(hovered.append)
    raise AssertionError(f"no link {href} under the mouse")


# -- one row, two passes ------------------------------------------------------------------------
def test_a_reused_row_says_what_each_sessions_pass_is(qtbot, panel, flow, clock):
    once = issued_session(flow, AVA, clock, usable_once=True)
    reusable = issued_session(flow, BEA, clock, usable_once=False)

    show(qtbot, panel, once)
    row = panel.rows["sign-in"]
    said = text(row.say)
    assert "Type the one-time pass where Windows asks for it." in said
    assert "It works only once" in said and "type it again" not in said
    assert "Issue a new pass for the second prompt." in text(row.fallback)

    show(qtbot, panel, reusable)
    assert panel.rows["sign-in"] is row  # built once for the flow, reused
    said = text(row.say)
    assert "Type the temporary pass where Windows asks for it." in said
    until = (ISSUED + timedelta(minutes=60)).astimezone().strftime("%H:%M")
    assert f"You can type it again until {until}." in said
    assert "only once" not in said and "{" not in said
    assert "second prompt" not in text(row.fallback)

    show(qtbot, panel, once)
    assert "one-time pass" in text(row.say)


def test_before_the_issue_the_words_follow_the_forms_choice(qtbot, panel, flow, clock):
    session = OnboardingSession.start(flow, AVA, technician="tess", clock=clock)
    show(qtbot, panel, session)
    row = panel.rows["issue"]
    panel.set_issue_state(True, "A one-time pass", TextFacts(usable_once=True, lifetime_minutes=60))
    assert "I am creating a one-time pass for you." in text(row.say)
    reusable = TextFacts(usable_once=False, lifetime_minutes=90)
    panel.set_issue_state(True, "A reusable pass", reusable)
    assert "I am creating a temporary pass for you." in text(row.say)
    uses = render(flow.preconditions, reusable)[1].text  # {pass_uses}: flow_text's own words
    assert uses in text(panel.before.text) and "{" not in text(panel.before.text)

    session.pass_issued(a_pass(usable_once=True), ())  # now the pass decides, not the form
    panel.refresh()
    assert "one-time pass" in text(panel.rows["sign-in"].say)
    issued = panel.text_facts(session)
    assert (issued.usable_once, issued.lifetime_minutes) == (True, 60)
    assert render(flow.preconditions, issued)[1].text in text(panel.before.text)
    assert uses not in text(panel.before.text)


# -- where each line comes from -----------------------------------------------------------------
def test_a_cited_caveat_shows_its_pages_and_opens_the_first(qtbot, panel, flow, clock, monkeypatch):
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    show(qtbot, panel, issued_session(flow, AVA, clock, usable_once=True))
    caveats = panel.rows["sign-in"].caveats
    caveats.parentWidget().show()  # the row's body: open to be hovered
    assert links(caveats) == [
        ("⚠ Windows Hello starts within ten minutes.", "why:0", "Why?"),
        ("⚠ A restart in between asks for it again.", "tested", "field-tested"),
    ]  # and the house line has no mark

    point = hover_point(qtbot, caveats, "why:0")
    qtbot.waitUntil(lambda: QToolTip.isVisible(), timeout=WAIT_MS)
    assert QToolTip.text() == plain_tip(WHY_TIP, HELLO_DOC)  # plain text: no link in it
    QTest.mouseClick(caveats, Qt.MouseButton.LeftButton, pos=point)
    assert [url.toString() for url in opened] == [HELLO_DOC]

    point = hover_point(qtbot, caveats, "tested")
    qtbot.waitUntil(lambda: tip_text(QToolTip.text()) == FIELD_TESTED_TIP, timeout=WAIT_MS)
    QTest.mouseClick(caveats, Qt.MouseButton.LeftButton, pos=point)
    assert len(opened) == 1  # a field-tested line has no page to open


def test_a_steps_pages_give_its_words_a_why(qtbot, panel, flow, clock, monkeypatch):
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    show(qtbot, panel, issued_session(flow, AVA, clock, usable_once=True))
    say = panel.rows["passkey"].say
    assert links(say) == [("Say:", "why:0", "Why?")]
    assert tip_text(say.tip("why:0")) == "\n".join((WHY_TIP, *STEP_DOCS))
    say.linkActivated.emit("why:0")  # Enter on the link (keyboard): the first page
    assert [url.toString() for url in opened] == [STEP_DOCS[0]]
    assert links(panel.rows["sign-in"].say) == []  # no pages: no Why?


def test_a_field_tested_step_says_so_and_a_fallback_shows_only_with_lines(
    qtbot, panel, flow, clock
):
    show(qtbot, panel, issued_session(flow, AVA, clock, usable_once=True))
    hello, sign_in = panel.rows["hello"], panel.rows["sign-in"]
    assert not hello.field_tested.isHidden()
    assert hello.field_tested.text() == "field-tested"
    assert "No Microsoft page documents" in tip_text(hello.field_tested.toolTip())
    assert sign_in.field_tested.isHidden()

    assert not sign_in.fallback.isHidden()
    assert text(sign_in.fallback).startswith(FALLBACK_HEADING)
    assert links(sign_in.fallback)[0] == ("• Sign in on the web instead.", "why:0", "Why?")
    assert hello.fallback.isHidden()  # its only line is for a reusable pass
    assert panel.rows["passkey"].fallback.isHidden()  # none at all

    show(qtbot, panel, issued_session(flow, BEA, clock, usable_once=False))
    assert not hello.fallback.isHidden()
    assert links(hello.fallback) == [("• Reboot and sign in again.", "tested", "field-tested")]


def test_flow_text_that_looks_like_markup_shows_as_text(qtbot, panel, clock, monkeypatch):
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    hostile = parse_flow(HOSTILE_FLOW, source="hostile.toml")
    show(qtbot, panel, OnboardingSession.start(hostile, AVA, technician="tess", clock=clock))
    row = panel.rows["issue"]
    for label in (row.say, row.caveats, row.fallback, panel.before.text):
        assert HOSTILE in text(label), label.accessibleName()
        for _line, href, _words in links(label):  # each also checks: no image
            assert href in ("why:0", "why:1", "tested"), href
    assert [href for _l, href, _w in links(row.caveats)] == ["why:0"]
    for label in (row.say, row.caveats):
        label.linkActivated.emit("javascript:alert(1)")  # not one of ours: nothing opens
        assert label.tip("javascript:alert(1)") == ""
    row.caveats.linkActivated.emit("why:0")
    assert [url.toString() for url in opened] == [TAP_DOC]


# -- before you start ---------------------------------------------------------------------------
def test_before_you_start_is_open_until_the_pass_and_one_click_toggles(qtbot, panel, flow, clock):
    session = OnboardingSession.start(flow, AVA, technician="tess", clock=clock)
    show(qtbot, panel, session)
    before = panel.before
    assert not before.isHidden() and before.toggle.text() == HEADING
    shown = text(before.text)
    assert "• The PC joins Microsoft Entra ID during setup." in shown
    assert "⚠ Some sites block this in the field." in shown
    assert [href for _l, href, _w in links(before.text)] == ["why:0", "tested"]
    assert before.text.pages("why:0") == (TAP_DOC,)
    assert before.opened

    before.toggle.click()
    assert not before.opened
    before.toggle.click()
    assert before.opened

    session.pass_issued(a_pass(usable_once=True), ())
    panel.refresh()
    assert not before.opened  # folded once the pass is out
    before.toggle.click()
    assert before.opened
    panel.refresh()
    assert before.opened  # the technician's choice holds while nothing changes


def test_a_flow_without_preconditions_or_caveats_has_no_before_block(qtbot, panel, clock):
    bare = parse_flow(
        'id = "bare"\ntitle = "Bare"\nsummary = "s"\n'
        '[[steps]]\nid = "a"\ntitle = "A"\nkind = "manual"\nsay = ["Hi."]\n',
        source="bare.toml",
    )
    show(qtbot, panel, OnboardingSession.start(bare, AVA, technician="tess", clock=clock))
    assert panel.before.isHidden()


# -- on the window: the form, the card and the pass feed the words ------------------------------
def test_the_window_renders_the_words_from_the_form_the_card_and_the_pass(
    qtbot, tenant, clock, tmp_path
):
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home")
    flow = FLOWS["oobe-pass"]
    session = start_flow(qtbot, window, UPN["andy.app"], flow)  # Andy has Authenticator
    panel = window.guide.panel
    qtbot.waitUntil(lambda: panel.text_facts(session).has_authenticator is True, timeout=WAIT_MS)
    window.form.one_time.setChecked(True)
    facts = panel.text_facts(session)
    assert (facts.usable_once, facts.lifetime_minutes) == (True, window.form.lifetime.value())
    window.form.one_time.setChecked(False)
    assert panel.text_facts(session).usable_once is False
    expected = render(flow.preconditions, panel.text_facts(session))
    assert all(line.text in text(panel.before.text) for line in expected)
    assert panel.before.opened

    start_flow(qtbot, window, UPN["ava.newhire"], flow)  # only a password: no Authenticator
    ava = session_of(window)
    qtbot.waitUntil(lambda: panel.text_facts(ava).has_authenticator is False, timeout=WAIT_MS)
    window.form.one_time.setChecked(True)
    issue_step = flow.action_step(Action.ISSUE_PASS)
    assert issue_step is not None
    panel.rows["confirm-identity"].tick_button.click()  # who the new hire is, first
    panel.rows[issue_step.id].issue_button.click()
    qtbot.waitUntil(lambda: ava.pass_facts is not None, timeout=WAIT_MS)
    settle(qtbot, window)
    window.form.one_time.setChecked(False)  # the form no longer decides: the pass does
    facts = panel.text_facts(ava)
    assert facts.usable_once is True and facts.has_authenticator is False
    assert facts.expires == ava.pass_facts.expires
    assert not panel.before.opened
