"""Files named from outside (roster, configuration, flow) are read bounded: regular files only,
at most limit + 1 bytes, and every refusal is the reader's usual named error."""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tapdesk.config import MAX_CONFIG_BYTES, load_settings
from tapdesk.core.bounded import (
    NotRegularFile,
    NotUtf8,
    TooLarge,
    describe_size,
    read_bounded,
    utf8_text,
)
from tapdesk.core.flows import FlowError, load_flow
from tapdesk.core.roster import RosterError
from tapdesk.errors import ConfigError
from tapdesk.runtime.paths import AppPaths
from tapdesk.workflows.precheck import read_roster

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev/zero are POSIX")


def finishes(call: Callable[[], object], seconds: float = 5.0) -> BaseException | None:
    """Run ``call`` on a thread; fail if it is still blocked after ``seconds``."""
    raised: list[BaseException] = []

    def run() -> None:
        try:
            call()
        except BaseException as exc:  # handed to the test thread
            raised.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "the reader blocked"
    return raised[0] if raised else None


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "pipe.csv"
    os.mkfifo(path)
    yield path
    # Should a reader be stuck in open(), a writer lets it go (and the test has failed already).
    with contextlib.suppress(OSError):
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))


@pytest.fixture
def zero(tmp_path: Path) -> Path:
    """A symlink to an endless device: its size (0) says nothing about what it holds."""
    link = tmp_path / "zero.csv"
    link.symlink_to("/dev/zero")
    return link


# --- read_bounded ------------------------------------------------------------------------------
def test_a_regular_file_up_to_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "ok.txt"
    path.write_bytes(b"x" * 100)
    assert read_bounded(path, 100) == b"x" * 100
    link = tmp_path / "link.txt"
    link.symlink_to(path)
    assert read_bounded(link, 100) == b"x" * 100  # a link to a regular file is fine


def test_one_byte_over_the_limit_is_too_large(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 101)
    with pytest.raises(TooLarge, match="larger than 100 bytes"):
        read_bounded(path, 100)


def test_a_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "sparse.bin"
    with path.open("wb") as out:
        out.truncate(50 * 1024**3)  # 50 GiB, sparse: reading it all would take minutes
    started = time.monotonic()
    with pytest.raises(TooLarge):
        read_bounded(path, 256 * 1024)
    assert time.monotonic() - started < 2


@posix_only
def test_a_fifo_is_refused_without_blocking(fifo: Path) -> None:
    error = finishes(lambda: read_bounded(fifo, 1000))
    assert isinstance(error, NotRegularFile) and "named pipe (FIFO)" in str(error)


@posix_only
def test_a_symlink_to_a_device_is_refused(zero: Path) -> None:
    with pytest.raises(NotRegularFile, match="is a device, not a regular file"):
        read_bounded(zero, 1000)


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotRegularFile, match="is a folder"):
        read_bounded(tmp_path, 1000)


def test_a_missing_file_is_the_usual_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_bounded(tmp_path / "missing", 1000)


def test_sizes_are_named_the_way_limits_are_written() -> None:
    assert describe_size(5_000_000) == "5 MB"
    assert describe_size(256 * 1024) == "256 KiB"
    assert describe_size(100) == "100 bytes"
    # Each unit from exactly one of it: the limit reads as written, not as a count of smaller units.
    assert describe_size(1 << 20) == "1 MiB"
    assert describe_size(3 << 20) == "3 MiB"
    assert describe_size(1024) == "1 KiB"
    assert describe_size(1_000) == "1 kB"
    assert describe_size(12_345) == "12,345 bytes"


def test_too_large_names_the_limit_in_its_unit(tmp_path: Path) -> None:
    """The message completes "<file> ..." with the limit as written."""
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 1001)
    with pytest.raises(TooLarge) as refused:
        read_bounded(path, 1000)
    assert str(refused.value) == "is larger than 1 kB"


@posix_only
def test_roster_that_is_a_socket_is_a_roster_error(tmp_path: Path) -> None:
    """A socket is named as such: the technician sees what they picked by mistake."""
    path = tmp_path / "day.csv"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(RosterError) as refused:
            read_roster(path)
    assert refused.value.message == "day.csv is a socket, not a regular file."


