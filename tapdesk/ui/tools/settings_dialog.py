"""Tools > Settings… (Ctrl+,): the technician's own settings, within what the site allows.

Each control offers only what tapdesk would use: the site file's limits come from
:func:`tapdesk.config.tightened`, the rule settings load with (a site that clears the clipboard
after 30 s offers 1 to 30 s, never "Never"). A value set by a ``TAPDESK_*`` variable or a flag
wins over the user file, so its control is disabled and says where it is set. OK writes what
changed to the user file as a named operation and the window applies it at once; if the file
cannot be written the dialog stays open with the reason, and nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tapdesk.config import QrPayload, Settings, tightened
from tapdesk.core.passrules import API_MAX_LIFETIME, API_MIN_LIFETIME
from tapdesk.errors import TapdeskError
from tapdesk.ui import theme
from tapdesk.ui.operations import Operations
from tapdesk.ui.text import Label
from tapdesk.ui.widgets.banner import Banner

TIMER_MOST = 86400  # seconds: the most a settings file may give a timer
_PINNED = {"environment", "command line"}  # layers that win over the user file
_ONE_TIME = (("Tenant policy's default", None), ("Yes: one sign-in", True), ("No: reusable", False))
_QR = (("The pass itself", QrPayload.PASS), ("The sign-in page (Security info)", QrPayload.SIGNIN))


class SettingsDialog(QDialog):
    def __init__(
        self,
        ops: Operations,
        apply: Callable[[Settings], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("tapdesk: settings")
        self.setAccessibleName("Settings")
        self._ops = ops
        self._apply = apply
        self._settings = ops.backend.settings
        self._site_file = ops.backend.paths.site_file
        self._saving = False
        self.notes: dict[str, Label] = {}
        self._build(str(ops.backend.paths.user_file))
        self._initial = self.values()

    # -- construction ---------------------------------------------------------------------------
    def _build(self, user_file: str) -> None:
        title = Label("Settings")
        title.setFont(theme.scaled_font(self, 1.35, bold=True))
        about = Label(
            f"Saved for you in {user_file}. The site file (IT's) and TAPDESK_* environment "
            "variables win over these."
        )
        about.setWordWrap(True)
        theme.mute(about)
        self.banner = Banner()
        self.status = Label()
        self.status.setAccessibleName("Saving status")

        form = QFormLayout()
        form.setVerticalSpacing(10)
        form.setHorizontalSpacing(16)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._add(form, "Default lifetime", "default_lifetime_minutes", self._lifetime())
        self._add(form, "Default one-time use", "default_one_time", self._one_time())
        self._add(
            form, "Clipboard clears after", "clipboard_clear_seconds", self._timer("Clipboard")
        )
        self._add(form, "Mask the pass after", "hide_after_seconds", self._timer("Idle mask"))
        self._add(form, "Mask until revealed", "mask_until_revealed", self._mask())
        self._add(form, "QR code carries", "qr_payload", self._qr())
        self._add(form, "Large text", "large_text", self._large_text())
        form.addRow(_section("Set by IT for shared benches"))
        for text, value in self._bench_rows():
            row = Label(value)
            row.setAccessibleName(text)
            row.setWordWrap(True)
            row.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(Label(text), row)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setAccessibleName("Save the settings")
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName("Close without saving")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 12)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(about)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addLayout(bottom)
        # As tall as the wrapped notes need at this width (a window's first size ignores them).
        self.resize(640, layout.totalHeightForWidth(640))

    def _add(self, form: QFormLayout, text: str, name: str, field: QWidget) -> None:
        """A row: the control, and under it a note saying what limits it, if anything does."""
        note = Label()
        note.setAccessibleName(f"{text}: note")
        note.setWordWrap(True)
        theme.mute(note)
        self.notes[name] = note
        origin = self._settings.origin(name)
        if origin is not None and not self._free(name):
            field.setEnabled(False)
            undo = origin.undo()
            note.setText(f"Set by {origin}: {undo[0].lower()}{undo[1:]} to choose here.")
        else:
            note.setText(self._limit(name))
        note.setVisible(bool(note.value()))
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addWidget(_row(field) if isinstance(field, (QSpinBox, QComboBox)) else field)
        column.addWidget(note)
        label = Label(text)
        form.addRow(label, column)

    def _limit(self, name: str) -> str:
        """What the site file allows, in words (empty when it leaves the setting free)."""
        where = f"Limited by the site file ({self._site_file})"
        settings = self._settings
        if name in {"clipboard_clear_seconds", "hide_after_seconds"}:
            most = tightened(settings, name, TIMER_MOST)
            if tightened(settings, name, 0):
                return f"{where}: at most {most} s." + (
                    " It masks even while a checklist waits for the new hire to use the pass."
                    if name == "hide_after_seconds"
                    else ""
                )
            if name == "hide_after_seconds":
                return "Not while a checklist waits for the new hire to use the pass."
            return ""
        if name == "mask_until_revealed" and tightened(settings, name, False):
            return f"{where}: always masked."
        if name == "qr_payload" and tightened(settings, name, QrPayload.PASS) is QrPayload.SIGNIN:
            return f"{where}: the sign-in page only."
        if name == "large_text":
            return "Applies at the next start."
        if name == "default_lifetime_minutes":
            return "A pass still gets no more than the tenant policy allows."
        return ""

    def _lifetime(self) -> QWidget:
        self.lifetime = QSpinBox()
        self.lifetime.setAccessibleName("Default lifetime in minutes")
        self.lifetime.setRange(API_MIN_LIFETIME, API_MAX_LIFETIME)
        self.lifetime.setSingleStep(10)
        self.lifetime.setSuffix(" min")
        self.lifetime_policy = QCheckBox("Tenant policy's default")
        self.lifetime_policy.setAccessibleName("Use the tenant policy's default lifetime")
        wanted = self._settings.default_lifetime_minutes
        self.lifetime.setValue(wanted or 60)
        self.lifetime_policy.setChecked(wanted is None)
        self.lifetime.setEnabled(wanted is not None)
        self.lifetime_policy.toggled.connect(lambda on: self.lifetime.setEnabled(not on))
        return _row(self.lifetime_policy, self.lifetime)

    def _one_time(self) -> QComboBox:
        self.one_time = _combo("Default one-time use", _ONE_TIME, self._settings.default_one_time)
        return self.one_time

    def _timer(self, name: str) -> QSpinBox:
        field = "clipboard_clear_seconds" if name == "Clipboard" else "hide_after_seconds"
        spin = QSpinBox()
        spin.setAccessibleName(f"{name} seconds")
        spin.setSuffix(" s")
        spin.setSingleStep(5)
        never = tightened(self._settings, field, 0) == 0  # 0 turns the timer off
        spin.setRange(0 if never else 1, tightened(self._settings, field, TIMER_MOST))
        if never:
            spin.setSpecialValueText("Never")
        spin.setValue(getattr(self._settings, field))
        if field == "clipboard_clear_seconds":
            self.clipboard = spin
        else:
            self.hide_after = spin
        return spin

    def _mask(self) -> QCheckBox:
        self.masked = QCheckBox("Masked when shown; Show reveals it")
        self.masked.setAccessibleName("Mask the pass until revealed")
        self.masked.setChecked(self._settings.mask_until_revealed)
        if tightened(self._settings, "mask_until_revealed", False):
            self.masked.setEnabled(False)
        return self.masked

    def _qr(self) -> QComboBox:
        self.qr = _combo("QR code carries", _QR, self._settings.qr_payload)
        if tightened(self._settings, "qr_payload", QrPayload.PASS) is QrPayload.SIGNIN:
            self.qr.setEnabled(False)
        return self.qr

    def _large_text(self) -> QCheckBox:
        self.large_text = QCheckBox("Larger text everywhere")
        self.large_text.setAccessibleName("Large text")
        self.large_text.setChecked(self._settings.large_text)
        return self.large_text

    def _bench_rows(self) -> list[tuple[str, str]]:
        settings = self._settings
        idle = settings.sign_out_after_idle_minutes
        age = settings.fresh_sign_in_minutes
        return [
            (
                "Shared bench",
                f"{'Yes' if settings.shared_bench else 'No'}; {self._from('shared_bench')}",
            ),
            (
                "Idle sign-out",
                f"{f'After {idle} min' if idle else 'Never'}; "
                f"{self._from('idle_sign_out_minutes')}",
            ),
            (
                "Sign-in age",
                f"{'Not asked' if age is None else f'At most {age} min'}; "
                f"{self._from('sign_in_max_age_minutes')}",
            ),
        ]

    def _from(self, name: str) -> str:
        origin = self._settings.origin(name)
        return f"from {origin}" if origin is not None else "tapdesk's default"

    # -- what the technician chose --------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """Every setting as the controls now have it."""
        return {
            "default_lifetime_minutes": (
                None if self.lifetime_policy.isChecked() else self.lifetime.value()
            ),
            "default_one_time": self.one_time.currentData(),
            "clipboard_clear_seconds": self.clipboard.value(),
            "hide_after_seconds": self.hide_after.value(),
            "mask_until_revealed": self.masked.isChecked(),
            "qr_payload": self.qr.currentData(),
            "large_text": self.large_text.isChecked(),
        }

    def changes(self) -> dict[str, Any]:
        """What the technician changed: only that is written (the rest keeps its own source)."""
        return {
            name: value
            for name, value in self.values().items()
            if value != self._initial[name] and self._free(name)
        }

    def _free(self, name: str) -> bool:
        """Not pinned by a layer that wins over the user file."""
        origin = self._settings.origin(name)
        return origin is None or origin.layer not in _PINNED

    # -- saving -----------------------------------------------------------------------------------
    def accept(self) -> None:
        changes = self.changes()
        if not changes:
            super().accept()
            return
        self.banner.dismiss()
        self._set_saving(True)
        self._ops.save_settings(changes, self._saved, self._failed)

    def reject(self) -> None:
        if not self._saving:  # the answer must find the dialog: it closes itself when saved
            super().reject()

    def _saved(self, fresh: Settings) -> None:
        self._set_saving(False)
        self._apply(fresh)
        super().accept()

    def _failed(self, error: TapdeskError) -> None:
        self._set_saving(False)
        self.banner.show_error(error)

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self.buttons.setEnabled(not saving)
        self.status.setText("Saving…" if saving else "")


def _combo(name: str, choices: tuple[tuple[str, Any], ...], current: Any) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    for text, value in choices:
        combo.addItem(text, value)
    combo.setCurrentIndex(next(i for i, (_, value) in enumerate(choices) if value == current))
    return combo


def _row(*widgets: QWidget) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    layout.addStretch(1)
    return row


def _section(text: str) -> Label:
    label = Label(text)
    label.setFont(theme.scaled_font(label, 1.0, bold=True))
    return label
