"""Every pass shown in this run, so free text can be stored without one.

A technician types a pass the way it looks on screen ("lX2q cjW8"), shouts it in capitals or
copies it with dashes; all of those are the credential. So a pass is remembered as the letters
and digits of its value, case folded, and text is compared the same way: a window the length of
the pass slides over the letters and digits of the text, and a window that matches is removed
from the first to the last of its characters, separators between them included.

The value itself is never kept here, not even while the pass is on screen: :meth:`remember`
keeps an HMAC-SHA256 of the normalized value under a key drawn for this process (and how many
punctuation characters begin and end it), and matching compares HMACs. Nothing here can give the
pass back, and the key dies with the process.

:data:`SHOWN_PASSES` is the one registry of a process: whatever shows a pass remembers it there
(the window's pass panel, ``tapdesk issue``), and the store runs every free-text column through
it on the way in, so no route to the database (reason, evidence, audit detail) can bypass it.
"""

from __future__ import annotations

import threading
from typing import NamedTuple

from tapdesk.core import keyed
from tapdesk.core.models import PassCode

REMOVED = "[pass removed]"
CUT = "[text cut]"
# Reasons and details are a few KB at most; a paste of a whole file must not stall a save (each
# window costs one HMAC, about 2 us, per distinct pass length).
MAX_TEXT = 16_384


def _folded(text: str) -> tuple[str, list[int]]:
    """The letters and digits of ``text`` case folded, and where each came from in ``text``."""
    chars: list[str] = []
    origin: list[int] = []
    for at, char in enumerate(text):
        for folded in char.casefold():  # "ß" folds to "ss": both point back at the one "ß"
            if folded.isalnum():
                chars.append(folded)
                origin.append(at)
    return "".join(chars), origin


class _Known(NamedTuple):
    digest: bytes
    # A pass that begins or ends with punctuation ("+drkzqAD") is removed with it, not left as
    # "+[pass removed]": how many such characters, never which.
    lead: int
    trail: int


class ShownPasses:
    """Keyed digests of the passes shown in this run; :meth:`redact` takes them out of text."""

    def __init__(self) -> None:
        self._key = keyed.new_key()
        self._lock = threading.Lock()
        # normalized length -> first byte of the digest -> passes: the work per window stays
        # one HMAC and a few constant-time compares however many passes this run showed.
        self._known: dict[int, dict[int, tuple[_Known, ...]]] = {}

    def __repr__(self) -> str:
        return f"ShownPasses({self.count} passes)"

    @property
    def count(self) -> int:
        with self._lock:
            return sum(len(b) for by_byte in self._known.values() for b in by_byte.values())

    def remember(self, code: PassCode | None) -> None:
        """Call where a pass is shown, before the value can reach any text."""
        if code is None:
            return
        value = code.reveal()
        folded, origin = _folded(value)
        if not folded:  # a value without letters or digits would match everywhere
            return
        known = _Known(self._digest(folded), origin[0], len(value) - 1 - origin[-1])
        with self._lock:
            by_byte = self._known.setdefault(len(folded), {})
            bucket = by_byte.get(known.digest[0], ())
            if not any(keyed.same(k.digest, known.digest) and k[1:] == known[1:] for k in bucket):
                by_byte[known.digest[0]] = (*bucket, known)

    def redact(self, text: str) -> str:
        """``text`` with every remembered pass replaced by :data:`REMOVED`; else unchanged.

        Text longer than :data:`MAX_TEXT` is cut there and marked :data:`CUT`.
        """
        with self._lock:
            known = {n: dict(by_byte) for n, by_byte in self._known.items()}
        if not known or not text:
            return text
        scanned = text[:MAX_TEXT]
        folded, origin = _folded(scanned)
        spans = _merged(self._matches(scanned, folded, origin, known))
        if len(scanned) == len(text):
            return _replace(text, spans) if spans else text
        end = _safe_end(len(scanned), origin, spans, max(known))
        return f"{_replace(scanned[:end], [s for s in spans if s[1] <= end])} {CUT}"

    def _matches(
        self,
        text: str,
        folded: str,
        origin: list[int],
        known: dict[int, dict[int, tuple[_Known, ...]]],
    ) -> list[tuple[int, int]]:
        """Spans of the text (first to last character, separators between) holding a pass."""
        spans: list[tuple[int, int]] = []
        for length, by_byte in known.items():
            # Every window, also inside a match: two passes may share characters.
            for at in range(len(folded) - length + 1):
                digest = self._digest(folded[at : at + length])
                hits = [k for k in by_byte.get(digest[0], ()) if keyed.same(digest, k.digest)]
                if hits:
                    start, stop = origin[at], origin[at + length - 1] + 1
                    lead, trail = max(k.lead for k in hits), max(k.trail for k in hits)
                    spans.append(_widened(text, start, stop, lead, trail))
        return spans

    def _digest(self, folded: str) -> bytes:
        return keyed.digest(self._key, folded)


def _widened(text: str, start: int, stop: int, lead: int, trail: int) -> tuple[int, int]:
    """The span with up to ``lead`` and ``trail`` punctuation characters touching it."""

    def edge(char: str) -> bool:
        return not char.isalnum() and not char.isspace()

    while lead and start > 0 and edge(text[start - 1]):
        start, lead = start - 1, lead - 1
    while trail and stop < len(text) and edge(text[stop]):
        stop, trail = stop + 1, trail - 1
    return start, stop


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping matches (two passes sharing characters) become one."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _safe_end(size: int, origin: list[int], spans: list[tuple[int, int]], longest: int) -> int:
    """Where to cut text scanned only up to ``size``: before its last ``longest - 1`` letters and
    digits, as a pass the cut went through may have begun there, too short to be recognised
    (after a pass found whole across that point)."""
    tail = len(origin) - (longest - 1)
    end = origin[max(0, tail)] if origin and tail < len(origin) else size
    for start, stop in spans:
        if start < end < stop:
            end = stop
    return end


def _replace(text: str, spans: list[tuple[int, int]]) -> str:
    parts: list[str] = []
    done = 0
    for start, end in spans:
        parts.append(text[done:start])
        parts.append(REMOVED)
        done = end
    parts.append(text[done:])
    return "".join(parts)


SHOWN_PASSES = ShownPasses()
