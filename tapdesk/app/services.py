"""What the composition root (``app.py``) hands to a front end (the window or the CLI)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from tapdesk.config import Settings
from tapdesk.core.clock import Clock
from tapdesk.runtime.paths import AppPaths

if TYPE_CHECKING:
    import httpx

    from tapdesk.auth import Authenticator
    from tapdesk.demo import DemoTenant
    from tapdesk.graph.client import GraphClient
    from tapdesk.store import Store

T = TypeVar("T")


@dataclass
class Services:
    settings: Settings
    paths: AppPaths
    graph: GraphClient
    auth: Authenticator | None  # None when a token comes from TAPDESK_ACCESS_TOKEN
    clock: Clock
    demo: DemoTenant | None = None  # set only on the demo tenant (phone panel, training)
    http: httpx.Client | None = None  # the shared client, for reachability checks
    authority: str | None = None  # sign-in authority in use (demo or the tenant's)
    store: Store | None = None  # sessions and the audit trail
    notices: list[str] = field(default_factory=list)  # say once, visibly (e.g. database set aside)

    def close(self) -> None:
        self.graph.close()
        if self.http is not None:
            self.http.close()
        if self.store is not None:
            self.store.close()


class Prepared(Generic[T]):
    """Something slow to build (imports of httpx and MSAL, the keyring, the demo tenant's file),
    built on first use rather than before the window appears.

    The window's first uses happen in worker tasks (sign-in, search), so the build runs there
    while the window is already on screen; a build error is raised where it is used and the
    window shows it like any failed task. Thread-safe: one build, whoever asks first.
    """

    def __init__(self, build: Callable[[], T], *, name: str) -> None:
        self._build = build
        self._name = name
        self._value: T | None = None
        self._error: BaseException | None = None
        self._done = False
        self._lock = threading.Lock()

    def get(self) -> T:
        with self._lock:
            if not self._done:
                try:
                    self._value = self._build()
                except BaseException as exc:  # kept, so every later user sees the same error
                    self._error = exc
                self._done = True
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.get(), name)

    @property
    def ready(self) -> bool:
        return self._done and self._error is None

    def part(self, attribute: str) -> Any:
        """A stand-in for one attribute of the built value (e.g. the Graph client)."""
        return _Part(self, attribute)

    def close(self) -> None:
        """Close what was built; never waits for (or forces) a build nobody used."""
        if self.ready:
            _close(self._value)


class _Part:
    def __init__(self, whole: Prepared[Any], attribute: str) -> None:
        self._whole = whole
        self._attribute = attribute

    @property
    def ready(self) -> bool:
        return self._whole.ready

    def __getattr__(self, name: str) -> Any:
        return getattr(getattr(self._whole.get(), self._attribute), name)

    def value(self) -> Any:
        """The attribute itself (builds the whole on first use)."""
        return getattr(self._whole.get(), self._attribute)

    def close(self) -> None:
        if self._whole.ready:
            _close(getattr(self._whole.get(), self._attribute))


def _close(value: object) -> None:
    closer = getattr(value, "close", None)
    if callable(closer):
        closer()


def built(value: object) -> bool:
    """False for a prepared stand-in whose build has not run: nothing to stop or close yet."""
    return not isinstance(value, _Part | Prepared) or value.ready


def notices_of(services: Services) -> list[str]:
    """What the technician must be told once (e.g. "database set aside").

    For prepared services this builds them: call it from a worker task, not the GUI thread.
    """
    notices: Any = services.notices
    if isinstance(notices, _Part):
        notices = notices.value()
    return [str(text) for text in notices]