def test_a_file_type_this_system_has_no_word_for_is_a_special_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A macOS whiteout or a Solaris door (simulated: Linux has neither) is refused by name."""
    odd = tmp_path / "day.csv"
    odd.write_text("UPN\n", encoding="utf-8")
    real_stat = Path.stat
    whiteout = os.stat_result((0o160644, 0, 0, 1, 0, 0, 0, 0, 0, 0))

    def stat(self: Path, **kwargs: bool) -> os.stat_result:
        return whiteout if self == odd else real_stat(self, **kwargs)

    monkeypatch.setattr(Path, "stat", stat)
    with pytest.raises(RosterError) as refused:
        read_roster(odd)
    assert refused.value.message == "day.csv is a special file, not a regular file."


# --- the roster --------------------------------------------------------------------------------
@posix_only
def test_roster_from_a_fifo_or_a_device_is_a_roster_error(fifo: Path, zero: Path) -> None:
    error = finishes(lambda: read_roster(fifo))
    assert isinstance(error, RosterError)
    assert "pipe.csv is a named pipe (FIFO), not a regular file" in error.message
    assert "CSV file" in error.hint
    with pytest.raises(RosterError, match=r"zero\.csv is a device, not a regular file"):
        read_roster(zero)


def test_roster_that_is_a_folder_is_a_roster_error(tmp_path: Path) -> None:
    folder = tmp_path / "day.csv"
    folder.mkdir()
    with pytest.raises(RosterError, match=r"day\.csv is a folder, not a regular file"):
        read_roster(folder)


# --- the configuration -------------------------------------------------------------------------
@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    made = AppPaths.default({"TAPDESK_HOME": str(tmp_path / "home")})
    made.user_file.parent.mkdir(parents=True)
    return made


def config_error(paths: AppPaths) -> ConfigError:
    started = time.monotonic()
    with pytest.raises(ConfigError) as info:
        load_settings(paths, {})
    assert time.monotonic() - started < 2
    assert str(paths.user_file) in info.value.message
    return info.value


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "[" * 100_000,
        "[tenant]\nid = " + "[" * 5_000 + "]" * 5_000 + "\n",
        "[issue]\nx = " + "{a = " * 5_000,
    ],
    ids=["open arrays", "closed arrays", "inline tables"],
)
def test_deep_nesting_is_a_config_error(paths: AppPaths, text: str) -> None:
    paths.user_file.write_text(text, encoding="utf-8")
    error = config_error(paths)
    assert "too deeply" in error.message and error.hint


def test_a_huge_config_is_refused_quickly(paths: AppPaths) -> None:
    paths.user_file.write_text("# padding\n" * (MAX_CONFIG_BYTES // 10 + 1), encoding="utf-8")
    error = config_error(paths)
    assert "is larger than 256 KiB" in error.message and "right file" in error.hint


def test_a_config_at_the_limit_is_read(paths: AppPaths) -> None:
    body = '[tenant]\nid = "contoso.com"\n'
    padding = "#" * (MAX_CONFIG_BYTES - len(body) - 1) + "\n"
    paths.user_file.write_text(padding + body, encoding="utf-8")
    assert load_settings(paths, {}).tenant_id == "contoso.com"


@posix_only
def test_config_that_is_a_fifo_or_a_device_is_a_config_error(paths: AppPaths) -> None:
    os.mkfifo(paths.user_file)
    error = finishes(lambda: load_settings(paths, {}))
    assert isinstance(error, ConfigError)
    assert f"{paths.user_file}: is a named pipe (FIFO), not a regular file" in error.message
    paths.user_file.unlink()
    paths.user_file.symlink_to("/dev/zero")
    assert "is a device, not a regular file" in config_error(paths).message


def test_config_that_is_a_folder_is_a_config_error(paths: AppPaths) -> None:
    paths.user_file.mkdir()
    assert "is a folder, not a regular file" in config_error(paths).message


# --- flows -------------------------------------------------------------------------------------
@posix_only
def test_a_flow_that_is_a_fifo_or_too_large_is_a_flow_error(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.toml"
    os.mkfifo(pipe)
    error = finishes(lambda: load_flow(pipe))
    assert isinstance(error, FlowError) and "pipe.toml: is a named pipe" in error.message
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * (256 * 1024 + 1))
    with pytest.raises(FlowError, match=r"big\.toml: is larger than 256 KiB"):
        load_flow(big)


# --- the one UTF-8 decoder ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "utf16", "line", "said"),
    [
        (b"\xff\xfe" + "ünïcode".encode("utf-16-le"), True, 1, "saved as UTF-16"),
        (b"\xfe\xff" + 'id = "x"'.encode("utf-16-be"), True, 1, "saved as UTF-16"),
        (b'a = 1\nb = 2\nc = "caf\xe9"\n', False, 3, "not UTF-8 (line 3)"),
    ],
    ids=["utf-16-le", "utf-16-be", "ansi"],
)
def test_text_that_is_not_utf8_says_which_kind_and_where(
    raw: bytes, utf16: bool, line: int, said: str
) -> None:
    with pytest.raises(NotUtf8) as caught:
        utf8_text(raw)
    assert (caught.value.utf16, caught.value.line, str(caught.value)) == (utf16, line, said)


def test_utf8_text_drops_the_byte_order_mark() -> None:
    assert utf8_text("\ufeffid = 'Łukasz'".encode()) == "id = 'Łukasz'"
