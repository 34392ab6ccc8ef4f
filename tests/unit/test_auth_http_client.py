"""The HTTP client MSAL talks through: the OS trust store, hostname checks, a 30 s timeout."""

from __future__ import annotations

import ssl
import sys
from typing import Any

import httpx
import pytest

from tapdesk.auth.authenticator import _default_http_client


@pytest.fixture
def client_options(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The options tapdesk builds its httpx.Client with."""
    seen: dict[str, Any] = {}

    def recording_client(**options: Any) -> str:
        seen.update(options)
        return "client"

    monkeypatch.setattr(httpx, "Client", recording_client)
    return seen


def test_sign_in_traffic_trusts_the_os_store_and_checks_hostnames(
    client_options: dict[str, Any],
) -> None:
    # The OS store lets a TLS-inspecting corporate proxy's certificate through; nothing else.
    import truststore

    _default_http_client()
    verify = client_options["verify"]
    assert isinstance(verify, truststore.SSLContext)
    assert (verify.check_hostname, verify.verify_mode) == (True, ssl.CERT_REQUIRED)
    assert client_options["timeout"] == httpx.Timeout(30.0)


def test_without_truststore_certificates_are_still_verified(
    client_options: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "truststore", None)  # import truststore -> ImportError
    _default_http_client()
    assert client_options["verify"] is True
    assert client_options["timeout"] == httpx.Timeout(30.0)
