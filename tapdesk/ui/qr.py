"""QR codes drawn from qrcode's module matrix: no Pillow, crisp at any scale and pixel ratio.

The matrix becomes a one-byte-per-pixel ``QImage`` (one pixel per module) that is scaled by a
whole number with nearest-neighbour sampling, so every module is a sharp square of device pixels.
"""

from __future__ import annotations

from urllib.parse import quote

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from tapdesk.config import QrPayload, Settings

QUIET_ZONE = 4  # modules of white around the code, as the standard asks
# Where a new hire adds sign-in methods with the pass (aka.ms/mysecurityinfo redirects here).
SECURITY_INFO_URL = "https://mysignins.microsoft.com/security-info"


def signin_url(upn: str) -> str:
    """The Security info page with the user's sign-in name filled in (OIDC ``login_hint``)."""
    return f"{SECURITY_INFO_URL}?login_hint={quote(upn, safe='')}"


def qr_payload(settings: Settings, upn: str, code: str) -> str:
    """What the QR carries: the pass itself, or the sign-in page for the user."""
    return code if settings.qr_payload is QrPayload.PASS else signin_url(upn)


def qr_matrix(payload: str) -> list[list[bool]]:
    """Dark modules as True, quiet zone included; error correction M suits a screen."""
    import qrcode  # with the first code drawn: the window's first paint does without it
    from qrcode.constants import ERROR_CORRECT_M

    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE)
    qr.add_data(payload)
    qr.make(fit=True)
    return [[bool(module) for module in row] for row in qr.get_matrix()]


def matrix_image(matrix: list[list[bool]], scale: int = 1) -> QImage:
    """Black on white, ``scale`` device pixels per module (white stays white in dark mode)."""
    size = len(matrix)
    row_bytes = (size + 3) & ~3  # QImage rows are 32-bit aligned
    data = bytearray(b"\xff" * (row_bytes * size))
    for y, row in enumerate(matrix):
        base = y * row_bytes
        for x, dark in enumerate(row):
            if dark:
                data[base + x] = 0
    image = QImage(bytes(data), size, size, row_bytes, QImage.Format.Format_Grayscale8).copy()
    if scale > 1:
        image = image.scaled(
            size * scale,
            size * scale,
            Qt.AspectRatioMode.IgnoreAspectRatio,
            Qt.TransformationMode.FastTransformation,
        )
    return image


class QrView(QWidget):
    """Paints a QR code at the largest whole module size that fits; blank when cleared."""

    def __init__(self, parent: QWidget | None = None, *, minimum: int = 160) -> None:
        super().__init__(parent)
        self._matrix: list[list[bool]] | None = None
        self._cache: tuple[int, float, QImage] | None = None
        self._minimum = minimum
        self.setMinimumSize(minimum, minimum)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setAccessibleName("QR code")

    # -- content --------------------------------------------------------------------------------
    def set_payload(self, payload: str) -> None:
        self._matrix = qr_matrix(payload)
        self._cache = None
        self.update()

    def clear(self) -> None:
        self._matrix = None
        self._cache = None
        self.update()

    @property
    def has_code(self) -> bool:
        return self._matrix is not None

    @property
    def modules(self) -> int:
        return len(self._matrix) if self._matrix else 0

    # -- geometry -------------------------------------------------------------------------------
    def sizeHint(self) -> QSize:
        return QSize(self._minimum + 60, self._minimum + 60)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return width

    # -- painting -------------------------------------------------------------------------------
    def _image(self, side_px: int, ratio: float) -> QImage | None:
        if not self._matrix:
            return None
        scale = max(1, side_px // len(self._matrix))
        if self._cache and self._cache[0] == scale and self._cache[1] == ratio:
            return self._cache[2]
        image = matrix_image(self._matrix, scale)
        image.setDevicePixelRatio(ratio)
        self._cache = (scale, ratio, image)
        return image

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            ratio = self.devicePixelRatioF()
            side = min(self.width(), self.height())
            image = self._image(int(side * ratio), ratio)
            if image is None:
                return
            logical = round(image.width() / ratio)
            target = QRect(
                (self.width() - logical) // 2, (self.height() - logical) // 2, logical, logical
            )
            # Draw at whole device pixels: no smoothing, no half-pixel module edges.
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
            painter.fillRect(target, QColor("white"))
            painter.drawImage(target.topLeft(), image)
        finally:
            painter.end()
