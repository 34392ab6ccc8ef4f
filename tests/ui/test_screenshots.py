"""``--screenshots DIR`` writes the main states as PNGs, against the demo tenant only."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage

from tapdesk.app.services import Backend
from tapdesk.errors import ConfigError
from tapdesk.ui.dev.screenshots import write_screenshots
from tests.helpers.qt import auth_services, decode, token_services

EXPECTED = [
    "01-signed-out.png",
    "02-device-code.png",
    "03-user-found.png",
    "04-pass-shown.png",
    "05-pass-expired.png",
    "06-user-problems.png",
    "07-error-banner.png",
    "08-dark-pass-shown.png",
    "09-roster.png",
    "10-roster-problems.png",
    "11-audit.png",
    "12-checklist-started.png",
    "13-checklist-waiting.png",
    "14-checklist-countdown.png",
    "15-checklist-throttled.png",
    "16-checklist-done.png",
    "17-phone-refused.png",
    "18-dark-checklist-resumed.png",
    "19-pass-shown-1024x700.png",
    "20-checklist-scrolled-1024x700.png",
    "21-pass-masked-1024x700.png",
    "22-new-hire-view.png",
]


def test_screenshots_of_the_main_states(qtbot, tenant, clock, tmp_path):
    tenant.auto_approve_after = None
    services = auth_services(tenant, clock, tmp_path / "home")
    try:
        written = write_screenshots(Backend.of(services), tmp_path / "shots")
    finally:
        services.close()
    assert [p.name for p in written] == EXPECTED
    for path in written:
        image = QImage(str(path))
        assert not image.isNull() and image.width() >= 600
    shots = tmp_path / "shots"
    for name in ("04-pass-shown.png", "19-pass-shown-1024x700.png"):
        assert len(decode(QImage(str(shots / name)))) == 1, name  # the QR on the page scans
    scrolled = QImage(str(shots / "20-checklist-scrolled-1024x700.png"))
    assert len(decode(scrolled)) == 1  # the checklist scrolled, the pass still in view
    assert decode(QImage(str(shots / "21-pass-masked-1024x700.png"))) == []
    new_hire = QImage(str(shots / "22-new-hire-view.png"))
    assert (new_hire.width(), new_hire.height()) == (1280, 800)
    assert len(decode(new_hire)) == 1  # theirs scans too


def test_screenshots_refuse_a_real_tenant(qtbot, tenant, clock, tmp_path):
    services = token_services(tenant, clock, tmp_path)
    services.demo = None
    with pytest.raises(ConfigError):
        write_screenshots(Backend.of(services), tmp_path / "shots")
