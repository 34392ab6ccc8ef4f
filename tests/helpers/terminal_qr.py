"""Reading a QR code off the terminal, as a phone held to the screen would.

``tapdesk issue --qr`` draws the code with half blocks (``qrcode``'s ``print_ascii`` with
``invert=True``, for a dark terminal): every character is two modules stacked, the drawn
(light) half is the foreground, a blank half is the dark background. Here the characters become
modules again, the modules a grayscale image, and zxing-cpp decodes it.
"""

from __future__ import annotations

import zxingcpp

# Character -> (top is light, bottom is light). A blank may be a no-break space (cp437 255).
_HALVES = {
    "█": (True, True),
    "▀": (True, False),
    "▄": (False, True),
    "\xa0": (False, False),
    " ": (False, False),
}
_SCALE = 4  # pixels per module
_QUIET = 4  # light modules added around the drawing


def block_lines(text: str) -> list[str]:
    """The lines of ``text`` drawn with the QR's half blocks (the first run of them)."""
    drawn: list[str] = []
    for line in text.splitlines():
        if line.strip(" \xa0") and set(line) <= set(_HALVES):
            drawn.append(line)
        elif drawn:
            break
    return drawn


def modules(lines: list[str]) -> list[list[bool]]:
    """Rows of modules (True: light) from half-block lines; a square, as QR codes are."""
    width = len(lines[0])
    assert all(len(line) == width for line in lines), "ragged QR drawing"
    rows: list[list[bool]] = []
    for line in lines:
        halves = [_HALVES[c] for c in line]
        rows.append([top for top, _ in halves])
        rows.append([bottom for _, bottom in halves])
    return rows[:width]  # an odd module count leaves half a line of padding at the bottom


def decode_terminal_qr(text: str) -> list[str]:
    """What a QR reader finds in the half-block drawing inside ``text`` (no inverting)."""
    lines = block_lines(text)
    assert lines, "no QR drawing in the output"
    grid = modules(lines)
    side = len(grid) + 2 * _QUIET
    light = [[True] * side for _ in range(_QUIET)]
    padded = light + [[True] * _QUIET + row + [True] * _QUIET for row in grid] + light
    pixels = bytearray()
    for row in padded:
        line = b"".join((b"\xff" if module else b"\x00") * _SCALE for module in row)
        pixels += line * _SCALE
    size = side * _SCALE
    image = memoryview(bytes(pixels)).cast("B", (size, size))
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode, try_invert=False)
    return [barcode.text for barcode in found]
