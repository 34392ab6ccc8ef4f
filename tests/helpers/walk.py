"""Everything an object holds, for tests that prove a secret is not among it."""

from __future__ import annotations


def contents(root: object) -> list[object]:
    """``root`` and every key and item inside it, through dicts, lists, tuples and sets."""
    seen: list[object] = []
    stack = [root]
    while stack:
        item = stack.pop()
        seen.append(item)
        if isinstance(item, dict):
            for key, inner in item.items():
                stack += [key, inner]
        elif isinstance(item, list | tuple | set | frozenset):
            stack += list(item)
    return seen
