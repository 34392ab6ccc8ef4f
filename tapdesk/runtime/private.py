"""Everything tapdesk writes is private to the user: folders 0700, files 0600 (POSIX).

The one owner of those modes. Each is set when the folder or file is created (never a window
with the umask's mode) and again on every open, so an install from before this rule, or a file
someone loosened, is fixed the next time tapdesk uses it. On Windows the per-user profile
folders (``%LOCALAPPDATA%``) are already private to the user, so modes are left alone there.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

DIR_MODE = 0o700
FILE_MODE = 0o600
POSIX = os.name == "posix"


def private_dir(folder: Path) -> Path:
    """Create ``folder`` (and any missing parents, as XDG asks) 0700, or fix an existing one."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    for parent in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another tapdesk process was first
            parent.mkdir(mode=DIR_MODE)
        _chmod(parent, DIR_MODE)
    if not missing:
        _chmod(folder, DIR_MODE)
    return folder


def private_file(path: Path) -> Path:
    """Create ``path`` empty and 0600 if it is missing; fix the mode of an existing one."""
    os.close(opener(str(path), os.O_WRONLY | os.O_CREAT))
    return path


def fix_mode(path: Path) -> None:
    """Make an existing file 0600; a missing one is no error."""
    if path.exists():
        _chmod(path, FILE_MODE)


def opener(path: str, flags: int) -> int:
    """For ``open(..., opener=opener)``: a new file is created 0600, an existing one made so."""
    fd = os.open(path, flags, FILE_MODE)
    if POSIX:
        try:
            os.fchmod(fd, FILE_MODE)
        except OSError as exc:
            _not_fixed(path, exc)
    return fd


def _chmod(path: Path, mode: int) -> None:
    if not POSIX:
        return
    try:
        if path.stat().st_mode & 0o777 != mode:
            path.chmod(mode)
    except OSError as exc:
        _not_fixed(str(path), exc)


def _not_fixed(path: str, exc: OSError) -> None:
    # A file system without POSIX modes (a FAT stick as TAPDESK_HOME) must not stop tapdesk;
    # the mode given at creation still applied where the file system keeps one.
    log.warning("could not make %s private: %s", path, exc.strerror or type(exc).__name__)
