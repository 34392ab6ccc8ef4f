"""Names of authenticators by AAGUID (Entra docs: passkeys in Authenticator, passkey profiles)."""

from __future__ import annotations

AUTHENTICATOR_IOS = "90a3ccdf-635c-4729-a248-9b709135078f"
AUTHENTICATOR_ANDROID = "de1e552d-db1d-4423-a619-566b625cdc84"
AUTHENTICATOR_AAGUIDS = frozenset({AUTHENTICATOR_IOS, AUTHENTICATOR_ANDROID})

_NAMES = {
    AUTHENTICATOR_IOS: "Microsoft Authenticator (iOS)",
    AUTHENTICATOR_ANDROID: "Microsoft Authenticator (Android)",
    "08987058-cadc-4b81-b6e1-30de50dcbe96": "Windows Hello (hardware)",
    "9ddd1817-af5a-4672-a2b9-3e3dd95000a9": "Windows Hello (VBS)",
    "6028b017-b1d4-4c02-b4b3-afcdafc96bb2": "Windows Hello (software)",
}


def authenticator_name(aaguid: str | None, model: str | None = None) -> str:
    """A readable name: the known table first, then the model Graph reports, then a fallback."""
    key = (aaguid or "").strip().lower()
    return _NAMES.get(key) or (model or "").strip() or "Security key or passkey"


def is_authenticator_passkey(aaguid: str | None) -> bool:
    return (aaguid or "").strip().lower() in AUTHENTICATOR_AAGUIDS
