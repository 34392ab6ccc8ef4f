"""Payload shapes for contract tests: keys and value types, with a few fields pinned exactly.

A fixture is a real payload with volatile values (ids, times, secrets) replaced by
placeholders, so it reads like documentation. Tests compare ``shape(actual)`` with
``shape(fixture)``. Run with ``TAPDESK_UPDATE_FIXTURES=1`` to rewrite fixtures from the demo.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "contract" / "fixtures"
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?$")
# Values that are part of the contract, not just their type.
PINNED = frozenset(
    {
        "@odata.type",
        "code",
        "message",
        "methodUsabilityReason",
        "aaGuid",
        "attestationLevel",
        "userType",
        "targetType",
        "error",
        "suberror",
        "token_type",
        "aud",
        "iss",
        "tid",
        "verification_uri",
        "retry-after",
    }
)
# Secrets and random strings: never written into a fixture.
SECRET = frozenset(
    {
        "temporaryAccessPass",
        "access_token",
        "refresh_token",
        "id_token",
        "device_code",
        "user_code",
        "client_info",
        "error_description",
        "trace_id",
        "correlation_id",
        "timestamp",
        "sub",
        "nonce",
        "uti",
        "@odata.nextLink",
    }
)


def normalise(value: Any, key: str | None = None) -> Any:
    if isinstance(value, dict):
        return {k: normalise(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v, key) for v in value]
    if isinstance(value, str) and key not in PINNED:
        if key in SECRET:
            return "<secret>"
        if _GUID.match(value):
            return "<guid>"
        if _DATETIME.match(value):
            return "<datetime>"
    return value


def shape(value: Any, key: str | None = None) -> Any:
    if isinstance(value, dict):
        return {k: shape(v, k) for k, v in sorted(value.items())}
    if isinstance(value, list):
        shapes = {json.dumps(shape(v, key), sort_keys=True) for v in value}
        return sorted(shapes)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "number"
    if key in PINNED:
        return f"={value}"
    if key in SECRET:
        return "secret"
    if value in ("<guid>",) or _GUID.match(value):
        return "guid"
    if value == "<datetime>" or _DATETIME.match(value):
        return "datetime"
    return "str"


def check_fixture(name: str, actual: Any) -> None:
    """Compare with the fixture; ``source`` names the documentation page it was pinned from."""
    path = FIXTURES / f"{name}.json"
    if os.environ.get("TAPDESK_UPDATE_FIXTURES") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        fresh = {"source": old.get("source", ""), **normalise(actual)}
        path.write_text(json.dumps(fresh, indent=2) + "\n", encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    expected.pop("source", None)
    assert shape(actual) == shape(expected), f"payload shape drifted from {path.name}"
