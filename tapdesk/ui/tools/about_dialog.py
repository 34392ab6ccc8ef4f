"""Help > About tapdesk: what a technician reads out to IT when something is wrong.

Version, tenant, cloud and Graph address, the settings files read, the log folder (with a
button that opens it), Qt and Python. Plain text throughout, selectable to copy; never a token.
"""

from __future__ import annotations

import platform
from typing import TYPE_CHECKING

import PySide6
from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from tapdesk._version import __version__
from tapdesk.config import Settings
from tapdesk.ui import theme
from tapdesk.ui.text import Label
from tapdesk.ui.tools.closing import close_row

if TYPE_CHECKING:
    from tapdesk.app.services import Backend


class AboutDialog(QDialog):
    def __init__(
        self,
        backend: Backend,
        *,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("About tapdesk")
        self.setAccessibleName("About tapdesk")
        self._backend = backend
        self.values: dict[str, Label] = {}
        title = Label("tapdesk")
        title.setFont(theme.scaled_font(self, 1.35, bold=True))
        about = Label(
            "Issues Microsoft Entra Temporary Access Passes and walks the new hire through "
            "setting up their sign-in."
        )
        about.setWordWrap(True)
        theme.mute(about)
        form = self._form = QFormLayout()
        form.setVerticalSpacing(8)
        form.setHorizontalSpacing(16)
        for name in ("Version", "Tenant", "Tenant id", "Cloud", "Graph", "Settings files"):
            form.addRow(Label(name), self._value(name))
        self.open_logs = QPushButton("Open folder")
        self.open_logs.setAccessibleName("Open the log folder")
        self.open_logs.clicked.connect(self._open_log_folder)
        logs = QHBoxLayout()
        logs.addWidget(self._value("Log folder"), 1)
        logs.addWidget(self.open_logs, 0, Qt.AlignmentFlag.AlignTop)
        form.addRow(Label("Log folder"), logs)
        for name in ("Qt", "Python"):
            form.addRow(Label(name), self._value(name))
        buttons = close_row(self)
        layout = self._layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 12)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(about)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.resize(620, 300)

    def _value(self, name: str) -> Label:
        label = Label()
        label.setAccessibleName(name)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.values[name] = label
        return label

    def show_facts(self) -> None:
        """Read them again: the settings may have changed since the dialog was last open."""
        settings = self._settings()
        paths = self._backend.paths
        tenant_id = settings.tenant_id or ""
        facts = {
            "Version": __version__,
            "Tenant": settings.tenant_name or "Not configured",
            "Tenant id": tenant_id if tenant_id != settings.tenant_name else "",
            "Cloud": settings.cloud.value,
            "Graph": settings.graph_base_url,
            "Log folder": str(paths.log_dir),
            "Qt": f"{qVersion()} (PySide6 {PySide6.__version__})",
            "Python": f"{platform.python_version()} ({platform.python_implementation()})",
        }
        for name, text in facts.items():
            self.values[name].setText(text)
        self._form.setRowVisible(self.values["Tenant id"], bool(facts["Tenant id"]))
        sources = [
            "TAPDESK_* environment variables" if source == "environment" else source
            for source in settings.sources
        ]
        self.values["Settings files"].set_lines(sources or ["None: tapdesk's own defaults"])
        self.open_logs.setEnabled(paths.log_dir.is_dir())
        self.open_logs.setToolTip("" if paths.log_dir.is_dir() else "Nothing has been logged yet")
        # As tall as the wrapped values need (a window's first size ignores wrapping).
        self.resize(self.width(), self._layout.totalHeightForWidth(self.width()))

    def _settings(self) -> Settings:
        """The services' settings once they are built: a demo's Graph address is filled in
        there; until then the settings the window started with."""
        backend = self._backend
        return backend.services().settings if backend.ready else backend.settings

    def _open_log_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._backend.paths.log_dir)))
