"""The demo tenant's "browser": completes a browser sign-in the way a person would.

The demo authority lives inside the process, so a real browser cannot reach it. This stands in
for one: it loads the authorize page through the tenant's transport (the training technician
is signed in there already) and submits its form_post to MSAL's loopback listener.
"""

from __future__ import annotations

import html
import logging
import re
import threading

import httpx

log = logging.getLogger(__name__)

_ACTION = re.compile(r'action="([^"]+)"')
_FIELD = re.compile(r'name="([^"]+)" value="([^"]*)"')


class DemoBrowser:
    def __init__(self, transport: httpx.BaseTransport) -> None:
        self._transport = transport

    def open(self, url: str) -> bool:
        with httpx.Client(transport=self._transport) as client:
            page = client.get(url).text
        action = _ACTION.search(page)
        if action is None:
            log.warning("the demo authority answered without a sign-in form")
            return False
        fields = {html.unescape(k): html.unescape(v) for k, v in _FIELD.findall(page)}
        # MSAL's listener starts serving only after the browser call returns: post from a thread.
        threading.Thread(
            target=self._submit, args=(html.unescape(action.group(1)), fields), daemon=True
        ).start()
        return True

    @staticmethod
    def _submit(action: str, fields: dict[str, str]) -> None:
        try:
            # The loopback listener is MSAL's own, on this machine; no proxy may get in between.
            httpx.post(action, data=fields, timeout=30, trust_env=False)
        except httpx.HTTPError as exc:
            log.warning(
                "demo sign-in could not reach the loopback listener: %s", type(exc).__name__
            )
