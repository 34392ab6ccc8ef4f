"""QR codes from the qrcode matrix: exact pixels, crisp at any pixel ratio, scannable."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QImage

from tapdesk.config import QrPayload, Settings
from tapdesk.ui.qr import QUIET_ZONE, QrView, matrix_image, qr_matrix, qr_payload, signin_url
from tests.helpers.demo import UPN, IssuedPasses
from tests.helpers.qt import decode, decode_widget, issue, open_user


def test_the_matrix_becomes_a_grayscale_image_one_pixel_per_module():
    matrix = qr_matrix("Xy7+kQ2m")
    image = matrix_image(matrix)
    assert image.format() == QImage.Format.Format_Grayscale8
    assert image.width() == image.height() == len(matrix)  # 21 + 2*4 = 29: rows need padding
    assert len(matrix) % 4 != 0
    for y in (0, QUIET_ZONE, len(matrix) // 2):
        for x in range(len(matrix)):
            expected = 0 if matrix[y][x] else 255
            assert image.pixelColor(x, y).red() == expected


def test_scaled_images_keep_square_sharp_modules():
    matrix = qr_matrix("https://mysignins.microsoft.com/security-info")
    image = matrix_image(matrix, 5)
    assert image.width() == len(matrix) * 5
    values = {
        image.pixelColor(x, y).red()
        for x in range(image.width())
        for y in range(0, image.height(), 7)
    }
    assert values == {0, 255}  # nearest neighbour: no grey edges
    assert decode(image) == ["https://mysignins.microsoft.com/security-info"]


@settings(max_examples=15, deadline=None)
@given(
    st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=8, max_size=48)
)
def test_any_pass_round_trips_through_the_image(code):
    assert decode(matrix_image(qr_matrix(code), 3)) == [code]


def test_the_widget_scans_at_device_pixel_ratio_two(qtbot):
    view = QrView(minimum=160)
    qtbot.addWidget(view)
    view.resize(200, 200)
    view.set_payload("Xy7+kQ2m")
    image = view._image(400, 2.0)
    assert image is not None and image.devicePixelRatio() == 2.0
    assert image.width() % len(qr_matrix("Xy7+kQ2m")) == 0
    assert decode(image) == ["Xy7+kQ2m"]
    view.show()
    assert decode_widget(view) == ["Xy7+kQ2m"]
    view.clear()
    assert decode_widget(view) == []


def test_sign_in_payload_encodes_the_login_hint():
    guest = "gina_fabrikam.example#EXT#@northwind.example"
    assert signin_url(guest) == (
        "https://mysignins.microsoft.com/security-info?login_hint="
        "gina_fabrikam.example%23EXT%23%40northwind.example"
    )
    assert qr_payload(Settings(qr_payload=QrPayload.PASS), guest, "abc") == "abc"
    assert qr_payload(Settings(qr_payload=QrPayload.SIGNIN), guest, "abc") == signin_url(guest)


def test_a_pass_of_the_longest_length_scans_off_the_panel(qtbot, make_window, tenant):
    """At the panel's fixed size the QR of a 48-character pass (the most Entra issues) scans to
    the pass Graph issued."""
    tenant.set_policy(defaultLength=48)
    issued = IssuedPasses(tenant)
    window = make_window(hide_after_seconds=0, transport=issued)
    open_user(qtbot, window, "ava", UPN["ava.newhire"])
    issue(qtbot, window)
    assert len(issued.last) == 48
    assert decode_widget(window.passes.qr) == [issued.last]
