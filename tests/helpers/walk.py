"""Everything an object holds, for tests that prove a secret is not among it."""

from __future__ import annotations

from PySide6.QtCore import QObject


def contents(root: object) -> list[object]:
    """``root`` and every key and item inside it, through dicts, lists, tuples and sets, and
    the attributes (``__dict__`` or ``__slots__``) of tapdesk's own plain objects: a value kept
    in a small record class is found too. Qt objects are not entered (their Python side is
    walked by passing ``vars(widget)``)."""
    seen: list[object] = []
    visited: set[int] = set()
    stack = [root]
    while stack:
        item = stack.pop()
        if id(item) in visited:
            continue
        visited.add(id(item))
        seen.append(item)
        if isinstance(item, dict):
            for key, inner in item.items():
                stack += [key, inner]
        elif isinstance(item, list | tuple | set | frozenset):
            stack += list(item)
        elif _own_record(item):
            stack += list(_attributes(item))
    return seen


def _own_record(item: object) -> bool:
    kind = type(item)
    return kind.__module__.startswith("tapdesk.") and not isinstance(item, QObject | type)


def _attributes(item: object) -> list[object]:
    found = list(getattr(item, "__dict__", {}).values())
    for kind in type(item).__mro__:
        for name in getattr(kind, "__slots__", ()):
            if hasattr(item, name):
                found.append(getattr(item, name))
    return found
