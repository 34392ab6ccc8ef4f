"""Paint, once and off screen, what the technician's first selection, first pass and first
checklist will paint.

The first time a card or a pass is painted costs more than every later time: PySide binds the
Qt types and enums the painting touches, the style sheets are polished, and the fonts' glyphs
are drawn into the cache. Timed around the window's own calls and paints (PySide 6.11, this
project's 2-core machines): the first selection's turn went from about 20 to 14 ms, the first
pass's from 16 to 10 ms; the first checklist's notes, rich text with marks and links, are the
third. Each rehearsal is a throwaway widget for a made-up person, never
shown and deleted at once; nothing real is in it.
"""

from __future__ import annotations

from PySide6.QtCore import QSize

from tapdesk.core.models import User

SAMPLE = User(
    "00000000-0000-0000-0000-000000000000",
    "sample.person@example.com",
    display_name="Sample Person",
    account_enabled=True,
    user_type="Member",
    job_title="Job title",
    department="Department",
)
SAMPLE_URL = "https://mysignins.microsoft.com/security-info?login_hint=sample.person%40example.com"


def card(size: QSize) -> None:
    """A user's card as a selection first shows it (loading its status)."""
    from tapdesk.ui.widgets.user_card import UserCard

    rehearsal = UserCard()
    rehearsal.resize(size)
    rehearsal.set_signed_in(True)
    rehearsal.show_user(SAMPLE)
    rehearsal.set_loading(True)
    rehearsal.grab()
    rehearsal.deleteLater()


def problems(size: QSize) -> None:
    """A card's findings, one of each kind: after the card alone, a selection's first problem
    rows still took 4-6 ms more than later ones (1.4 ms after this). A turn of its own: with
    the card's, the one turn took 25 ms."""
    from tapdesk.core.readiness import Finding, Severity
    from tapdesk.ui.widgets.user_card import UserCard

    rehearsal = UserCard()
    rehearsal.resize(size)
    rehearsal.set_problems(
        [Finding("sample", kind, "A made-up finding.", "A made-up hint.") for kind in Severity]
    )
    rehearsal.grab()
    rehearsal.deleteLater()


def pass_and_code(largest: float, width: int) -> None:
    """A pass in its large type, and a QR code (of the sign-in page, never of a pass)."""
    from tapdesk.ui.qr import QrView
    from tapdesk.ui.widgets.pass_text import PassText

    text = PassText(largest=largest)
    text.resize(max(width, 200), 120)
    text.set_groups(["AbCd", "eF12", "+3gH", "4=jK"], masked=False)
    text.grab()
    text.deleteLater()
    code = QrView()
    code.resize(200, 200)
    code.set_payload(SAMPLE_URL)
    code.grab()
    code.deleteLater()


def notes(width: int) -> None:
    """A checklist's notes: rich text with bullets, a warning sign and a link, as the steps and
    "Before you start" show them (the first rich text a window lays out costs the most)."""
    from tapdesk.ui.text import RichLabel

    rehearsal = RichLabel(
        "• A made-up precondition for a sample person.<br>"
        "⚠ A made-up caveat, <a href='why:0'>why</a>, <b>marked</b> <i>field-tested</i>."
    )
    rehearsal.resize(max(width, 200), 80)
    rehearsal.grab()
    rehearsal.deleteLater()
