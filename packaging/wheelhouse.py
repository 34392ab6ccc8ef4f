"""Offline wheelhouses: tapdesk and every dependency as wheels, pinned with hashes, per target.

    python packaging/wheelhouse.py [--targets all|linux,windows,macos,...] [--out DIR] [--no-verify]

Each target is resolved FOR THAT TARGET (``uv pip compile --python-platform``): environment
markers differ (Windows needs pywin32-ctypes, colorama and the WAM broker; Linux needs
SecretStorage and jeepney; macOS x86_64 gets an older cryptography), and ``pip download
--platform`` alone would evaluate them for this machine. Then ``pip download`` fetches binary
wheels only, and ``requirements-<target>.txt`` pins each file by hash, tapdesk's own wheel too.

On a Linux x86_64 host the Linux wheelhouse is verified: installed with no index into a fresh
virtual environment, isolated from any pip configuration, then smoke-tested.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import toolbox
from toolbox import StepFailed, log

PYTHON_VERSION = "3.11"
# PySide6 wheels need macOS 13 (macosx_13_0_universal2): resolve and download for 13.0, so no
# wheel in the macOS wheelhouses asks for anything newer.
MACOS_VERSION = "13.0"
# pip does not widen a manylinux tag to older ones: list them. PySide6 itself is manylinux_2_34
# (glibc 2.34+: Debian 12, Ubuntu 22.04, RHEL 9), so older tags only matter for the others.
MANYLINUX = [f"manylinux_2_{minor}_x86_64" for minor in range(34, 4, -1)] + [
    "manylinux2014_x86_64",
    "manylinux2010_x86_64",
    "manylinux1_x86_64",
]


@dataclass(frozen=True)
class Target:
    name: str
    title: str
    uv_platform: str
    pip_platforms: tuple[str, ...]
    os_family: str  # "windows", "macos" or "linux": which INSTALL.txt to write


TARGETS = {
    t.name: t
    for t in (
        Target("windows", "Windows x64", "x86_64-pc-windows-msvc", ("win_amd64",), "windows"),
        Target(
            "macos-arm64",
            "macOS 13+ on Apple silicon",
            "aarch64-apple-darwin",
            (f"macosx_{MACOS_VERSION.replace('.', '_')}_arm64",),
            "macos",
        ),
        Target(
            "macos-x86_64",
            "macOS 13+ on Intel",
            "x86_64-apple-darwin",
            (f"macosx_{MACOS_VERSION.replace('.', '_')}_x86_64",),
            "macos",
        ),
        Target(
            "linux",
            "Linux x86_64 (glibc 2.34+)",
            "x86_64-manylinux_2_34",
            tuple(MANYLINUX),
            "linux",
        ),
    )
}
ALIASES = {"all": tuple(TARGETS), "macos": ("macos-arm64", "macos-x86_64")}
# Wheels a target's wheelhouse must hold. Windows: the WAM broker (msal[broker] ->
# pymsalruntime); without it tapdesk silently signs in through the browser (issue 19).
REQUIRED = {"windows": ("pymsalruntime",)}


def parse_targets(text: str) -> list[str]:
    """'linux,macos' -> ['linux', 'macos-arm64', 'macos-x86_64'] (order kept, no repeats)."""
    chosen: list[str] = []
    for word in (w.strip().lower() for w in text.split(",")):
        if not word:
            continue
        names = ALIASES.get(word, (word,))
        for name in names:
            if name not in TARGETS:
                known = ", ".join([*ALIASES, *TARGETS])
                raise argparse.ArgumentTypeError(f"unknown target {word!r} (known: {known})")
            if name not in chosen:
                chosen.append(name)
    if not chosen:
        raise argparse.ArgumentTypeError("no target given")
    return chosen


def host_target() -> str | None:
    """The target this machine can install from (and so verify), if any."""
    machine = platform.machine().lower()
    if sys.platform.startswith("linux") and machine in {"x86_64", "amd64"}:
        return "linux"
    if sys.platform == "darwin":
        return "macos-arm64" if machine == "arm64" else "macos-x86_64"
    if sys.platform == "win32" and machine in {"amd64", "x86_64"}:
        return "windows"
    return None


def folder_name(version: str, target: str) -> str:
    return f"tapdesk-{version}-wheels-{target}"


def requirements_name(target: str) -> str:
    return f"requirements-{target}.txt"


# --- resolve, download, pin ----------------------------------------------------------------------
def tool_env(out: Path) -> Path:
    """A venv holding uv (reused while its pin matches); returns the uv executable."""
    env_dir = out / "venv-tools"
    uv = toolbox.venv_bin(env_dir, "uv")
    stamp = env_dir / "tapdesk-pin.txt"
    if not (uv.exists() and stamp.exists() and stamp.read_text(encoding="utf-8") == toolbox.UV):
        python = toolbox.make_venv(env_dir)
        toolbox.pip(python, "install", toolbox.UV)
        stamp.write_text(toolbox.UV, encoding="utf-8")
    return uv


def resolve(uv: Path, target: Target, dest: Path) -> None:
    """Pin tapdesk's dependencies (with the Windows-only ``broker`` extra) for one target."""
    env = dict(os.environ, MACOSX_DEPLOYMENT_TARGET=MACOS_VERSION)
    toolbox.run(
        [
            uv, "pip", "compile", toolbox.ROOT / "pyproject.toml",
            "--extra", "broker",
            "--python-platform", target.uv_platform,
            "--python-version", PYTHON_VERSION,
            "--only-binary", ":all:",
            "--generate-hashes",
            "--no-config",
            "--index-url", "https://pypi.org/simple",
            "--no-header",
            "--quiet",
            "--output-file", dest,
        ],
        env=env,
    )  # fmt: skip


