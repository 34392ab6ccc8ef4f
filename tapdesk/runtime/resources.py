"""Where the shipped resources (flows, icons) are: in the wheel, or in a source checkout.

The wheel carries the top-level ``resources/`` folder as ``tapdesk/resources`` (hatch
force-include); a source checkout or an editable install has it next to the package.
"""

from __future__ import annotations

from pathlib import Path

import tapdesk


def resources_dir() -> Path:
    """The first of ``<package>/resources`` (installed) and ``<repo>/resources`` (checkout)."""
    package = Path(tapdesk.__file__).resolve().parent
    for candidate in (package / "resources", package.parent / "resources"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"tapdesk's resources folder is missing (looked in {package} and {package.parent})"
    )


def flows_dir() -> Path:
    return resources_dir() / "flows"
