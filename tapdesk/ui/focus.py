"""Where the keyboard is, on every window: a ring around the focused widget (issue 14).

Styles draw focus faintly or not at all (a flat button shows nothing), so tapdesk draws its own:
an overlay on the focused widget's window, above its other children, that paints a ring just
outside the widget and lets every click through. Each window gets its own ring, a child that
dies with it; one :class:`FocusFollower` per application moves focus between them.

:func:`follow_page` gives a window a tab order that follows its page (:func:`tab_stops`).
"""

from __future__ import annotations

import contextlib
import itertools

import shiboken6
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QRectF, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QDockWidget,
    QLayout,
    QMainWindow,
    QSplitter,
    QStatusBar,
    QWidget,
)

from tapdesk.ui import theme

RING_WIDTH = 2
RING_GAP = 1  # between the widget and its ring: the ring never covers the widget's own edge
OUTSET = RING_GAP + RING_WIDTH
RADIUS = 4.0
# Events on the target or one of its ancestors that can move it on the window or out of view.
_MOVES = frozenset((QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.Show, QEvent.Type.Hide))
_DOCK_ORDER = [
    Qt.DockWidgetArea.TopDockWidgetArea,
    Qt.DockWidgetArea.LeftDockWidgetArea,
    Qt.DockWidgetArea.RightDockWidgetArea,
    Qt.DockWidgetArea.BottomDockWidgetArea,
    Qt.DockWidgetArea.NoDockWidgetArea,  # floating
]


def takes_tab(widget: QWidget) -> bool:
    """Tab stops here (the widget Qt gives focus to, not one that hands it to a proxy)."""
    return bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus) and widget.focusProxy() is None


def shows_ring(widget: QWidget) -> bool:
    """A keyboard stop in a window of its own (a popup or menu highlights its own items)."""
    return (
        takes_tab(widget)
        and not widget.isWindow()
        and widget.window().windowType() != Qt.WindowType.Popup
    )


