"""Start external programs (the system browser) from the frozen app with the user's environment.

In a PyInstaller build the bootloader points ``LD_LIBRARY_PATH`` (``LIBPATH`` on AIX) at the
bundle and keeps the user's value in ``LD_LIBRARY_PATH_ORIG``; the PySide6 runtime hook sets
``QT_PLUGIN_PATH`` and ``QML2_IMPORT_PATH`` to the bundle's Qt (and prepends the bundle to
``PATH`` on Windows, ``DYLD_LIBRARY_PATH`` on macOS). A child inherits all of it: ``xdg-open``,
``kde-open`` or the browser then load the bundle's libraries and Qt plugins instead of their own
and crash or silently fail to open. So on Linux MSAL's browser sign-in, and any "open link",
start the browser with those variables restored.

Windows is no exception by nature: :func:`webbrowser.open` there is ``os.startfile``
(ShellExecuteW), which starts a browser that is not already running as OUR child, with our
environment and the DLL directory the bootloader set with ``SetDllDirectoryW`` (PyInstaller,
"Launching external programs from the frozen application",
https://pyinstaller.org/en/stable/common-issues-and-pitfalls.html). It is left alone because
Windows browsers load their DLLs from their own folder first and are not Qt programs; a bench
whose default browser breaks in the frozen app should look here first.

Outside a frozen build every function here is a no-op wrapper around the standard library.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import threading
import webbrowser
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

# Variables the bootloader overrides, saving the user's value as <name>_ORIG.
_SAVED_BY_BOOTLOADER = ("LD_LIBRARY_PATH", "LIBPATH")
# Path lists the runtime hooks set or prepend with bundle folders.
_PATH_LISTS = ("QT_PLUGIN_PATH", "QML2_IMPORT_PATH", "DYLD_LIBRARY_PATH", "PATH")
# The bootloader's private state: a child that is itself a PyInstaller app must not inherit it.
_PRIVATE_PREFIX = "_PYI_"
_PRIVATE = ("_MEIPASS2",)

# After $BROWSER, in this order; the first that starts and does not fail at once wins.
_LINUX_OPENERS: tuple[tuple[str, ...], ...] = (
    ("xdg-open",),
    ("gio", "open"),
    ("x-www-browser",),
    ("sensible-browser",),
    ("firefox",),
    ("chromium",),
    ("google-chrome",),
)
QUICK_FAILURE_SECONDS = 2.0  # an opener that exits non-zero within this has failed

Popen = Callable[..., Any]


def bundle_dir() -> str | None:
    """The frozen app's bundle folder (``sys._MEIPASS``), or None when running from source."""
    if not getattr(sys, "frozen", False):
        return None
    meipass = getattr(sys, "_MEIPASS", None)
    return str(meipass) if meipass else None


def _inside(entry: str, bundle: str) -> bool:
    if not entry:
        return False
    a, b = (os.path.normcase(os.path.normpath(Path(p).absolute())) for p in (entry, bundle))
    try:
        return os.path.commonpath([a, b]) == b
    except ValueError:  # different drives on Windows
        return False


def _without_bundle(value: str, bundle: str) -> str:
    return os.pathsep.join(e for e in value.split(os.pathsep) if e and not _inside(e, bundle))


def external_program_env(
    environ: Mapping[str, str] | None = None,
    *,
    bundle: str | None = None,
) -> dict[str, str]:
    """The environment an external program should get: ``environ`` (default ``os.environ``)
    with the frozen app's changes undone. ``bundle`` defaults to :func:`bundle_dir`; when there
    is none (not frozen) the copy comes back unchanged."""
    env = dict(os.environ if environ is None else environ)
    bundle = bundle if bundle is not None else bundle_dir()
    if not bundle:
        return env
    for name in _SAVED_BY_BOOTLOADER:
        original = env.pop(f"{name}_ORIG", None)
        if original is not None:
            env[name] = original
        elif name in env:
            env[name] = _without_bundle(env[name], bundle)
    for name in _PATH_LISTS:
        if name in env:
            env[name] = _without_bundle(env[name], bundle)
    for name in list(env):
        if name.startswith(_PRIVATE_PREFIX) or name in _PRIVATE:
            del env[name]
    for name in (*_SAVED_BY_BOOTLOADER, *_PATH_LISTS):
        if name in env and not env[name] and name != "PATH":
            del env[name]
    return env


def _browser_commands(url: str, env: Mapping[str, str]) -> list[list[str]]:
    """$BROWSER first (as :mod:`webbrowser` reads it: entries split by os.pathsep, ``%s`` is
    the URL), then the usual openers; only those found on the (restored) PATH."""
    commands: list[list[str]] = []
    for entry in env.get("BROWSER", "").split(os.pathsep):
        if not entry.strip():
            continue
        parts = shlex.split(entry)
        commands.append([p.replace("%s", url) for p in parts] if "%s" in entry else [*parts, url])
    commands.extend([*opener, url] for opener in _LINUX_OPENERS)
    found = []
    for command in commands:
        program = shutil.which(command[0], path=env.get("PATH"))
        if program:
            found.append([program, *command[1:]])
    return found


def _start(command: Sequence[str], env: Mapping[str, str], popen: Popen, wait: float) -> bool:
    try:
        process = popen(
            list(command),
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=True,
            start_new_session=True,
        )
    except OSError:
        return False
    try:
        # xdg-open returns at once when a browser takes the URL; a plain browser may run on.
        return bool(process.wait(timeout=wait) == 0)
    except subprocess.TimeoutExpired:
        # Still running: it took the URL. Reap it whenever it ends (no zombie, no warning).
        threading.Thread(target=process.wait, name="browser-reaper", daemon=True).start()
        return True


def open_url(
    url: str,
    *,
    environ: Mapping[str, str] | None = None,
    bundle: str | None = None,
    platform: str = sys.platform,
    popen: Popen = subprocess.Popen,
    fallback: Callable[[str], bool] = webbrowser.open,
    wait: float = QUICK_FAILURE_SECONDS,
) -> bool:
    """Open ``url`` in the user's browser; True if a browser (probably) took it.

    A drop-in for the ``open_browser`` callable the Authenticator takes. From source, on macOS
    (LaunchServices starts the browser, not a child of ours) and on Windows (see the module
    docstring: a child there, but unharmed) this is :func:`webbrowser.open`. In a frozen build
    on Linux/BSD the browser is started here, with :func:`external_program_env`, because
    :mod:`webbrowser` passes our environment on.
    """
    bundle = bundle if bundle is not None else bundle_dir()
    if not bundle or platform in ("win32", "darwin"):
        return bool(fallback(url))
    env = external_program_env(environ, bundle=bundle)
    return any(_start(command, env, popen, wait) for command in _browser_commands(url, env))
