"""Help (F1 shortcuts, About) and Tools > Settings…, end to end on the demo tenant's window."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QTableWidget,
    QWidget,
)

import tapdesk
from tapdesk.config import Cloud, load_settings
from tapdesk.ui.tools.settings_dialog import SettingsDialog
from tapdesk.ui.window.main_window import MainWindow
from tapdesk.workflows.preferences import PREFERENCES
from tests.helpers.demo import UPN
from tests.helpers.files import write
from tests.helpers.qt import WAIT_MS, decode_widget, issue, open_user, read, wait_idle

NATIVE = QKeySequence.SequenceFormat.NativeText
MakeWindow = Callable[..., MainWindow]


def home(tmp_path: Path) -> Path:
    """The window's TAPDESK_HOME (tests/ui/conftest.py's make_window puts it there)."""
    return tmp_path / "home"


def window_on_files(make_window: MakeWindow, tmp_path: Path, env: Mapping[str, str]) -> MainWindow:
    """The window with the technician's settings as tapdesk loads them from its files and
    ``env`` (the demo tenant and its token as make_window sets them)."""
    from tapdesk.runtime.paths import AppPaths

    loaded = load_settings(AppPaths.default({"TAPDESK_HOME": str(home(tmp_path))}), env)
    carried = (*PREFERENCES, "origins", "site_values", "sources")
    return make_window(**{name: getattr(loaded, name) for name in carried})


def open_settings(qtbot: Any, window: MainWindow) -> SettingsDialog:
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    dialog = window.preferences.dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def press_ok(qtbot: Any, window: MainWindow, dialog: SettingsDialog) -> None:
    dialog.ok_button.click()
    wait_idle(qtbot, window)


def user_file(tmp_path: Path) -> Path:
    return home(tmp_path) / "config" / "tapdesk.toml"


# -- Help -------------------------------------------------------------------------------------
def test_f1_lists_every_shortcut_of_the_window_and_its_menus(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_F1)
    dialog = window.help.shortcuts
    assert dialog is not None and dialog.isVisible()
    listed = dialog.keys_listed()
    bound = [s.key().toString(NATIVE) for s in window.findChildren(QShortcut)]
    in_menus = [
        keys.toString(NATIVE)
        for menu in window.menuBar().actions()
        if menu.menu() is not None
        for action in menu.menu().actions()
        for keys in action.shortcuts()
    ]
    assert len(bound) >= 6 and {"Ctrl+R", "Ctrl+,", "F1"} <= set(in_menus)
    assert [keys for keys in bound + in_menus if keys not in listed] == []
    texts = [dialog.table.item(row, 1).text() for row in range(dialog.table.rowCount())]
    assert all(texts) and len(texts) == dialog.table.rowCount()


def test_about_names_version_tenant_cloud_and_log_folder_as_plain_text(
    qtbot, window, tmp_path, monkeypatch
):
    log_dir = home(tmp_path) / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    window.help.about_action.trigger()
    about = window.help.about
    assert about is not None and about.isVisible()
    shown = {name: read(label) for name, label in about.values.items()}
    assert shown["Version"] == tapdesk.__version__
    assert shown["Tenant"] == "Demo tenant"
    assert shown["Cloud"] == Cloud.GLOBAL.value
    assert shown["Graph"].startswith("https://") and shown["Graph"].endswith("/v1.0")
    assert shown["Log folder"] == str(log_dir)
    assert shown["Python"] and shown["Qt"]
    labels = about.findChildren(QLabel)
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in labels)
    token = window.settings.access_token
    assert token and not [label for label in labels if token in label.text()]
    about.open_logs.click()
    assert [url.toLocalFile() for url in opened] == [str(log_dir)]


def test_every_control_of_the_dialogs_has_an_accessible_name(qtbot, window):
    dialogs = [window.preferences.open_settings(), window.help.open_about()]
    dialogs.append(window.help.open_shortcuts())
    controls = (QAbstractButton, QAbstractSpinBox, QComboBox)
    unnamed = [
        f"{type(widget).__name__} in {dialog.accessibleName()}"
        for dialog in dialogs
        for widget in dialog.findChildren(QWidget)
        if isinstance(widget, controls)
        and not widget.accessibleName()
        and not isinstance(widget.parent(), (QLineEdit, QTableWidget, *controls))  # Qt's parts
    ]
    assert unnamed == []


# -- Settings: saved and applied at once ------------------------------------------------------
def test_clipboard_time_is_saved_to_the_user_file_and_used_at_once(qtbot, window, tmp_path):
    write(user_file(tmp_path), "# mine\n[privacy]\nhide_after_seconds = 120  # two minutes\n")
    dialog = open_settings(qtbot, window)
    dialog.clipboard.setValue(10)
    press_ok(qtbot, window, dialog)
    assert not dialog.isVisible()
    assert user_file(tmp_path).read_text(encoding="utf-8") == (
        "# mine\n[privacy]\nhide_after_seconds = 120  # two minutes\nclipboard_clear_seconds = 10\n"
    )
    assert window.clipboard.clear_after_seconds == 10
    assert window.settings.clipboard_clear_seconds == 10
    assert window.backend.services().settings.clipboard_clear_seconds == 10


def test_defaults_and_masking_apply_to_the_form_and_the_next_pass(qtbot, window, tmp_path):
    dialog = open_settings(qtbot, window)
    dialog.lifetime_policy.setChecked(False)
    dialog.lifetime.setValue(120)
    dialog.one_time.setCurrentIndex(dialog.one_time.findData(True))
    dialog.masked.setChecked(True)
    press_ok(qtbot, window, dialog)
    assert window.form.lifetime.value() == 120 and window.form.one_time.isChecked()
    open_user(qtbot, window, "ava", UPN["ava.newhire"])
    issue(qtbot, window)
    assert window.passes.reveal_button.text() == "Show"
    assert set(window.passes.code_label.plain_text().replace(" ", "")) == {"•"}
    assert decode_widget(window.passes.qr) == []
    text = user_file(tmp_path).read_text(encoding="utf-8")
    assert "[issue]\ndefault_lifetime_minutes = 120\ndefault_one_time = true\n" in text
    assert "mask_until_revealed = true" in text


def test_the_site_files_limit_is_the_most_the_spin_offers(qtbot, make_window, tmp_path):
    site = home(tmp_path) / "site" / "tapdesk.toml"
    write(site, "[privacy]\nhide_after_seconds = 60\n")
    window = window_on_files(make_window, tmp_path, {})
    dialog = open_settings(qtbot, window)
    assert (dialog.hide_after.minimum(), dialog.hide_after.maximum()) == (1, 60)  # no "Never"
    assert dialog.hide_after.specialValueText() == ""
    assert read(dialog.notes["hide_after_seconds"]) == (
        f"Limited by the site file ({site}): at most 60 s. It masks even while a checklist "
        "waits for the new hire to use the pass."
    )
    assert (dialog.clipboard.minimum(), dialog.clipboard.maximum()) == (0, 86400)
    assert dialog.clipboard.specialValueText() == "Never"


def test_a_value_from_the_environment_is_not_offered(qtbot, make_window, tmp_path, monkeypatch):
    monkeypatch.setenv("TAPDESK_HIDE_AFTER_SECONDS", "45")
    window = window_on_files(make_window, tmp_path, os.environ)
    dialog = open_settings(qtbot, window)
    assert not dialog.hide_after.isEnabled()
    assert dialog.hide_after.value() == 45
    assert read(dialog.notes["hide_after_seconds"]).startswith(
        "Set by TAPDESK_HIDE_AFTER_SECONDS (environment)"
    )
    dialog.hide_after.setValue(90)  # as if it were not disabled: still not written
    dialog.large_text.setChecked(True)
    press_ok(qtbot, window, dialog)
    assert user_file(tmp_path).read_text(encoding="utf-8") == "[display]\nlarge_text = true\n"
    assert window.settings.hide_after_seconds == 45


# -- Settings: a save that fails keeps the dialog and what was typed ---------------------------
@pytest.mark.parametrize("problem", ["unparsable file", "folder refuses"])
def test_a_failed_save_is_shown_in_the_dialog_and_nothing_is_lost(
    qtbot, window, tmp_path, monkeypatch, problem
):
    broken = "[privacy\nclipboard_clear_seconds = 30\n"
    if problem == "unparsable file":
        write(user_file(tmp_path), broken)
    else:

        def refuse(source: object, target: object) -> None:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(os, "replace", refuse)
    dialog = open_settings(qtbot, window)
    dialog.clipboard.setValue(10)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: not dialog.banner.isHidden(), timeout=WAIT_MS)
    assert dialog.isVisible()
    message, hint = read(dialog.banner.message), read(dialog.banner.hint)
    assert str(user_file(tmp_path)) in message
    if problem == "unparsable file":
        assert "line 1" in message and "not valid TOML" in message
        assert "Fix the syntax" in hint
        assert user_file(tmp_path).read_text(encoding="utf-8") == broken
    else:
        assert "could not be saved (Permission denied)" in message
        assert f"{user_file(tmp_path).parent} is a folder your account can write to" in hint
        assert not user_file(tmp_path).exists()
    assert dialog.clipboard.value() == 10 and dialog.ok_button.isEnabled()
    assert window.clipboard.clear_after_seconds == 30
    monkeypatch.undo()  # fixed: the same choice saves on the next OK
    write(user_file(tmp_path), "")
    press_ok(qtbot, window, dialog)
    assert not dialog.isVisible()
    assert window.clipboard.clear_after_seconds == 10
