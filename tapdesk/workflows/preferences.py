"""The technician's own settings, written to the user file (the window's Tools > Settings…).

:func:`save_user_values` changes only the lines it must: a key is set where it stands under its
``[section]`` (a comment after it kept), added after the section's last key, or the section is
added at the end of the file. Every other line, comment and key stays as it was. The new text is
written to a private file beside the user file and read back the way tapdesk reads settings
before it replaces the user file, so a file tapdesk would refuse at the next start never lands.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Any

from tapdesk.config import MAX_CONFIG_BYTES, Settings, file_key, read_file
from tapdesk.core.bounded import read_bounded, utf8_text
from tapdesk.errors import ConfigError
from tapdesk.runtime import private
from tapdesk.runtime.paths import AppPaths

# The Settings fields a technician may set for themselves (in this order in the dialog).
PREFERENCES = (
    "default_lifetime_minutes",
    "default_one_time",
    "clipboard_clear_seconds",
    "hide_after_seconds",
    "mask_until_revealed",
    "qr_payload",
    "large_text",
)


def save_user_values(paths: AppPaths, values: Mapping[str, Any]) -> Path:
    """Write ``values`` (Settings field name -> value; None removes the key, so the default or
    the site's value applies) to the user file, and return that file.

    Raises ConfigError naming the file and the fix: the file as it is cannot be read (it is
    left alone), a value would not read back, or the folder cannot be written.
    """
    foreign = sorted(set(values) - set(PREFERENCES))
    if foreign:
        raise ValueError(f"not a technician's setting: {', '.join(foreign)}")
    target = paths.user_file.resolve() if paths.user_file.is_symlink() else paths.user_file
    before = read_file(target, site=False)  # a file tapdesk cannot read is not rewritten
    changes = {
        file_key(name): None if value is None else toml_literal(value)
        for name, value in values.items()
    }
    _replace_checked(target, set_keys(_text_of(target), changes), values, before)
    return target


def adopt(current: Settings, fresh: Settings) -> Settings:
    """``current`` with the technician's settings as ``fresh`` (read again after a save) has
    them: values, where each came from, the site's limits and the files read. Everything else
    stays as the running app has it (the tenant, a demo's Graph URL)."""
    origins = {name: origin for name, origin in current.origins if name not in PREFERENCES}
    origins.update((name, origin) for name, origin in fresh.origins if name in PREFERENCES)
    return replace(
        current,
        **{name: getattr(fresh, name) for name in PREFERENCES},
        origins=tuple(origins.items()),
        site_values=fresh.site_values,
        sources=fresh.sources,
    )


def set_keys(text: str, changes: Mapping[tuple[str, str], str | None]) -> str:
    """``text`` with each ``(section, key)`` set to its TOML literal (None: the key removed)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    for (section, key), literal in changes.items():
        _set_key(lines, section, key, literal, newline)
    return "".join(lines)


def toml_literal(value: Any) -> str:
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return '"' + "".join(_escaped(char) for char in value) + '"'
    raise TypeError(f"no TOML literal for a {type(value).__name__}")


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    if char.isprintable():
        return char
    return f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}"


_HEADER = re.compile(r"^\s*\[\s*([A-Za-z0-9_-]+)\s*\]\s*(?:#.*)?$")


def _set_key(lines: list[str], section: str, key: str, literal: str | None, newline: str) -> None:
    span = _section_span(lines, section)
    if span is None:
        if literal is not None:
            if lines and lines[-1].strip():
                lines.append(newline)
            lines += [f"[{section}]{newline}", f"{key} = {literal}{newline}"]
        return
    start, end = span
    assignment = re.compile(rf"^(\s*){re.escape(key)}\s*=")
    # A simple value and the comment after it: the comment stays with the new value.
    simple = re.compile(
        rf"^\s*{re.escape(key)}\s*=\s*(?:\"[^\"\\]*\"|'[^']*'|[^\s#\"']+)(\s*#.*)?$"
    )
    for index in range(start, end):
        line = lines[index].rstrip("\r\n")
        found = assignment.match(line)
        if found is None:
            continue
        if literal is None:
            del lines[index]
        else:
            comment = simple.match(line)
            after = (comment.group(1) or "") if comment else ""
            lines[index] = f"{found.group(1)}{key} = {literal}{after}{newline}"
        return
    if literal is None:
        return
    # After the section's last key: blank lines and comments below it introduce the next one.
    last = start - 1
    for index in range(start, end):
        stripped = lines[index].strip()
        if stripped and not stripped.startswith("#"):
            last = index
    lines.insert(last + 1, f"{key} = {literal}{newline}")


def _section_span(lines: list[str], section: str) -> tuple[int, int] | None:
    """The lines under ``[section]``: from after its header to the next table's header."""
    start = None
    for index, line in enumerate(lines):
        if not line.lstrip().startswith("["):
            continue
        if start is not None:
            return start, index
        header = _HEADER.match(line.rstrip("\r\n"))
        if header and header.group(1) == section:
            start = index + 1
    return None if start is None else (start, len(lines))


def _text_of(target: Path) -> str:
    try:
        return utf8_text(read_bounded(target, MAX_CONFIG_BYTES))
    except FileNotFoundError:
        return ""
    except OSError as exc:
        raise _not_written(target, exc) from None


def _replace_checked(
    target: Path, text: str, values: Mapping[str, Any], before: Mapping[str, Any]
) -> None:
    folder = target.parent
    temp = folder / f".{target.name}.{os.urandom(4).hex()}.new"  # as secrets.token_hex
    try:
        private.private_dir(folder)
        with open(temp, "x", encoding="utf-8", newline="", opener=private.opener) as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        _check(temp, target, values, before)
        temp.replace(target)
    except OSError as exc:
        raise _not_written(target, exc) from None
    finally:
        temp.unlink(missing_ok=True)


def _check(temp: Path, target: Path, values: Mapping[str, Any], before: Mapping[str, Any]) -> None:
    """The new file reads back as tapdesk reads the user file, with each value as written and
    every other value as it was (an edit inside a multi-line string could change another)."""
    try:
        read = read_file(temp, site=False)
    except ConfigError as exc:
        if exc.key is None:  # the file read before the edit: the edit and its layout disagree
            raise _layout_refused(target, values) from None
        raise ConfigError(
            f"not saved: {exc.reason}",
            path=str(target),
            key=exc.key,
            hint=f"{exc.hint or 'Choose another value.'} The file was left as it was.",
        ) from None
    for name, value in values.items():
        if (value is None and name in read) or (value is not None and read.get(name) != value):
            raise _layout_refused(target, {name: value})
    if {k: v for k, v in read.items() if k not in values} != {
        k: v for k, v in before.items() if k not in values
    }:
        raise _layout_refused(target, values)


def _layout_refused(target: Path, values: Mapping[str, Any]) -> ConfigError:
    return ConfigError(
        "not saved: the way this file is written kept tapdesk from changing the setting",
        path=str(target),
        key=", ".join(".".join(file_key(name)) for name in values),
        hint="Change it by hand ([section], then key = value). The file was left as it was.",
    )


def _not_written(target: Path, exc: OSError) -> ConfigError:
    return ConfigError(
        f"could not be saved ({exc.strerror or type(exc).__name__})",
        path=str(target),
        hint=f"Make sure {target.parent} is a folder your account can write to, then save again.",
    )
