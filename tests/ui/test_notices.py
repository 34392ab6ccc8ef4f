"""Standing notices in the status bar can be read in full, however long, as plain text."""

from __future__ import annotations

from keyring.backends import fail
from PySide6.QtCore import QPoint, Qt

from tapdesk.auth.cache import NO_KEYRING_NOTICE
from tapdesk.ui.widgets.notices import Notices
from tests.helpers.qt import auth_services, seen, signed_out_window, wait_idle

WAIT_MS = 15_000


def open_details(qtbot, window):
    details = window.notice.details
    qtbot.mouseClick(details, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.notice.box is not None and window.notice.box.isVisible())
    return window.notice.box


def test_the_no_keyring_notice_is_cut_in_the_status_bar_and_whole_in_details(
    qtbot, tenant, clock, tmp_path
):
    """At the smallest usual size the status bar shows the start of the notice; Details…,
    inside the window, shows every word of it."""
    services = auth_services(tenant, clock, tmp_path / "home", keyring=fail.Keyring())
    window = signed_out_window(qtbot, services)
    window.resize(1024, 700)
    window.card.sign_in_button.click()
    qtbot.waitUntil(lambda: window.technician is not None, timeout=WAIT_MS)
    wait_idle(qtbot, window)
    qtbot.waitUntil(window.notice.isVisible)
    shown = seen(window.notice.line)
    assert shown.startswith("ℹ Secure storage (the system keyring) is not available")
    assert shown.endswith("…")  # cut: the line alone does not say what happens next
    details = window.notice.details
    corner = details.mapTo(window, QPoint(details.width() - 1, details.height() - 1))
    assert details.isVisible() and window.rect().contains(corner)

    box = open_details(qtbot, window)
    assert box.textFormat() is Qt.TextFormat.PlainText
    assert box.text() == NO_KEYRING_NOTICE
    box.accept()
    qtbot.waitUntil(lambda: window.notice.box is None)
    services.close()


def test_details_lists_every_notice_as_plain_text(qtbot, tenant, clock, tmp_path):
    """Two notices, one quoting markup from outside: each on its own, shown as written."""
    services = auth_services(tenant, clock, tmp_path / "home")
    window = signed_out_window(qtbot, services)
    window.show_notice("Database", "The database was set aside.", standing=True)
    window.show_notice("Roster", 'File <img src="/dev/zero"> ignored.\nLine two', standing=True)
    box = open_details(qtbot, window)
    assert box.textFormat() is Qt.TextFormat.PlainText
    assert box.text() == (
        'The database was set aside.\n\nFile <img src="/dev/zero"> ignored.⏎Line two'
    )
    box.accept()
    services.close()


def test_the_status_bar_line_stays_one_line(qtbot):
    """A notice quoting a path with a line break: the line shows it as a mark, as the box does."""
    notices = Notices()
    qtbot.addWidget(notices)
    notices.add("Set aside as /tmp/a\nb.db")
    assert notices.line.text() == "ℹ Set aside as /tmp/a⏎b.db"
