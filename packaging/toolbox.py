"""Helpers shared by build.py and wheelhouse.py: processes, venvs, hashes, sizes, smoke tests.

Standard library only: these scripts run with whatever Python 3.11 the machine has and install
everything else into their own virtual environments under the output folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import venv
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
DEFAULT_OUT = PACKAGING / "out"
SITE_EXAMPLE = PACKAGING / "site" / "tapdesk.toml.example"

# Build tools, pinned so a build is repeatable (bump deliberately, then re-run the smoke test).
PYINSTALLER = ("pyinstaller==6.22.3", "pyinstaller-hooks-contrib==2026.9")
UV = "uv==0.13.9"

# Seconds per smoke step. The GUI self-test takes a few seconds; a window that never closes
# (no --self-test support, a modal dialog) must not eat the CI budget.
SMOKE_TIMEOUT = 60.0
WINDOWS = sys.platform == "win32"


class StepFailed(RuntimeError):
    """A build step failed; the message says which and how."""


def log(message: str = "") -> None:
    print(message, flush=True)


def run(
    cmd: Sequence[str | os.PathLike[str]],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
    log_file: Path | None = None,
    quiet: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run a command (never through a shell); raise StepFailed with its output's tail on failure."""
    args = [str(c) for c in cmd]
    if not quiet:
        log(f"$ {' '.join(args)}")
    try:
        result = subprocess.run(  # noqa: S603 (fixed argument lists built by these scripts)
            args,
            cwd=cwd,
            env=None if env is None else dict(env),
            timeout=timeout,
            capture_output=True,
            text=True,
            errors="replace",
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise StepFailed(f"{args[0]}: {exc}") from exc
    output = result.stdout + result.stderr
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        log_file.write_text(output, encoding="utf-8")
    if result.returncode != 0:
        raise StepFailed(f"exit {result.returncode}: {' '.join(args)}\n{tail(output, 30)}")
    return result


def tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def venv_bin(env_dir: Path, name: str) -> Path:
    """A program inside a virtual environment (Scripts\\name.exe on Windows)."""
    if WINDOWS:
        return env_dir / "Scripts" / f"{name}.exe"
    return env_dir / "bin" / name


def make_venv(env_dir: Path) -> Path:
    """A fresh virtual environment (an old one at that path is wiped); returns its python."""
    if env_dir.exists():
        shutil.rmtree(env_dir)
    venv.EnvBuilder(with_pip=True, clear=True, symlinks=not WINDOWS).create(env_dir)
    return venv_bin(env_dir, "python")


def pip(python: Path, *args: str | os.PathLike[str], log_file: Path | None = None) -> None:
    """pip with --isolated: the machine's pip.conf and PIP_* variables (extra indexes,
    find-links, constraints) must not change what a build or a wheelhouse contains."""
    run(
        [python, "-m", "pip", "--isolated", "--disable-pip-version-check", *args], log_file=log_file
    )


def installed(python: Path) -> dict[str, str]:
    """Normalised project name -> version, as pip sees the environment."""
    out = run([python, "-m", "pip", "--isolated", "list", "--format=json"], quiet=True).stdout
    return {normalize(p["name"]): p["version"] for p in json.loads(out)}


def normalize(name: str) -> str:
    """PEP 503 project name normalisation."""
    return re.sub(r"[-_.]+", "-", name).lower()


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_sha256sums(folder: Path, files: Sequence[Path]) -> Path:
    """``sha256sum -c SHA256SUMS`` format (two spaces: text mode), names relative to ``folder``."""
    lines = [f"{sha256(f)}  {f.relative_to(folder).as_posix()}\n" for f in sorted(files)]
    target = folder / "SHA256SUMS"
    target.write_text("".join(lines), encoding="utf-8", newline="\n")
    return target


def tree_size(path: Path) -> int:
    """Bytes of the regular files under ``path``; symlinks count as nothing (not followed)."""
    total = 0
    for root, _, names in os.walk(path):
        for name in names:
            file = Path(root, name)
            if not file.is_symlink():
                total += file.lstat().st_size
    return total


def mib(size: int) -> str:
    return f"{size / (1 << 20):.1f} MiB"


def tapdesk_version() -> str:
    text = (ROOT / "tapdesk" / "_version.py").read_text(encoding="utf-8")
    match = re.search(r"__version__\s*=\s*[\"']([^\"']+)[\"']", text)
    if not match:
        raise StepFailed("cannot read __version__ from tapdesk/_version.py")
    return match.group(1)


def build_tapdesk_wheel(dest: Path, python: Path | None = None) -> Path:
    """The tapdesk wheel from the working tree (hatchling in an isolated build environment)."""
    dest.mkdir(parents=True, exist_ok=True)
    for old in dest.glob("tapdesk-*.whl"):
        old.unlink()
    pip(python or Path(sys.executable), "wheel", "--no-deps", "--wheel-dir", dest, ROOT)
    wheels = sorted(dest.glob("tapdesk-*.whl"))
    if len(wheels) != 1:
        raise StepFailed(f"expected one tapdesk wheel in {dest}, found {len(wheels)}")
    return wheels[0]


class Timer:
    """Wall-clock time per named phase, for the summary."""

    def __init__(self) -> None:
        self.phases: dict[str, float] = {}
        self._start = time.monotonic()

    def total(self) -> float:
        return time.monotonic() - self._start

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        log(f"\n== {name}")
        start = time.monotonic()
        try:
            yield
        finally:
            self.phases[name] = time.monotonic() - start


# --- smoke test ----------------------------------------------------------------------------------
@dataclass
class SmokeResult:
    name: str
    status: str  # "PASS", "FAIL" or "SKIP"
    seconds: float
    detail: str

    @property
    def ok(self) -> bool:
        return self.status != "FAIL"


def smoke_env(home: Path, platform: str) -> dict[str, str]:
    """The caller's environment minus any tapdesk settings, with a throwaway TAPDESK_HOME."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAPDESK_")}
    env["TAPDESK_HOME"] = str(home)
    env["QT_QPA_PLATFORM"] = platform
    return env


def _run_group(
    cmd: Sequence[str], env: Mapping[str, str], timeout: float
) -> tuple[int | None, str]:
    """Run ``cmd`` in its own process group; on timeout kill the whole group (xvfb-run leaves
    Xvfb and the app behind if only the script itself is killed). Returns (exit code, output);
    the exit code is None after a timeout."""
    proc = subprocess.Popen(  # noqa: S603 (the program under test, fixed arguments)
        list(cmd),
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        errors="replace",
        start_new_session=not WINDOWS,
    )
    try:
        output, _ = proc.communicate(timeout=timeout)
        return proc.returncode, output
    except subprocess.TimeoutExpired:
        if WINDOWS:
            proc.kill()
        else:
            os.killpg(proc.pid, signal.SIGKILL)
        output, _ = proc.communicate()
        return None, output


def _smoke_step(
    name: str,
    cmd: Sequence[str],
    env: Mapping[str, str],
    expect: str | None = None,
    pngs_in: Path | None = None,
) -> SmokeResult:
    start = time.monotonic()
    try:
        code, output = _run_group(cmd, env, SMOKE_TIMEOUT)
    except OSError as exc:
        return SmokeResult(name, "FAIL", time.monotonic() - start, f"cannot start: {exc}")
    seconds = time.monotonic() - start
    output = output.strip()
    if code is None:
        return SmokeResult(
            name, "FAIL", seconds, f"no exit after {SMOKE_TIMEOUT:.0f} s (killed)\n{tail(output)}"
        )
    if code != 0:
        return SmokeResult(name, "FAIL", seconds, f"exit {code}:\n{tail(output)}")
    if expect is not None and expect not in output:
        return SmokeResult(name, "FAIL", seconds, f"output lacks {expect!r}:\n{tail(output)}")
    if pngs_in is not None:
        count = len(list(pngs_in.glob("*.png")))
        if not count:
            return SmokeResult(name, "FAIL", seconds, f"no PNG written to {pngs_in}")
        return SmokeResult(name, "PASS", seconds, f"{count} PNGs in {pngs_in}")
    return SmokeResult(name, "PASS", seconds, tail(output, 1))


def smoke_test(
    program: Path,
    version: str,
    *,
    xcb: bool = True,
    screenshots: Path | None = None,
    windowed: Path | None = None,
) -> list[SmokeResult]:
    """The frozen app's (or an installed tapdesk's) smoke test, in a throwaway TAPDESK_HOME.

    Required: --version; doctor --demo (exit 0); the GUI self-test on the demo tenant (window,
    pass, QR, exit 0) under the offscreen platform, and under xcb when Xvfb is installed.
    ``windowed``: the Windows build's tapdesk.exe, which has no stdout or stderr; its self-test
    runs too and is judged by its exit code alone.
    Also: the window's screenshot tour (--screenshots, real widgets on the demo tenant) on
    both platforms, written under ``screenshots`` (default: the throwaway home).
    """
    exe = str(program)
    xvfb_run = shutil.which("xvfb-run") if xcb and sys.platform.startswith("linux") else None
    no_xvfb = "xvfb-run not installed (apt install xvfb)"
    results = []
    with tempfile.TemporaryDirectory(prefix="tapdesk-smoke-") as tmp:
        home = Path(tmp)
        shots = screenshots or home / "screenshots"
        for old in list(shots.glob("*/*.png")):  # a stale tour must not pass for a new one
            old.unlink()
        offscreen, on_x = smoke_env(home, "offscreen"), smoke_env(home, "xcb")
        results.append(
            _smoke_step("--version", [exe, "--version"], offscreen, expect=f"tapdesk {version}")
        )
        results.append(_smoke_step("doctor --demo", [exe, "doctor", "--demo"], offscreen))
        gui = [exe, "--demo", "--self-test"]
        results.append(_smoke_step("--demo --self-test (offscreen)", gui, offscreen))
        if windowed is not None:
            name = f"{windowed.name} --demo --self-test (no console)"
            results.append(_smoke_step(name, [str(windowed), "--demo", "--self-test"], offscreen))
        if xcb and sys.platform.startswith("linux"):
            name = "--demo --self-test (xcb, Xvfb)"
            if not results[-1].ok:
                results.append(SmokeResult(name, "SKIP", 0.0, "the offscreen self-test failed"))
            elif xvfb_run:
                results.append(_smoke_step(name, [xvfb_run, "-a", *gui], on_x))
            else:
                results.append(SmokeResult(name, "SKIP", 0.0, no_xvfb))
        tour = [exe, "--demo", "--screenshots"]
        results.append(
            _smoke_step(
                "--demo --screenshots (offscreen)",
                [*tour, str(shots / "offscreen")],
                offscreen,
                pngs_in=shots / "offscreen",
            )
        )
        if xcb and sys.platform.startswith("linux"):
            name = "--demo --screenshots (xcb, Xvfb)"
            if xvfb_run:
                cmd = [xvfb_run, "-a", *tour, str(shots / "xcb")]
                results.append(_smoke_step(name, cmd, on_x, pngs_in=shots / "xcb"))
            else:
                results.append(SmokeResult(name, "SKIP", 0.0, no_xvfb))
    return results


def format_smoke(title: str, results: Sequence[SmokeResult]) -> str:
    lines = [title]
    for r in results:
        first, *rest = r.detail.splitlines() or [""]
        lines.append(f"  {r.status}  {r.name:<32} {r.seconds:5.1f} s  {first}")
        lines.extend(f"        | {line}" for line in rest)
    return "\n".join(lines)


def smoke_dicts(results: Sequence[SmokeResult]) -> list[dict[str, object]]:
    return [asdict(r) for r in results]
