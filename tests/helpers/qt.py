"""Driving the real window against the demo tenant: services, waits, reading the screen."""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import shiboken6
import zxingcpp
from keyring.backend import KeyringBackend
from PySide6.QtCore import QEvent, QModelIndex
from PySide6.QtGui import QColor, QHelpEvent, QImage, Qt, QTextDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel, QToolTip, QWidget

from tapdesk.app.services import Backend, Services
from tapdesk.config import Settings
from tapdesk.core.flows import Action
from tapdesk.core.models import User
from tapdesk.demo import DEMO_GRAPH_URL, DEMO_TECHNICIAN_UPN, DEMO_TENANT_ID, DemoTenant
from tapdesk.graph.client import GraphClient
from tapdesk.runtime.paths import AppPaths
from tapdesk.store import open_store
from tapdesk.ui.window.main_window import MainWindow
from tests.helpers.demo import ScriptedBrowser
from tests.helpers.keyring import MemoryKeyring

WAIT_MS = 10_000


def token_services(
    tenant: DemoTenant,
    clock: Any,
    home: Path,
    *,
    upn: str = DEMO_TECHNICIAN_UPN,
    scopes: list[str] | None = None,
    transport: httpx.BaseTransport | None = None,
    **settings: Any,
) -> Services:
    """Real GraphClient over the tenant's transport with a minted token (no MSAL round trip)."""
    token = tenant.access_token(upn, scopes)
    graph = GraphClient(
        DEMO_GRAPH_URL,
        lambda force_refresh=False: token,
        transport=transport or tenant.transport(),
        clock=clock,
    )
    paths = AppPaths.default({"TAPDESK_HOME": str(home)})
    # As the composition root does: the audit trail in the home folder (without one no pass is
    # issued), and for TAPDESK_ACCESS_TOKEN a token, so nobody signs in.
    store, _notices = open_store(paths, clock=clock)
    store.tenant_id = DEMO_TENANT_ID
    return Services(
        Settings(demo=True, access_token=token, **settings),
        paths,
        graph,
        None,
        clock,
        tenant,
        store=store,
    )


def auth_services(
    tenant: DemoTenant,
    clock: Any,
    home: Path,
    *,
    open_browser: Callable[[str], bool] | None = None,
    keyring: KeyringBackend | None = None,
    **settings: Any,
) -> Services:
    """The composition root's own wiring: real MSAL with a scripted browser, memory keyring
    (or ``keyring``: pass one to several runs, one computer's across restarts)."""
    from tapdesk.app.main import build_services

    browser = ScriptedBrowser(httpx.Client(transport=tenant.transport()))
    paths = AppPaths.default({"TAPDESK_HOME": str(home)})
    return build_services(
        Settings(demo=True, **settings),
        paths,
        clock=clock,
        demo_tenant=tenant,
        keyring_backend=keyring or MemoryKeyring(),
        open_browser=open_browser or browser.open,
    )


def settings_with(services: Services, **changes: Any) -> Services:
    return dataclasses.replace(services, settings=dataclasses.replace(services.settings, **changes))


def show_window(qtbot: Any, services: Services, *, sign_in: bool = True) -> MainWindow:
    """The window on ``services`` at 1280x860, shown; signed in with the policy read. The
    heartbeat is off: tests drive ``tick()`` on the fake clock."""
    window = MainWindow(Backend.of(services), heartbeat_ms=0)
    qtbot.addWidget(window)
    window.resize(1280, 860)
    window.show()
    qtbot.waitExposed(window)
    if sign_in:
        sign_in_with_token(qtbot, window)
    return window


def signed_out_window(qtbot: Any, services: Services) -> MainWindow:
    """The window on sign-in services at 1280x860, started: signed out, nobody signed in yet."""
    window = MainWindow(Backend.of(services), heartbeat_ms=0)
    qtbot.addWidget(window)
    window.resize(1280, 860)
    window.show()
    window.start()
    wait_idle(qtbot, window)
    return window


def click_through_the_window(window: QWidget, widget: QWidget) -> None:
    """A click on ``widget`` delivered as the platform delivers it: to its window first (QTest's
    clicks on a widget go to the widget alone; the idle watch listens at the window)."""
    handle = window.windowHandle()
    assert handle is not None
    centre = widget.mapTo(window, widget.rect().center())
    QTest.mouseClick(handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)


def wait_idle(qtbot: Any, window: MainWindow, timeout: int = WAIT_MS) -> None:
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=timeout)


def sign_in_with_token(qtbot: Any, window: MainWindow) -> None:
    window.start()
    qtbot.waitUntil(
        lambda: window.technician is not None and window.policy is not None, timeout=WAIT_MS
    )
    wait_idle(qtbot, window)


def search(qtbot: Any, window: MainWindow, text: str) -> list[User]:
    """Type as a technician does: each keystroke edits the box; the debounce fires once."""
    box = window.search.box
    box.setFocus()
    box.clear()
    qtbot.keyClicks(box, text)
    qtbot.waitUntil(
        lambda: window.search.results.count() > 0 or "No match" in window.search.status.text(),
        timeout=WAIT_MS,
    )
    wait_idle(qtbot, window)
    return window.search.users()


def open_user(qtbot: Any, window: MainWindow, text: str, upn: str) -> User:
    users = search(qtbot, window, text)
    user = next(u for u in users if u.user_principal_name == upn)
    window.select_user(user)
    qtbot.waitUntil(lambda: window.facts is not None and window.facts.tap_known, timeout=WAIT_MS)
    wait_idle(qtbot, window)
    return user


