"""Issue 19: the window and the CLI write one tapdesk.log at the same time. Rotating it must not
lose records: not when another process rotated the file away (POSIX), and not when the rename is
refused because the other process holds the file open (Windows, WinError 32)."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tapdesk.runtime import logs


def _writer(path: Path, name: str, max_bytes: int = 300) -> Iterator[logging.Logger]:
    logger = logging.getLogger(f"test.two-writers.{name}")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    handler = logs._SharedRotatingHandler(path, max_bytes=max_bytes, backups=9)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    try:
        yield logger
    finally:
        logger.removeHandler(handler)
        handler.close()


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    return tmp_path / logs.LOG_NAME


def _lines(path: Path) -> list[str]:
    files = sorted(path.parent.glob(f"{path.name}*"))
    return [line for f in files for line in f.read_text(encoding="utf-8").splitlines()]


def test_a_process_follows_the_log_the_other_process_rotated(log_path: Path) -> None:
    window_gen, cli_gen = _writer(log_path, "window"), _writer(log_path, "cli")
    window, cli = next(window_gen), next(cli_gen)
    written = ["cli started"]
    cli.info(written[0])  # the CLI holds tapdesk.log open
    number = 0
    while not log_path.with_name(f"{log_path.name}.1").exists():  # the window fills and rotates it
        written.append(f"window record {number:02d} " + "x" * 30)
        window.info(written[-1])
        number += 1
    written.append("cli after the window rotated")
    cli.info(written[-1])
    window_gen.close()
    cli_gen.close()
    # The CLI's record is in tapdesk.log, not in the file the window renamed to tapdesk.log.1.
    assert "cli after the window rotated" in log_path.read_text(encoding="utf-8")
    assert sorted(_lines(log_path)) == sorted(written)  # none lost, none twice


def test_rotation_refused_by_windows_keeps_appending_then_rotates_later(
    log_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real_rename = os.rename
    held = {"by_other_process": True}

    def windows_rename(src: str, dst: str) -> None:
        if held["by_other_process"] and os.fspath(src) == str(log_path):
            raise PermissionError(
                13, "The process cannot access the file because it is being used by another process"
            )
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", windows_rename)
    gen = _writer(log_path, "window-refused", max_bytes=200)
    logger = next(gen)
    first = [f"while the CLI holds the log {n:02d} " + "y" * 20 for n in range(15)]
    for line in first:
        logger.info(line)
    assert log_path.read_text(encoding="utf-8").splitlines() == first  # all kept, in place
    assert "Logging error" not in capsys.readouterr().err
    held["by_other_process"] = False  # the CLI has exited
    later = [f"after the CLI exited {n:02d} " + "z" * 20 for n in range(15)]
    for line in later:
        logger.info(line)
    gen.close()
    assert sorted(_lines(log_path)) == sorted(first + later)
    assert log_path.with_name(f"{log_path.name}.1").exists()
    if os.name == "posix":
        for path in log_path.parent.iterdir():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_configure_uses_the_rotation_safe_handler(tmp_path: Path) -> None:
    logs.configure(tmp_path)
    try:
        handlers = [h for h in logging.getLogger("tapdesk").handlers if getattr(h, "_tapdesk", 0)]
        assert [type(h) for h in handlers] == [logs._SharedRotatingHandler]
    finally:
        logs.configure(None)
