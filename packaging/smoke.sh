#!/usr/bin/env bash
# Packaging smoke test for CI (after the main tests): build the frozen app and the Linux
# wheelhouse from scratch, install the wheelhouse offline, smoke-test both. Also the Windows
# wheelhouse (downloaded, not installable here): the build stops if it lacks the WAM broker,
# pymsalruntime. Exit 0 = all passed.
# Needs python3 (3.11) and access to PyPI; installs the rest itself. About 3-4 minutes on 2 cores
# with a warm pip cache. Output lands in packaging/out/ci (override: TAPDESK_PACKAGING_OUT).
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages: strip (binutils), the xcb platform plugin's libraries, Xvfb for the xcb
# self-test, a font. Installed only when missing, and only where apt-get and root are available.
if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  missing=""
  for pkg in binutils xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libegl1 libgl1 \
             libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 fonts-dejavu-core; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing="$missing $pkg"
  done
  if [ -n "$missing" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
  fi
fi

exec python3 packaging/build.py --targets linux,windows --out "${TAPDESK_PACKAGING_OUT:-packaging/out/ci}" "$@"