def issue(qtbot: Any, window: MainWindow) -> None:
    """Issue with the form's settings; on a checklist path, as a technician then does: tick
    what comes before the pass (who the new hire is) and issue from the checklist's step."""
    assert window.form.can_issue, window.form.blocked_note.text()
    window.form.issue_button.click()
    through_checklist(qtbot, window)
    qtbot.waitUntil(
        lambda: (
            window.passes.has_value
            or not window.form.message.isHidden()  # an issue error shows by the Issue button
            or not window.passes.error.isHidden()  # the checklist's Issue: in the pass column
            or not window.banner.isHidden()
        ),
        timeout=WAIT_MS,
    )
    wait_idle(qtbot, window)


def through_checklist(qtbot: Any, window: MainWindow) -> None:
    """The form's Issue started a checklist at its steps before the pass (no pass issued):
    tick them and click the checklist's Issue. Nothing to do when the form issued."""
    session = window.guide.panel.session
    if session is None or session.closed or session.pass_facts is not None:
        return
    waiting = session.checklist.unfinished_before_issue()
    if not waiting:
        return
    rows = window.guide.panel.rows
    for step in waiting:
        qtbot.waitUntil(lambda step=step: rows[step.id].tick_button.isVisible(), timeout=WAIT_MS)
        rows[step.id].tick_button.click()
    step = session.flow.action_step(Action.ISSUE_PASS)
    assert step is not None
    button = rows[step.id].issue_button
    qtbot.waitUntil(lambda: button.isVisible() and button.isEnabled(), timeout=WAIT_MS)
    button.click()


def confirm(qtbot: Any, window: MainWindow, *, accept: bool = True) -> str:
    """Answer the window's "Replace…?" or "Revoke…?" question; returns its text. The action
    button is clicked as a technician would (Cancel is the default, so Enter would not do)."""
    qtbot.waitUntil(lambda: window.confirm_dialog is not None, timeout=WAIT_MS)
    dialog = window.confirm_dialog
    assert dialog is not None and dialog.isVisible()
    text = dialog.question.text()
    (dialog.action_button if accept else dialog.cancel_button).click()
    qtbot.waitUntil(lambda: window.confirm_dialog is None, timeout=WAIT_MS)
    return text


def decode(image: QImage) -> list[str]:
    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    return [found.text for found in zxingcpp.read_barcodes(gray)]


def decode_widget(widget: QWidget) -> list[str]:
    """Decode what is on screen: a grab of the widget, as a camera would see it."""
    return decode(widget.grab().toImage())


def grab(widget: QWidget) -> QImage:
    """The widget's pixels as painted, in one format so two grabs compare with ``==``."""
    return widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def ink(image: QImage) -> set[tuple[int, int]]:
    """Where something is drawn: every pixel that differs from the top-left (background) one."""
    background = image.pixel(0, 0)
    return {
        (x, y)
        for y in range(image.height())
        for x in range(image.width())
        if image.pixel(x, y) != background
    }


def blank(image: QImage) -> bool:
    """Nothing drawn: one colour throughout."""
    return not ink(image)


def pixels_of(image: QImage, colour: QColor) -> int:
    """How many pixels are exactly ``colour`` (the solid inside of text or a bar)."""
    rgb = colour.rgb()
    return sum(
        1 for y in range(image.height()) for x in range(image.width()) if image.pixel(x, y) == rgb
    )


def reference_text(qtbot: Any, like: QWidget, text: str) -> QImage:
    """``text`` as a label paints it in ``like``'s font and size: what ``like`` should show,
    drawn without any of its own code.

    The reference is rich text (``text`` escaped, nothing else) because the pass label is: from
    about 52 pt, Qt's plain- and rich-text paths place the same glyphs a pixel apart."""
    label = QLabel(html.escape(text))
    qtbot.addWidget(label)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setFont(like.font())
    label.resize(like.size())
    return grab(label)


def seen(label: QLabel) -> str:
    """What a label shows, as a person reads it: zero-width break points are invisible."""
    return QLabel.text(label).replace("\u200b", "")


def cell_tooltip(view: QAbstractItemView, index: QModelIndex) -> str:
    """The tooltip ``view`` shows when the pointer rests on ``index``'s cell, as a person reads
    it: the help event goes to the viewport, as the platform sends it."""
    view.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
    centre = view.visualRect(index).center()
    viewport = view.viewport()
    QToolTip.hideText()
    QApplication.sendEvent(
        viewport, QHelpEvent(QEvent.Type.ToolTip, centre, viewport.mapToGlobal(centre))
    )
    text = tip_text(QToolTip.text()) if QToolTip.isVisible() else ""
    for widget in QApplication.topLevelWidgets():
        if widget.inherits("QTipLabel"):  # hideText() would leave it up for 300 ms
            shiboken6.delete(widget)  # gone now: the next tip would delete it under a walker
    return text


def tip_text(tip: str | None) -> str:
    """A tooltip as a person reads it (tooltips that look like markup are rendered)."""
    if not tip:
        return ""
    if not Qt.mightBeRichText(tip):
        return tip
    document = QTextDocument()
    document.setHtml(tip)
    return document.toPlainText()


def read(label: QLabel) -> str:
    """A label's text as a person or a screen reader gets it: markup rendered, zero-width break
    points dropped (whether or not the label is on screen right now)."""
    return tip_text(seen(label))