class FocusRing(QWidget):
    """The ring of one window, drawn around whichever of its widgets has the focus."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("focusRing")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._target: QWidget | None = None
        self._watched: list[QWidget] = []
        self._ring = QRect()  # in this window's coordinates
        self.colour = theme.focus_colour(theme.palette())
        theme.follow_palette(self, self._restyle)
        self.hide()

    @property
    def target(self) -> QWidget | None:
        return self._target

    def surround(self, target: QWidget | None) -> None:
        """Ring ``target`` (a widget of this window) from now on; None: ring nothing."""
        if target is not self._target:
            self._unwatch()
            self._target = target
            self._watch()
        self.place()

    def place(self) -> None:
        """Put the ring round the target as it is now, cut to what of it is in view."""
        target = self._target
        if target is None or not self._in_view(target):
            self.hide()
            return
        window = self.parentWidget()
        assert window is not None
        self._ring = QRect(target.mapTo(window, QPoint(0, 0)), target.size()).adjusted(
            -OUTSET, -OUTSET, OUTSET, OUTSET
        )
        shown = self._ring & self._clip(target, window)
        if shown.isEmpty():
            self.hide()
            return
        self.setGeometry(shown)
        self.raise_()  # above whatever the window gained since (a dock, a banner)
        self.show()
        self.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.ParentChange:  # other ancestors now; the old ones may go
            target = self._target
            self._unwatch()
            self._target = target
            self._watch()
        if kind in _MOVES or kind == QEvent.Type.ParentChange:
            self.place()
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(self.colour, RING_WIDTH))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        # Drawn in window coordinates; the pen sits on whole pixels so its straight sides are
        # solid colour, half a pen inside the ring's outer edge.
        half = RING_WIDTH / 2
        ring = QRectF(self._ring.translated(-self.pos())).adjusted(half, half, -half, -half)
        painter.drawRoundedRect(ring, RADIUS, RADIUS)
        painter.end()

    def _restyle(self) -> None:
        self.colour = theme.focus_colour(theme.palette())
        self.update()

    @staticmethod
    def _in_view(target: QWidget) -> bool:
        return target.isVisible() and not target.visibleRegion().isEmpty()

    @staticmethod
    def _clip(target: QWidget, window: QWidget) -> QRect:
        """The window, less what scroll areas hide: a widget scrolled half out of its area gets
        half a ring, never one painted over the widgets around the area."""
        clip = window.rect()
        widget = target.parentWidget()
        while widget is not None and widget is not window:
            area = widget.parentWidget()
            if isinstance(area, QAbstractScrollArea) and area.viewport() is widget:
                clip &= QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
            widget = area
        return clip

    def _watch(self) -> None:
        """Follow the target and every ancestor up to the window: any of them can move it."""
        widget = self._target
        if widget is None:
            return
        widget.destroyed.connect(self._forget)
        while widget is not None:
            widget.installEventFilter(self)
            self._watched.append(widget)
            widget = None if widget.isWindow() else widget.parentWidget()

    def _unwatch(self) -> None:
        if self._target is not None:
            self._target.destroyed.disconnect(self._forget)
        self._drop_filters()

    def _forget(self) -> None:
        """The target is being deleted, its ancestors perhaps with it: drop all of them now,
        while they are still there to drop."""
        self._drop_filters()
        self._target = None
        self.hide()

    def _drop_filters(self) -> None:
        for widget in self._watched:
            # A widget part-way through deletion may have lost its Python side already.
            with contextlib.suppress(RuntimeError):
                widget.removeEventFilter(self)
        self._watched = []


class FocusFollower(QObject):
    """Hands the focus to the ring of the window it is in (created on the window's first focus)."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.setObjectName("focusFollower")
        self._ring: FocusRing | None = None
        app.focusChanged.connect(self._on_focus_changed)

    @property
    def ring(self) -> FocusRing | None:
        """The ring on show, if any (it dies with its window; PySide knows when, as it made it)."""
        ring = self._ring
        return ring if ring is not None and shiboken6.isValid(ring) else None

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        # ``_old`` may be a widget part-way through deletion: it is never touched.
        ring = self.ring
        target = new if new is not None and shows_ring(new) else None
        wanted = ring_of(target.window()) if target is not None else None
        if ring is not None and ring is not wanted:
            ring.surround(None)
        if wanted is not None:
            wanted.surround(target)
        self._ring = wanted


def ring_of(window: QWidget) -> FocusRing:
    """``window``'s ring, made the first time it is asked for."""
    ring = window.findChild(FocusRing, "focusRing", Qt.FindChildOption.FindDirectChildrenOnly)
    return ring if isinstance(ring, FocusRing) else FocusRing(window)


def install(app: QApplication) -> FocusFollower:
    """The ring on every window of ``app``, for its life (once, however often it is called)."""
    follower = app.findChild(FocusFollower, "focusFollower")
    if isinstance(follower, FocusFollower):
        return follower
    follower = FocusFollower(app)
    focused = app.focusWidget()
    if focused is not None:
        follower._on_focus_changed(None, focused)
    return follower


# -- tab order -------------------------------------------------------------------------------


def tab_stops(root: QWidget) -> list[QWidget]:
    """The tab stops in ``root``, in the order its layouts place them on the page (top to bottom,
    left to right as built), whenever each was made. Hidden and disabled ones are included:
    Qt passes them by, and they keep their place for when they show."""
    stops: list[QWidget] = []
    _collect(root, stops)
    return stops


def _collect(widget: QWidget, stops: list[QWidget]) -> None:
    if takes_tab(widget):
        stops.append(widget)
    children = [
        child
        for child in widget.children()
        if isinstance(child, QWidget) and not child.isWindow() and not isinstance(child, FocusRing)
    ]
    placed = _placed(widget, children)
    # Children placed by nothing (a scroll area's viewport) after, as they stack.
    for child in placed + [c for c in children if c not in placed]:
        _collect(child, stops)


def _placed(widget: QWidget, children: list[QWidget]) -> list[QWidget]:
    """``children`` in the order ``widget`` places them (not their stacking order, which
    ``raise_`` changes)."""
    if isinstance(widget, QSplitter):
        panes = (widget.widget(index) for index in range(widget.count()))
        return [pane for pane in panes if pane is not None]
    if isinstance(widget, QMainWindow):
        # Menu, the central widget, then the docks by area (a bottom dock last), status bar.
        docks = sorted(
            (c for c in children if isinstance(c, QDockWidget)),
            key=lambda dock: _DOCK_ORDER.index(widget.dockWidgetArea(dock)),
        )
        framed = [widget.menuWidget(), widget.centralWidget(), *docks]
        return [c for c in framed if c is not None] + [
            c for c in children if isinstance(c, QStatusBar)
        ]
    layout = widget.layout()
    return _in_layout(layout, children) if layout is not None else []


def _in_layout(layout: QLayout, children: list[QWidget]) -> list[QWidget]:
    """Those of ``children`` that ``layout`` or a layout in it holds, in its order.

    Positions come from ``indexOf``, not from walking ``itemAt``: with PySide 6.11, walking a
    scroll area's items that way left the Python side of its scroll bar deleted (seen in
    testing; the cause was not pinned down).
    """
    slots: list[tuple[int, QWidget | QLayout]] = [
        (layout.indexOf(child), child) for child in children if layout.indexOf(child) >= 0
    ]
    slots += [
        (layout.indexOf(inner), inner) for inner in layout.children() if isinstance(inner, QLayout)
    ]
    placed: list[QWidget] = []
    for _index, slot in sorted(slots, key=lambda pair: pair[0]):
        if isinstance(slot, QLayout):
            placed += _in_layout(slot, children)
        else:
            placed.append(slot)
    return placed


_CHAINED = "_tapdesk_chained"  # the window's widgets when its tab order was last set


def follow_page(window: QWidget) -> None:
    """Tab in ``window`` goes through its stops in page order (see :func:`tab_stops`).

    Walking the page is milliseconds on every Tab (and on every hide of the focused widget);
    listing the window's widgets is a fraction of that, so the order is set again only when
    a widget was made, deleted or given another parent since. (The one reordering, one
    checklist's rows swapped for another's in the panel, keeps the rows in one block either
    way, and Tab passes the hidden ones by.)"""
    widgets = tuple(shiboken6.getCppPointer(widget)[0] for widget in window.findChildren(QWidget))
    if getattr(window, _CHAINED, None) == widgets:
        return
    chain(tab_stops(window))
    setattr(window, _CHAINED, widgets)


def chain(stops: list[QWidget]) -> None:
    """Tab goes from each of ``stops`` to the next (each moved after the one before)."""
    for first, second in itertools.pairwise(stops):
        if first.nextInFocusChain() is not second:
            QWidget.setTabOrder(first, second)
