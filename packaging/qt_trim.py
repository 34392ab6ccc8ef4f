"""Trim a PyInstaller analysis of a Qt Widgets app: the rules both .spec files share.

Two passes. ``drop_reason`` names the Qt parts tapdesk does not use (translations, QtNetwork,
QML/Quick, Wayland/EGLFS/VNC platforms, image formats, the GTK theme, ...). ``prune`` then removes
the shared libraries that only those parts needed (GTK pulls in cairo, pango, gdk and friends;
QtNetwork pulls in Kerberos), found by walking the link-time imports PyInstaller reports. A
library nothing kept links to is kept anyway (it may be loaded with dlopen by a hook's choice).

Stdlib only at import time, so the unit tests run without PyInstaller.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable, Iterable
from pathlib import PurePosixPath

Entry = tuple[str, str, str]  # (destination in the bundle, source path, PyInstaller typecode)
ImportsOf = Callable[[str], Iterable[str]]  # source path -> full paths of the libraries it links

# Platform plugins worth keeping: desktop (xcb, windows, cocoa), offscreen (smoke tests, CI)
# and minimal (a diagnostic fallback). Wayland sessions run the xcb plugin through XWayland.
KEEP_PLATFORMS = frozenset({"xcb", "offscreen", "minimal", "windows", "cocoa"})

# Whole plugin categories a widgets app without networking, OpenGL or touch input never loads.
DROP_PLUGIN_DIRS = frozenset(
    {
        "egldeviceintegrations",
        "generic",  # evdev/tslib/tuio input for kiosk (eglfs) setups
        "networkinformation",
        "tls",
        "xcbglintegrations",  # GL on X11; widgets paint with the raster engine
        "sqldrivers",
        "qmltooling",
        "multimedia",
        "position",
    }
)

# Qt libraries (any OS naming) the app does not use. Svg is decided per build (see keep_svg).
_UNUSED_QT = (
    r"Network|Qml\w*|Quick\w*|Pdf\w*|VirtualKeyboard\w*|Wayland\w*|Wl\w*|EglFs\w*|OpenGL\w*"
)
_QT_LIB = re.compile(
    rf"^(?:lib)?Qt6?(?:{_UNUSED_QT})(?:\.so|\.dll|\.dylib|\.framework|$)", re.IGNORECASE
)
_QT_SVG_LIB = re.compile(r"^(?:lib)?Qt6?Svg\w*(?:\.so|\.dll|\.dylib|\.framework|$)")
# Python bindings PyInstaller's hooks pull in as dependencies of QtGui; tapdesk imports none.
_UNUSED_BINDINGS = re.compile(
    r"^Qt(?:Network|DBus|OpenGL\w*|Qml|Quick\w*|Pdf\w*)\.(?:abi3\.so|pyd|.*\.so)$"
)
_SVG_BINDINGS = re.compile(r"^QtSvg\w*\.(?:abi3\.so|pyd|.*\.so)$")


def _plugin_stem(filename: str) -> str:
    """libqxcb.so -> xcb, qwindows.dll -> windows, libqcocoa.dylib -> cocoa."""
    stem = filename.split(".")[0]
    stem = stem.removeprefix("lib")
    return stem[1:] if stem.startswith("q") else stem


def drop_reason(dest: str, *, keep_svg: bool = False) -> str | None:
    """Why the bundle file at ``dest`` goes, or None to keep it."""
    parts = dest.replace("\\", "/").split("/")
    if not parts or parts[0] != "PySide6":
        return None
    name = parts[-1]
    if "translations" in parts[1:3]:
        return "Qt translations (the UI is English; Qt's own strings are built in)"
    if len(parts) == 2 and _UNUSED_BINDINGS.match(name):
        return "unused PySide6 bindings"
    if len(parts) == 2 and not keep_svg and _SVG_BINDINGS.match(name):
        return "QtSvg (no SVG resources)"
    if name.lower() == "opengl32sw.dll":
        return "software OpenGL (widgets paint with the raster engine)"
    if "plugins" in parts:
        return _plugin_reason(parts[parts.index("plugins") + 1 :], keep_svg=keep_svg)
    for part in parts[1:]:
        if _QT_LIB.match(part):
            return "Qt libraries the app does not use"
        if not keep_svg and _QT_SVG_LIB.match(part):
            return "QtSvg (no SVG resources)"
    return None


def _plugin_reason(rest: list[str], *, keep_svg: bool) -> str | None:
    if len(rest) < 2:
        return None
    category, stem = rest[0], _plugin_stem(rest[-1])
    if category in DROP_PLUGIN_DIRS or category.startswith("wayland-"):
        return f"Qt plugins: {category}"
    if category == "platforms" and stem not in KEEP_PLATFORMS:
        return "Qt platform plugins other than xcb/offscreen/minimal (and windows/cocoa)"
    if category in {"imageformats", "iconengines"} and not (keep_svg and "svg" in stem):
        return "Qt image formats (PNG is built into QtGui)"
    if category == "platformthemes" and stem == "gtk3":
        return "GTK3 platform theme (would bundle the build machine's GTK)"
    if category == "platforminputcontexts" and "virtualkeyboard" in stem:
        return "virtual keyboard (QML)"
    return None


def _symlink_target(entry: Entry) -> str:
    """Where a SYMLINK entry points, as a destination path (its target is relative to it)."""
    dest, target, _ = entry
    parent = PurePosixPath(dest.replace("\\", "/")).parent
    return posixpath.normpath(str(parent / target.replace("\\", "/")))


def _closure(start: Iterable[str], edges: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    stack = list(start)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        stack.extend(edges.get(node, ()))
    return seen


def prune(binaries: list[Entry], dropped: set[str], imports_of: ImportsOf) -> set[str]:
    """Destinations of libraries that only dropped binaries link to (and nothing kept does)."""
    by_source = {os.path.realpath(src): dest for dest, src, _ in binaries}
    edges: dict[str, set[str]] = {}
    for dest, src, _ in binaries:
        linked = {by_source.get(os.path.realpath(path)) for path in imports_of(src) if path}
        edges[dest] = {d for d in linked if d and d != dest}
    candidates = _closure(dropped, edges) - dropped
    seeds = {dest for dest, _, _ in binaries} - dropped - candidates
    return candidates - _closure(seeds, edges)


def trim(
    binaries: list[Entry],
    datas: list[Entry],
    *,
    keep_svg: bool,
    imports_of: ImportsOf | None = None,
) -> tuple[list[Entry], list[Entry], dict[str, int]]:
    """Return (binaries, datas, count of dropped files per reason)."""
    report: dict[str, int] = {}
    dropped: set[str] = set()
    for dest, _, _ in [*binaries, *datas]:
        reason = drop_reason(dest, keep_svg=keep_svg)
        if reason:
            dropped.add(dest)
            report[reason] = report.get(reason, 0) + 1
    if imports_of is not None:
        dropped_binaries = dropped & {dest for dest, _, _ in binaries}
        try:
            orphans = prune(binaries, dropped_binaries, imports_of)
        except Exception as exc:  # unknown binary format: keep everything rather than guess
            report[f"(library pruning skipped: {type(exc).__name__}: {exc})"] = 0
            orphans = set()
        if orphans:
            report["libraries only the dropped parts linked to"] = len(orphans)
        dropped |= orphans
    kept_binaries = [e for e in binaries if e[0] not in dropped]
    kept_datas = []
    for entry in datas:
        if entry[0] in dropped:
            continue
        if entry[2] == "SYMLINK" and _symlink_target(entry) in dropped:
            report["symlinks to dropped files"] = report.get("symlinks to dropped files", 0) + 1
            continue
        kept_datas.append(entry)
    return kept_binaries, kept_datas, report


def pyinstaller_imports_of(src: str) -> list[str]:
    """Link-time imports as PyInstaller's own dependency analysis sees them (ldd, pefile, macholib)."""
    from PyInstaller.depend import bindepend  # only inside a PyInstaller build

    return [path for _, path in bindepend.get_imports(src) if path]


def format_report(report: dict[str, int]) -> str:
    lines = [f"  {count:4d}  {reason}" for reason, count in sorted(report.items())]
    return "qt_trim dropped:\n" + "\n".join(lines)