def download(target: Target, pins: Path, dest: Path) -> None:
    """Binary wheels only, for the target's platform; pip checks each against the pinned hashes."""
    platforms = [arg for tag in target.pip_platforms for arg in ("--platform", tag)]
    toolbox.pip(
        Path(sys.executable),
        "download",
        "--no-deps",
        "--only-binary=:all:",
        *platforms,
        "--python-version", PYTHON_VERSION,
        "--implementation", "cp",
        "--dest", dest,
        "--requirement", pins,
    )  # fmt: skip


def parse_wheel_name(filename: str) -> tuple[str, str]:
    """'PySide6_Essentials-6.11.3-cp39-abi3-manylinux_2_34_x86_64.whl' -> ('pyside6-essentials', '6.11.3')."""
    parts = filename.removesuffix(".whl").split("-")
    if len(parts) not in (5, 6):
        raise ValueError(f"not a wheel file name: {filename}")
    return toolbox.normalize(parts[0]), parts[1]


def pinned_names(pins_text: str) -> set[str]:
    """Project names pinned in a ``uv pip compile`` output."""
    names = set()
    for line in pins_text.splitlines():
        if line and not line[0].isspace() and not line.startswith("#") and "==" in line:
            names.add(toolbox.normalize(line.split("==", 1)[0].strip()))
    return names


def check_required(target: str, names: set[str]) -> None:
    """Stop the build when a wheel the target cannot do without is not in its wheelhouse."""
    absent = [name for name in REQUIRED.get(target, ()) if name not in names]
    if absent:
        raise StepFailed(
            f"{target}: the wheelhouse has no {', '.join(absent)}. tapdesk would sign in through "
            "the browser instead of the Windows broker (WAM). The broker comes from tapdesk's "
            "'broker' extra (msal[broker]); check pyproject.toml and that a win_amd64 wheel "
            "exists for Python " + PYTHON_VERSION + "."
        )


def requirements_text(wheels: list[Path], target: Target, version: str) -> str:
    """One ``name==version --hash=...`` line per wheel in the folder (tapdesk's included)."""
    header = (
        f"# tapdesk {version}: every package for {target.title}, Python {PYTHON_VERSION}, pinned by hash.\n"
        f"# Install offline (see INSTALL.txt):\n"
        f"#   python -m pip install --isolated --no-index --find-links . --require-hashes "
        f"-r {requirements_name(target.name)}\n"
    )
    lines = []
    for wheel in sorted(wheels, key=lambda p: parse_wheel_name(p.name)):
        name, wheel_version = parse_wheel_name(wheel.name)
        lines.append(f"{name}=={wheel_version} \\\n    --hash=sha256:{toolbox.sha256(wheel)}\n")
    return header + "".join(lines)


