"""Fixed names and ids of the demo tenant: hosts, directory roles, scopes, authenticator AAGUIDs."""

from __future__ import annotations

DEMO_TENANT_ID = "7d1b4d92-3fad-4d25-890b-840d5fe9029a"
DEMO_CLIENT_ID = "a5dd6999-dacb-485f-956d-33b57af5bf96"
DEMO_DOMAIN = "northwind.example"
DEMO_TECHNICIAN_UPN = f"tess.tech@{DEMO_DOMAIN}"
# Every seeded account signs in with this password (ROPC only; handy for headless CLI runs).
DEMO_PASSWORD = "Northwind-Demo-2030!"

GRAPH_HOST = "graph.tapdesk-demo.test"
LOGIN_HOST = "login.tapdesk-demo.test"
DEMO_GRAPH_URL = f"https://{GRAPH_HOST}/v1.0"
DEMO_AUTHORITY = f"https://{LOGIN_HOST}/{DEMO_TENANT_ID}"
DEMO_ISSUER = f"{DEMO_AUTHORITY}/v2.0"
DEVICE_LOGIN_URL = f"https://{LOGIN_HOST}/device"
# Access tokens carry Graph's audience, as real ones do; Graph checks it.
GRAPH_AUDIENCE = "https://graph.microsoft.com"
# The demo "Graph" refuses tokens not signed with this; it is deliberately no secret.
DEMO_SIGNING_KEY = b"tapdesk-demo-signing-key (public on purpose, demo only)"

# The TAP policy targets this group; everyone except oscar.outside is a member.
TAP_ELIGIBLE_GROUP_ID = "4012e9c7-cba6-408d-9606-eeede9bc5c93"
ALL_STAFF_GROUP_ID = "47740b8a-3873-40d7-92f8-656ebf0787b0"
# A group that can be assigned a role: its members and owners are protected like admins.
ROLE_ASSIGNABLE_GROUP_ID = "0d1e6c51-5f1f-4a63-9a8e-3b7f6a2c9e11"

# Directory role template ids, checked against Microsoft's "Microsoft Entra built-in roles" page.
ROLE_IDS: dict[str, str] = {
    "Global Administrator": "62e90394-69f5-4237-9190-012177145e10",
    "Privileged Authentication Administrator": "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
    "Authentication Administrator": "c4e39bd9-1100-46d3-8c65-fb160da0071f",
    "Authentication Policy Administrator": "0526716b-113d-4c15-b2c8-68e3c22b9f80",
    "Global Reader": "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
    "User Administrator": "fe930be7-5e62-47db-91af-98c3a49a38b1",
    "Helpdesk Administrator": "729827e3-9c14-49f7-bb1b-9608f156bbb8",
    "Privileged Role Administrator": "e8611ab8-c189-46e8-94e1-60213ab1f814",
    "Security Administrator": "194ae4cb-b126-40b2-bd5b-6091b380977d",
    "Directory Readers": "88d8e3e3-8f55-4a1e-953a-9b9898b8876b",
    "Reports Reader": "4a5d8f65-41da-4de4-8968-e035b65339cf",
}
GLOBAL_ADMIN = ROLE_IDS["Global Administrator"]
PRIV_AUTH_ADMIN = ROLE_IDS["Privileged Authentication Administrator"]
AUTH_ADMIN = ROLE_IDS["Authentication Administrator"]
AUTH_POLICY_ADMIN = ROLE_IDS["Authentication Policy Administrator"]
GLOBAL_READER = ROLE_IDS["Global Reader"]
# Microsoft Authenticator passkey AAGUIDs (Entra "Enable passkeys in Authenticator").
AAGUID_AUTHENTICATOR_IOS = "90a3ccdf-635c-4729-a248-9b709135078f"
AAGUID_AUTHENTICATOR_ANDROID = "de1e552d-db1d-4423-a619-566b625cdc84"
# Entra gives every user's password method this fixed id.
PASSWORD_METHOD_ID = "28c10230-6103-485e-b985-444c60001490"

# Scopes are kept in Graph's short form ("User.Read"); these prefixes name the same resource.
GRAPH_SCOPE_PREFIXES = ("https://graph.microsoft.com/", "00000003-0000-0000-c000-000000000000/")
OIDC_SCOPES = frozenset({"openid", "profile", "email", "offline_access"})
# What an administrator consented to for the tapdesk app registration in the demo tenant.
DEFAULT_CONSENTED_SCOPES: tuple[str, ...] = (
    "User.Read",
    "User.ReadBasic.All",
    "User.Read.All",
    "GroupMember.Read.All",
    "UserAuthenticationMethod.Read.All",
    "UserAuthenticationMethod.ReadWrite.All",
    "UserAuthMethod-TAP.Read.All",
    "UserAuthMethod-TAP.ReadWrite.All",
    "UserAuthMethod-MicrosoftAuthApp.Read.All",
    "UserAuthMethod-Passkey.Read.All",
    "UserAuthMethod-WindowsHello.Read.All",
    "Policy.Read.All",
    "Policy.Read.AuthenticationMethod",
    "AuditLog.Read.All",
)
