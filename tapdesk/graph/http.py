"""The one shared httpx Client: OS trust store, standard proxy variables, sane timeouts."""

from __future__ import annotations

import ssl

import httpx

from tapdesk._version import __version__

USER_AGENT = f"tapdesk/{__version__}"
# Authentication-method APIs time out server-side after 60 s.
TIMEOUT = httpx.Timeout(65.0, connect=10.0)


def system_ssl_context() -> ssl.SSLContext:
    """Trust what the OS trusts, so TLS-inspecting corporate proxies work."""
    try:
        import truststore

        return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    except ImportError:  # pragma: no cover - truststore is a dependency; frozen builds keep it
        return ssl.create_default_context()


def build_http_client(transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """``trust_env`` keeps HTTPS_PROXY / HTTP_PROXY / NO_PROXY / ALL_PROXY working."""
    return httpx.Client(
        transport=transport,
        verify=system_ssl_context(),
        timeout=TIMEOUT,
        headers={"User-Agent": USER_AGENT},
        trust_env=True,
        follow_redirects=False,
    )