def build_target(
    uv: Path, target: Target, tapdesk_wheel: Path, out: Path, work: Path, version: str
) -> dict[str, object]:
    start = time.monotonic()
    folder = out / folder_name(version, target.name)
    if folder.exists():
        for old in folder.iterdir():
            old.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    pins = work / f"pins-{target.name}.txt"
    resolve(uv, target, pins)
    download(target, pins, folder)
    wheels = sorted(folder.glob("*.whl"))
    got = {parse_wheel_name(w.name)[0] for w in wheels}
    missing = pinned_names(pins.read_text(encoding="utf-8")) - got
    if missing:
        raise StepFailed(f"{target.name}: no wheel downloaded for {', '.join(sorted(missing))}")
    check_required(target.name, got)
    local = folder / tapdesk_wheel.name
    local.write_bytes(tapdesk_wheel.read_bytes())
    wheels.append(local)
    req = folder / requirements_name(target.name)
    req.write_text(requirements_text(wheels, target, version), encoding="utf-8", newline="\n")
    (folder / "INSTALL.txt").write_text(
        install_text(target, version), encoding="utf-8", newline="\n"
    )
    example = folder / toolbox.SITE_EXAMPLE.name
    shutil.copyfile(toolbox.SITE_EXAMPLE, example)
    toolbox.write_sha256sums(folder, [*wheels, req, folder / "INSTALL.txt", example])
    size = toolbox.tree_size(folder)
    log(f"{target.name}: {len(wheels)} wheels, {toolbox.mib(size)} in {folder}")
    return {
        "folder": str(folder),
        "wheels": len(wheels),
        "bytes": size,
        "seconds": round(time.monotonic() - start, 1),
    }


def verify(folder: Path, target: Target, version: str, work: Path) -> dict[str, object]:
    """Install from the wheelhouse alone (no index, no pip config) and smoke-test the result."""
    env_dir = work / f"venv-verify-{target.name}"
    python = toolbox.make_venv(env_dir)
    start = time.monotonic()
    toolbox.pip(
        python,
        "install",
        "--no-index",
        "--find-links", folder,
        "--require-hashes",
        "--requirement", folder / requirements_name(target.name),
    )  # fmt: skip
    seconds = time.monotonic() - start
    log(f"offline install: {seconds:.1f} s")
    program = toolbox.venv_bin(env_dir, "tapdesk")
    results = toolbox.smoke_test(program, version, screenshots=work / f"screenshots-{target.name}")
    log(toolbox.format_smoke("smoke (installed from the wheelhouse):", results))
    return {"install_seconds": round(seconds, 1), "smoke": toolbox.smoke_dicts(results)}


def build(
    targets: list[str],
    out: Path,
    *,
    work: Path | None = None,
    tapdesk_wheel: Path | None = None,
    verify_host: bool = True,
) -> dict[str, dict[str, object]]:
    """Build the wheelhouses under ``out`` (tools and test venvs under ``work``); returns a
    summary per target, with the offline-install check under the host's target."""
    work = work or out.parent / "work"
    out.mkdir(parents=True, exist_ok=True)
    work.mkdir(parents=True, exist_ok=True)
    version = toolbox.tapdesk_version()
    wheel = tapdesk_wheel or toolbox.build_tapdesk_wheel(work / "tapdesk-wheel")
    uv = tool_env(work)
    summary: dict[str, dict[str, object]] = {}
    for name in targets:
        log(f"\n-- wheelhouse: {TARGETS[name].title}")
        summary[name] = build_target(uv, TARGETS[name], wheel, out, work, version)
    host = host_target()
    if verify_host and host in summary:
        log(f"\n-- verify: offline install of the {host} wheelhouse")
        folder = out / folder_name(version, host)
        summary[host].update(verify(folder, TARGETS[host], version, work))
    return summary


def smoke_failed(summary: dict[str, dict[str, object]]) -> bool:
    for entry in summary.values():
        steps = entry.get("smoke", [])
        if isinstance(steps, list) and any(step["status"] == "FAIL" for step in steps):
            return True
    return False


