"""The demo tenant: Microsoft Graph and the Entra sign-in authority, simulated in process.

Used by ``tapdesk --demo`` for training and by the tests as the fake for Graph and MSAL::

    tenant = DemoTenant()
    http = httpx.Client(transport=tenant.transport())
    app = msal.PublicClientApplication(DEMO_CLIENT_ID, authority=DEMO_AUTHORITY,
                                       http_client=http, instance_discovery=False)

Nothing here imports Qt, the UI, the CLI or the real Graph/auth layers.
"""

from tapdesk.demo.constants import (
    DEMO_AUTHORITY,
    DEMO_CLIENT_ID,
    DEMO_DOMAIN,
    DEMO_GRAPH_URL,
    DEMO_PASSWORD,
    DEMO_TECHNICIAN_UPN,
    DEMO_TENANT_ID,
)
from tapdesk.demo.faults import Fault
from tapdesk.demo.phone import PassNotUsable, Phone
from tapdesk.demo.tenant import DemoTenant

__all__ = [
    "DEMO_AUTHORITY",
    "DEMO_CLIENT_ID",
    "DEMO_DOMAIN",
    "DEMO_GRAPH_URL",
    "DEMO_PASSWORD",
    "DEMO_TECHNICIAN_UPN",
    "DEMO_TENANT_ID",
    "DemoTenant",
    "Fault",
    "PassNotUsable",
    "Phone",
]
