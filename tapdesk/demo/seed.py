"""The people of northwind.example: a dozen users, each set up for one training scenario.

Ids are fixed so tests, fixtures and training notes can name them. Times are relative to the
moment the tenant is first seeded (``seeded_at``), so a fresh demo always looks "current".
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from tapdesk.demo import shapes
from tapdesk.demo.constants import (
    ALL_STAFF_GROUP_ID,
    DEFAULT_CONSENTED_SCOPES,
    DEMO_DOMAIN,
    DEMO_TENANT_ID,
    TAP_ELIGIBLE_GROUP_ID,
)
from tapdesk.demo.model import DemoUser, JsonDict, PassRecord, TenantState


@dataclass(frozen=True)
class SeedMethod:
    kind: str  # "authenticator" | "passkey" | "windowsHello"
    days_ago: float
    platform: str = "ios"


@dataclass(frozen=True)
class SeedPass:
    id: str
    minutes_ago: float
    lifetime_minutes: int
    usable_once: bool


@dataclass(frozen=True)
class SeedUser:
    id: str
    alias: str
    given_name: str
    surname: str
    job_title: str
    department: str
    created_days_ago: float
    roles: tuple[str, ...] = ()
    hired_today: bool = False
    account_enabled: bool = True
    guest_home_domain: str | None = None  # external guests only
    synced: bool = False
    in_tap_group: bool = True
    replicating: bool = False
    methods: tuple[SeedMethod, ...] = ()
    tap: SeedPass | None = None


SEED_USERS: tuple[SeedUser, ...] = (
    SeedUser(
        "42b7b1dc-46aa-4506-b33f-32e456967012", "tess.tech", "Tess", "Technician",
        "IT Support Technician", "IT", 400,
        # The usual case: may issue passes, may not read the pass policy (documented defaults).
        roles=("Authentication Administrator",),
        methods=(SeedMethod("authenticator", 390), SeedMethod("passkey", 390)),
    ),
    SeedUser(
        "c8a3c1e2-5b7d-4f0e-9a61-2d4b8f7e3a90", "gwen.lead", "Gwen", "Lead",
        "IT Support Lead", "IT", 700,
        # A second technician who also reads the policy: Global Reader may read it.
        roles=("Authentication Administrator", "Global Reader"),
        methods=(SeedMethod("authenticator", 690), SeedMethod("passkey", 690)),
    ),
    SeedUser(
        "64a04d3a-13e2-4daf-930a-f8382880f2d7", "pat.priv", "Pat", "Privileged",
        "Identity Engineer", "IT", 700,
        roles=("Privileged Authentication Administrator",),
        methods=(SeedMethod("authenticator", 690, "android"),),
    ),
    SeedUser(
        "42102faa-fea9-46f2-ba90-b704e72dbf1b", "ava.newhire", "Ava", "Newhire",
        "Account Executive", "Sales", 3, hired_today=True,
    ),
    SeedUser(
        "b98bab50-5d70-4e71-b353-294eaa667327", "ben.fresh", "Ben", "Fresh",
        "Warehouse Associate", "Operations", 2 / 1440, hired_today=True, replicating=True,
    ),
    SeedUser(
        "ff803865-871b-4df9-886c-28264779d221", "carl.disabled", "Carl", "Disabled",
        "Field Engineer", "Operations", 30, account_enabled=False,
    ),
    SeedUser(
        "4f319104-b0c8-43dd-ab96-42f0f290fb2b", "gina_fabrikam.example#EXT#", "Gina", "Guest",
        "Consultant", "Partners", 60, guest_home_domain="fabrikam.example",
    ),
    SeedUser(
        "7581698b-9c82-42de-b603-4e6ebeef4138", "sam.synced", "Sam", "Synced",
        "Accountant", "Finance", 900, synced=True,
    ),
    SeedUser(
        "f1db95e1-64a9-4eed-bd83-3d4eecf876ec", "alex.admin", "Alex", "Admin",
        "Systems Administrator", "IT", 1200, roles=("User Administrator",),
        methods=(SeedMethod("authenticator", 1100), SeedMethod("windowsHello", 1000)),
    ),
    SeedUser(
        "cd25e59a-2264-4e92-9dc5-081e4418af79", "oscar.outside", "Oscar", "Outside",
        "Contractor", "Facilities", 10, in_tap_group=False,
    ),
    SeedUser(
        "998821a8-0fad-4791-99ec-f574b2e3fda4", "erin.existing", "Erin", "Existing",
        "Marketing Specialist", "Marketing", 5,
        tap=SeedPass("e70bd754-098f-4f04-965c-a8fd42ef2489", 30, 60, usable_once=False),
    ),
    SeedUser(
        "4963b8a1-001d-43d1-857e-7e12fe2adece", "andy.app", "Andy", "App",
        "Customer Success Manager", "Sales", 200, methods=(SeedMethod("authenticator", 150),),
    ),
    SeedUser(
        "2409b175-51a4-4d39-841d-9aad4508db29", "priya.passkey", "Priya", "Passkey",
        "Product Designer", "Product", 300,
        methods=(SeedMethod("authenticator", 280), SeedMethod("passkey", 280)),
    ),
    SeedUser(
        "11fb6156-97ce-475d-ac43-97345b038463", "nora.newhire", "Nora", "Newhire",
        "Data Analyst", "Finance", 2, hired_today=True,
    ),
)  # fmt: skip


def seed_state(
    now: datetime, policy: JsonDict | None = None, tenant_id: str = DEMO_TENANT_ID
) -> TenantState:
    users = {seed.id: build_user(seed, now) for seed in SEED_USERS}
    return TenantState(
        seeded_at=now,
        users=users,
        policy=policy or shapes.default_policy(),
        consented_scopes=list(DEFAULT_CONSENTED_SCOPES),
        tenant_id=tenant_id,
    )


def build_user(seed: SeedUser, now: datetime) -> DemoUser:
    created = now - timedelta(days=seed.created_days_ago)
    upn = f"{seed.alias}@{DEMO_DOMAIN}"
    mail = upn
    if seed.guest_home_domain:
        mail = f"{seed.given_name.lower()}@{seed.guest_home_domain}"
    hire_day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    groups = [ALL_STAFF_GROUP_ID] + ([TAP_ELIGIBLE_GROUP_ID] if seed.in_tap_group else [])
    user = DemoUser(
        id=seed.id,
        upn=upn,
        display_name=f"{seed.given_name} {seed.surname}",
        given_name=seed.given_name,
        surname=seed.surname,
        mail=mail,
        job_title=seed.job_title,
        department=seed.department,
        office_location="Seattle HQ" if not seed.guest_home_domain else None,
        business_phones=["+1 206 555 0100"] if not seed.guest_home_domain else [],
        account_enabled=seed.account_enabled,
        user_type="Guest" if seed.guest_home_domain else "Member",
        on_premises_sync_enabled=True if seed.synced else None,
        on_premises_sam_account_name=seed.alias.split(".")[0] if seed.synced else None,
        employee_id=None if seed.guest_home_domain else f"NW{seed.id[:5].upper()}",
        employee_hire_date=hire_day if seed.hired_today else created,
        created=created,
        roles=list(seed.roles),
        groups=groups,
        replicating=seed.replicating,
        methods=[shapes.password_method(created)],
    )
    for method in seed.methods:
        user.methods.append(_build_method(seed.id, method, now))
    if seed.tap:
        user.tap = PassRecord(
            id=seed.tap.id,
            created=now - timedelta(minutes=seed.tap.minutes_ago),
            start=None,
            lifetime_minutes=seed.tap.lifetime_minutes,
            usable_once=seed.tap.usable_once,
        )
    return user


def _build_method(user_id: str, method: SeedMethod, now: datetime) -> JsonDict:
    created = now - timedelta(days=method.days_ago)
    key = f"{user_id}/{method.kind}/{method.platform}"
    if method.kind == "authenticator":
        method_id = str(uuid.uuid5(uuid.NAMESPACE_URL, key))
        return shapes.authenticator_method(method_id, created, method.platform)
    if method.kind == "passkey":
        return shapes.passkey_method(shapes.opaque_id(key), created, method.platform)
    return shapes.windows_hello_method(str(uuid.uuid5(uuid.NAMESPACE_URL, key)), created)
