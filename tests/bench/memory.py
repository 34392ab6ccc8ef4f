"""Where a process's resident memory is: what Linux counts, and what is mapped from files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


def _status() -> dict[str, float]:
    fields = {}
    with Path("/proc/self/status").open(encoding="ascii") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in {"VmRSS", "RssAnon", "RssFile", "RssShmem"}:
                fields[name] = int(value.split()[0]) / 1024
    return fields


def _mapped() -> dict[str, float]:
    """Resident MB of file-backed mappings, grouped: Qt libraries, Qt plugins, fonts, Python
    extension modules, other libraries."""
    groups: dict[str, float] = {}
    path = ""
    with Path("/proc/self/smaps").open(encoding="utf-8", errors="replace") as smaps:
        for line in smaps:
            parts = line.split()
            if parts and "-" in parts[0] and len(parts) >= 5 and ":" in parts[3]:
                path = parts[5] if len(parts) >= 6 else ""
            elif parts and parts[0] == "Rss:" and path.startswith("/"):
                groups[_group(path)] = groups.get(_group(path), 0.0) + int(parts[1]) / 1024
    return {k: round(v, 1) for k, v in sorted(groups.items(), key=lambda kv: -kv[1])}


def _group(path: str) -> str:
    if "/plugins/" in path:
        return "Qt plugins"
    if path.endswith((".ttf", ".otf", ".ttc", ".pfb")):
        return "fonts"
    if "/Qt/lib/" in path or "libQt6" in path or "libicu" in path:
        return "Qt libraries"
    if "/PySide6/" in path or "/shiboken6/" in path:
        return "PySide6 bindings"
    if path.endswith(".so") or ".so." in path or ".cpython-" in path:
        return "other libraries"
    return "other files"


def python_by_package(count: int = 8) -> dict[str, Any]:
    """Python's own allocations (tracemalloc, when started with the process), by package."""
    import tracemalloc

    if not tracemalloc.is_tracing():
        return {}
    sizes: dict[str, int] = {}
    for stat in tracemalloc.take_snapshot().statistics("filename"):
        name = _package(stat.traceback[0].filename)
        sizes[name] = sizes.get(name, 0) + stat.size
    top = sorted(sizes.items(), key=lambda kv: -kv[1])[:count]
    return {"total": sum(sizes.values()) / 2**20, "top": [[k, v / 2**20] for k, v in top]}


def _package(filename: str) -> str:
    if filename.startswith("<frozen importlib"):
        return "module code (importlib)"
    for marker in ("/site-packages/", "/tapdesk/", "/tests/"):
        if marker in filename:
            rest = filename.split(marker, 1)[1]
            return (
                marker.strip("/") + "/" + rest.split("/")[0]
                if marker != "/site-packages/"
                else rest.split("/")[0]
            )
    return filename.rsplit("/", 1)[-1]


def breakdown(*, traced: bool = False) -> dict[str, Any]:
    modules = sys.modules
    packages: dict[str, int] = {}
    for name in modules:
        top = name.partition(".")[0]
        packages[top] = packages.get(top, 0) + 1
    largest = sorted(packages.items(), key=lambda kv: -kv[1])[:6]
    return {
        **{k: round(v, 1) for k, v in _status().items()},
        "modules": len(modules),
        "modules_by_package": largest,
        "mapped": _mapped(),
        "python": python_by_package() if traced else {},
    }
