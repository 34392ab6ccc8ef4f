"""The row at the foot of a read-only dialog (About, Keyboard shortcuts): Close, on the right."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton


def close_row(dialog: QDialog) -> QHBoxLayout:
    close = QPushButton("Close")
    close.setAccessibleName("Close")
    close.setDefault(True)  # nothing here to lose: Enter closes
    close.clicked.connect(dialog.close)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(close)
    return row
