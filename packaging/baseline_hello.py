"""The size baseline: a bare PySide6-Essentials window, frozen exactly like tapdesk.

Opens a window, lets the event loop run briefly, exits 0.
"""

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel

app = QApplication(sys.argv)
window = QLabel("hello")
window.show()
QTimer.singleShot(300, app.quit)
sys.exit(app.exec())
