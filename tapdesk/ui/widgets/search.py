"""Find the new hire: type-ahead search (debounced) and an exact lookup on Enter.

The widget only asks; the window runs the search through the task runner and hands results
back with :meth:`SearchPanel.show_results`. A stale answer never reaches it: each new query
supersedes the last on the runner's "search" channel.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from tapdesk.core.models import User
from tapdesk.core.text import one_line
from tapdesk.ui import theme
from tapdesk.ui.text import Label, plain_tip
from tapdesk.ui.widgets.spinner import Spinner

DEBOUNCE_MS = 250
MIN_CHARS = 2
_USER_ROLE = Qt.ItemDataRole.UserRole
_Index = QModelIndex | QPersistentModelIndex


def _describe(user: User) -> tuple[str, str, str]:
    """Three lines: name (and flags), sign-in name, job and department."""
    flags = []
    if user.account_enabled is False:
        flags.append("disabled")
    if user.is_guest:
        flags.append("guest")
    first = user.display_name or user.user_principal_name
    if flags:
        first += f"  ({', '.join(flags)})"
    third = " · ".join(p for p in (user.job_title, user.department) if p)
    return one_line(first), one_line(user.user_principal_name), one_line(third)


class _UserDelegate(QStyledItemDelegate):
    """Name in bold, then the sign-in name and the job in a quieter colour, each line elided."""

    def _lines(self, index: _Index) -> tuple[str, str, str]:
        user = index.data(_USER_ROLE)
        return _describe(user) if isinstance(user, User) else (str(index.data()), "", "")

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        metrics = QFontMetrics(option.font)
        lines = sum(1 for line in self._lines(index) if line)
        return QSize(option.rect.width(), metrics.height() * lines + 12)

    def initStyleOption(self, option: QStyleOptionViewItem, index: _Index) -> None:
        super().initStyleOption(option, index)
        option.text = ""  # the item's background only: paint() writes the lines

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        # Neither QStyle nor option.state here: binding QStyle's 566 enum values costs the
        # window's first paint some 7 ms and 0.4 MB (it imports this module).
        super().paint(painter, option, index)
        view = option.widget
        selected = isinstance(view, QAbstractItemView) and view.selectionModel().isSelected(index)
        palette = option.palette
        strong = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        quiet = strong if selected else theme.muted(palette)
        rect = option.rect.adjusted(8, 6, -8, -6)
        metrics = QFontMetrics(option.font)
        painter.save()
        for number, line in enumerate(part for part in self._lines(index) if part):
            font = QFont(option.font)
            font.setBold(number == 0)
            painter.setFont(font)
            painter.setPen(strong if number == 0 else quiet)
            text = QFontMetrics(font).elidedText(line, Qt.TextElideMode.ElideRight, rect.width())
            top = rect.top() + number * metrics.height()
            painter.drawText(rect.left(), top + metrics.ascent(), text)
        painter.restore()


class SearchPanel(QWidget):
    search_requested = Signal(str)  # debounced type-ahead text
    lookup_requested = Signal(str)  # Enter: exact UPN or object id
    user_chosen = Signal(object)  # a User from the list

    def __init__(self, parent: QWidget | None = None, *, debounce_ms: int = DEBOUNCE_MS) -> None:
        super().__init__(parent)
        self.box = QLineEdit()
        self.box.setPlaceholderText("Name or sign-in name (Ctrl+F)")
        self.box.setAccessibleName("Search users")
        self.box.setAccessibleDescription(
            "Type a name or sign-in name; press Enter to look up an exact sign-in name."
        )
        self.box.setClearButtonEnabled(True)
        self.spinner = Spinner(name="Searching")
        self.status = Label()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Search status")
        self.results = QListWidget()
        self.results.setAccessibleName("Search results")
        self.results.setAlternatingRowColors(True)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setItemDelegate(_UserDelegate(self.results))

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.box, 1)
        row.addWidget(self.spinner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(debounce_ms)
        self._debounce.timeout.connect(self._fire)
        self.box.textEdited.connect(self._on_edited)
        self.box.returnPressed.connect(self._on_return)
        self.box.installEventFilter(self)
        self.results.itemActivated.connect(self._on_activated)
        # One click opens a user, as one click opens a session in the session list.
        self.results.itemClicked.connect(self._on_activated)
        self.results.installEventFilter(self)
        self._last_query = ""
        self.set_status("")

    # -- what the window calls ------------------------------------------------------------------
    def focus_search(self) -> None:
        self.box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.box.selectAll()

    def set_busy(self, busy: bool) -> None:
        if busy:
            self.spinner.start()
        else:
            self.spinner.stop()

    def set_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def show_results(self, query: str, users: list[User]) -> None:
        self.results.clear()
        for user in users:
            item = QListWidgetItem(" ".join(p for p in _describe(user) if p))
            item.setData(_USER_ROLE, user)
            item.setToolTip(plain_tip(user.user_principal_name))
            self.results.addItem(item)
        if users:
            self.results.setCurrentRow(0)
            matches = "1 match" if len(users) == 1 else f"{len(users)} matches"
            self.set_status(f"{matches} for “{query}”. ↓ to choose, Enter to open.")
        else:
            self.set_status(
                f"No match for “{query}”. A new account can take a few minutes to appear in "
                "search: type the full sign-in name and press Enter."
            )

    def clear_results(self) -> None:
        self.results.clear()

    def users(self) -> list[User]:
        return [self.results.item(i).data(_USER_ROLE) for i in range(self.results.count())]

    # -- internals ------------------------------------------------------------------------------
    def _on_edited(self, text: str) -> None:
        if len(text.strip()) >= MIN_CHARS:
            self._debounce.start()
        else:
            self._debounce.stop()
            self._last_query = ""
            self.clear_results()
            self.set_status("")
            self.search_requested.emit("")  # cancels whatever is in flight

    def _fire(self) -> None:
        query = self.box.text().strip()
        if query and query != self._last_query:
            self._last_query = query
            self.search_requested.emit(query)

    def _on_return(self) -> None:
        text = self.box.text().strip()
        if not text:
            return
        self._debounce.stop()
        if "@" in text or len(text) == 36:
            self.lookup_requested.emit(text)
        elif self.results.count():
            self._on_activated(self.results.currentItem() or self.results.item(0))
        else:
            self._fire()

    def _on_activated(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.user_chosen.emit(item.data(_USER_ROLE))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if (
                watched is self.box
                and key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown)
                and self.results.count()
            ):
                self.results.setFocus(Qt.FocusReason.OtherFocusReason)
                if self.results.currentRow() < 0:
                    self.results.setCurrentRow(0)
                return True
            if watched is self.results and key == Qt.Key.Key_Up and self.results.currentRow() <= 0:
                self.box.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return super().eventFilter(watched, event)
