"""A GUI-thread stall recorder that names what ran.

A 5 ms QTimer beats on the GUI thread; the longest gap between beats is the longest stall. While a
beat is late, a watchdog thread samples the GUI thread's Python stack every 2 ms
(``sys._current_frames``), and an application-wide event filter notes which Qt event (type and
receiver) is being delivered, so work in Qt itself (paint, layout, polish) has a name too. When the
late beat fires, the samples taken in the gap become that stall's evidence:

- the slot: the outermost tapdesk frame (what the event loop called into),
- the hot frame: the innermost tapdesk frame (where the time went),
- the Qt event being delivered, and whether a garbage collection ran.
"""

from __future__ import annotations

import collections
import gc
import sys
import threading
import time
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

BEAT_MS = 5
SAMPLE_S = 0.002
STALL_S = 0.016  # a stall worth naming: longer than one 60 Hz frame
Frame = tuple[str, int, str]  # file, line, function
# Frames that name work: tapdesk's, and the benchmark's own stand-ins for it (the roster day's
# pollers). Not the loops that only wait for the window (they call into Qt and return).
OURS = ("/tapdesk/", "/tests/")
DRIVERS = ("wait_until", "waitUntil")
SELF = "tests/bench/stalls.py"  # the recorder's own event filter is no cause


def _ours(frames: tuple[Frame, ...]) -> list[Frame]:
    """The frames that ran inside the event loop (those inner to the loop that waits), ours."""
    inner = []
    for frame in frames:  # innermost first
        if frame[2] in DRIVERS:
            break
        inner.append(frame)
    return [f for f in inner if any(root in f[0] for root in OURS) and not f[0].endswith(SELF)]


def _where(frame: Frame) -> str:
    path, line, name = frame
    for root in ("/tapdesk/", "/tests/", "/site-packages/"):
        if root in path:
            path = root.strip("/") + "/" + path.split(root, 1)[1]
            break
    return f"{path}:{line} {name}"


@dataclass(frozen=True)
class Sample:
    frames: tuple[Frame, ...]  # innermost first
    event: str
    collecting: bool


@dataclass
class Stall:
    gap: float
    samples: list[Sample] = field(default_factory=list)

    def cause(self) -> str:
        """'41.2 ms: slot <frame> > hot <frame>; Qt event <type -> receiver>; gc'."""
        text = f"{self.gap * 1000:.1f} ms: "
        if not self.samples:
            return text + "not sampled (the GIL was held throughout, or a short gap)"
        slots: collections.Counter[Frame] = collections.Counter()
        hots: collections.Counter[Frame] = collections.Counter()
        events = collections.Counter(s.event for s in self.samples)
        for sample in self.samples:
            ours = _ours(sample.frames)
            if ours:
                hots[ours[0]] += 1
                # The outermost of tapdesk's frames: a bench that calls a slot itself (as a
                # click would) is not the slot.
                app = [f for f in ours if "/tapdesk/" in f[0]]
                slots[(app or ours)[-1]] += 1
        if slots:
            slot, hot = slots.most_common(1)[0][0], hots.most_common(1)[0][0]
            text += f"slot {_where(slot)}"
            if hot != slot:
                text += f" > hot {_where(hot)}"
        else:
            text += "in Qt (no Python frame of tapdesk or the bench)"
        text += f"; Qt event {events.most_common(1)[0][0]}"
        if any(s.collecting for s in self.samples):
            text += "; garbage collection"
        return text


class _EventNames(QObject):
    """Notes the event being delivered: its type and the receiver's class (the event itself is
    gone once delivered, so only plain values are kept for the watchdog to read)."""

    def __init__(self) -> None:
        super().__init__()
        self.current: tuple[QEvent.Type, str] | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        self.current = (event.type(), type(watched).__name__)
        return False


def bind_all_qt_classes() -> None:
    """The recorder's own cost, paid before it times anything. Its filter on the whole
    application sees events of Qt's internal objects too, and the first one of a class PySide
    has not bound (its animation timer, say) makes it bind nearly every class (some 250, about
    30 ms, once). tapdesk itself has no such filter (``ui.window.idle`` says why). Call it
    before the window starts (``tests.bench.scenario`` does), so that start-up's ``gc.freeze``
    sets the bound classes aside as it would the window's own: left to the collector, they
    lengthen every full collection in the measured turns."""
    for name, module in list(sys.modules.items()):
        if name.startswith("PySide6.Qt") and module is not None:
            for attribute in dir(module):
                getattr(module, attribute, None)


class StallRecorder:
    """``with StallRecorder() as stalls: ...``, then ``stalls.longest`` and ``stalls.causes()``."""

    def __init__(self, *, events: bool = True) -> None:
        self.longest = 0.0
        self.stalls: list[Stall] = []
        self._gui = threading.get_ident()
        self._last = time.perf_counter()
        self._beats = 0
        self._collecting = False
        self._samples: dict[int, list[Sample]] = collections.defaultdict(list)
        self._names = _EventNames() if events else None
        self._timer = QTimer()
        self._timer.setInterval(BEAT_MS)
        self._timer.timeout.connect(self._beat)
        self._running = False
        self._watchdog: threading.Thread | None = None

    def _beat(self) -> None:
        now = time.perf_counter()
        gap, beat = now - self._last, self._beats
        self._last, self._beats = now, beat + 1
        self.longest = max(self.longest, gap)
        samples = self._samples.pop(beat, [])
        if gap > STALL_S:
            self.stalls.append(Stall(gap, samples))

    def _event_name(self) -> str:
        current = self._names.current if self._names is not None else None
        if current is None:
            return "-"
        kind, receiver = current
        return f"{kind.name} -> {receiver}"

    def _watch(self) -> None:
        late = (BEAT_MS / 1000) + 0.003
        while self._running:
            time.sleep(SAMPLE_S)
            beat, last = self._beats, self._last
            if time.perf_counter() - last < late:
                continue
            frame: FrameType | None = sys._current_frames().get(self._gui)
            frames: list[Frame] = []
            while frame is not None and len(frames) < 60:
                frames.append((frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name))
                frame = frame.f_back
            if self._beats == beat:  # still the same late beat
                sample = Sample(tuple(frames), self._event_name(), self._collecting)
                self._samples[beat].append(sample)

    def _gc(self, phase: str, info: dict[str, Any]) -> None:
        self._collecting = phase == "start"

    def __enter__(self) -> StallRecorder:
        app = QApplication.instance()
        if self._names is not None and app is not None:
            app.installEventFilter(self._names)
            bind_all_qt_classes()  # a no-op when the scenario did it first
        gc.callbacks.append(self._gc)
        self._running = True
        self._watchdog = threading.Thread(target=self._watch, name="stall watchdog", daemon=True)
        self._watchdog.start()
        self._last = time.perf_counter()
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.stop()
        self._running = False
        if self._watchdog is not None:
            self._watchdog.join()
        gc.callbacks.remove(self._gc)
        app = QApplication.instance()
        if self._names is not None and app is not None:
            app.removeEventFilter(self._names)

    def causes(self, count: int = 3) -> list[str]:
        """The ``count`` longest stalls, each with what ran."""
        return [s.cause() for s in sorted(self.stalls, key=lambda s: -s.gap)[:count]]
