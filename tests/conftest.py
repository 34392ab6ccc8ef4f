"""Every test runs offscreen, with a throwaway tapdesk home and an in-memory keyring.

Nothing a test does may reach the technician's real profile or OS keyring: these defaults apply
to in-process code and to every subprocess a test starts (they inherit the environment).
"""

import os
import tempfile
from pathlib import Path

# Qt aborts without a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Keyring: unless a test passes its own backend, keys go to a dict that dies with the process.
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "tests.helpers.keyring.MemoryKeyring")
# Folders: config, data, cache and logs of any code that does not get explicit paths.
os.environ.setdefault("TAPDESK_HOME", tempfile.mkdtemp(prefix="tapdesk-tests-"))
# Subprocesses started by tests must find that backend too.
_ROOT = str(Path(__file__).resolve().parent.parent)
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (_ROOT, os.environ.get("PYTHONPATH")) if p)


# Shared fixtures: a fake clock and a demo tenant on it (suites override where they need more).
from collections.abc import Iterator  # noqa: E402

import httpx  # noqa: E402
import pytest  # noqa: E402

from tapdesk.demo import DemoTenant  # noqa: E402
from tests.helpers.clock import FakeClock  # noqa: E402
from tests.helpers.demo import as_lead, graph_client  # noqa: E402


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def tenant(clock: FakeClock) -> DemoTenant:
    """The demo tenant, signed in to as a lead technician (see tests.helpers.demo.as_lead);
    ``default_tenant`` keeps the training technician as shipped."""
    return as_lead(DemoTenant(clock=clock))


@pytest.fixture
def default_tenant(clock: FakeClock) -> DemoTenant:
    return DemoTenant(clock=clock)


@pytest.fixture
def demo_http(tenant: DemoTenant) -> Iterator[httpx.Client]:
    """Raw HTTP to the demo tenant's Graph as the training technician (payload-level tests)."""
    with graph_client(tenant) as client:
        yield client