# --- INSTALL.txt ---------------------------------------------------------------------------------
_VERIFY = {
    "windows": (
        "   PowerShell, in this folder:\n"
        "     Get-Content SHA256SUMS | ForEach-Object { $h, $f = $_ -split '  ', 2;\n"
        '       if ((Get-FileHash -Algorithm SHA256 $f).Hash -eq $h) { "OK  $f" } else { "BAD $f" } }\n'
        "   Every line must say OK."
    ),
    "macos": "   Terminal, in this folder:  shasum -a 256 -c SHA256SUMS   (every line must say OK)",
    "linux": "   In this folder:  sha256sum -c SHA256SUMS   (every line must say OK)",
}
_INSTALL = {
    "windows": (
        "2. Python 3.11 (64-bit) must be installed (python.org installer; the 'py' launcher).\n"
        "3. Install (PowerShell, in this folder; the target folder is an example):\n"
        "     py -3.11 -m venv C:\\tapdesk\\venv\n"
        "     C:\\tapdesk\\venv\\Scripts\\python -m pip install --isolated --no-index --find-links . "
        "--require-hashes -r {req}\n"
        "4. Check it:\n"
        "     C:\\tapdesk\\venv\\Scripts\\tapdesk --version\n"
        "     C:\\tapdesk\\venv\\Scripts\\tapdesk --demo doctor\n"
        "   Start the app with C:\\tapdesk\\venv\\Scripts\\tapdesk (no arguments)."
    ),
    "macos": (
        "2. Python 3.11 must be installed (python.org installer). macOS 13 or later.\n"
        "3. Install (Terminal, in this folder; the target folder is an example):\n"
        "     python3.11 -m venv ~/tapdesk-venv\n"
        "     ~/tapdesk-venv/bin/python -m pip install --isolated --no-index --find-links . "
        "--require-hashes -r {req}\n"
        "4. Check it:\n"
        "     ~/tapdesk-venv/bin/tapdesk --version\n"
        "     ~/tapdesk-venv/bin/tapdesk --demo doctor\n"
        "   Start the app with ~/tapdesk-venv/bin/tapdesk (no arguments)."
    ),
    "linux": (
        "2. Python 3.11 with venv must be installed; glibc 2.34 or later (Debian 12, Ubuntu 22.04,\n"
        "   RHEL/Rocky 9). The window needs libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1\n"
        "   (Debian/Ubuntu package names).\n"
        "3. Install (in this folder; the target folder is an example):\n"
        "     python3.11 -m venv ~/tapdesk-venv\n"
        "     ~/tapdesk-venv/bin/python -m pip install --isolated --no-index --find-links . "
        "--require-hashes -r {req}\n"
        "4. Check it:\n"
        "     ~/tapdesk-venv/bin/tapdesk --version\n"
        "     ~/tapdesk-venv/bin/tapdesk --demo doctor\n"
        "   Start the app with ~/tapdesk-venv/bin/tapdesk (no arguments)."
    ),
}
_SITE = {
    "windows": r"C:\ProgramData\tapdesk\tapdesk.toml",
    "macos": "/Library/Application Support/tapdesk/tapdesk.toml",
    "linux": "/etc/xdg/tapdesk/tapdesk.toml",
}


def install_text(target: Target, version: str) -> str:
    family = target.os_family
    return (
        f"tapdesk {version}: offline install for {target.title}, Python {PYTHON_VERSION}\n"
        f"{'=' * 72}\n\n"
        "This folder holds tapdesk and every package it needs as wheels; no internet is used.\n"
        "--require-hashes makes pip refuse any file whose SHA-256 differs from the list.\n\n"
        "1. Check the copy:\n"
        f"{_VERIFY[family]}\n"
        f"{_INSTALL[family].format(req=requirements_name(target.name))}\n\n"
        "5. Point it at your tenant (administrators): edit a copy of tapdesk.toml.example (in this\n"
        "   folder; every setting is explained there) and save it as\n"
        f"     {_SITE[family]}\n"
        "   then run 'tapdesk doctor': it reads the file and names any line it cannot accept.\n"
    )


# --- command line --------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--targets",
        type=parse_targets,
        default=list(TARGETS),
        help="comma-separated: all, linux, windows, macos, macos-arm64, macos-x86_64 (default: all)",
    )
    parser.add_argument("--out", type=Path, default=toolbox.DEFAULT_OUT / "wheelhouse")
    parser.add_argument("--no-verify", action="store_true", help="skip the offline install test")
    args = parser.parse_args(argv)
    try:
        summary = build(args.targets, args.out.resolve(), verify_host=not args.no_verify)
    except StepFailed as exc:
        log(f"\nwheelhouse FAILED: {exc}")
        return 1
    log("\nwheelhouses:")
    for name, entry in summary.items():
        log(
            f"  {name:<13} {entry['wheels']:>3} wheels  {toolbox.mib(int(str(entry['bytes']))):>10}  {entry['folder']}"
        )
    return 1 if smoke_failed(summary) else 0


if __name__ == "__main__":
    sys.exit(main())
