"""The people and moment the readiness tests share: a technician of each role, a new hire."""

from __future__ import annotations

from datetime import UTC, datetime

from tapdesk.core import roles as r
from tapdesk.core.models import TapPolicy, User
from tapdesk.core.roles import Roles, Technician

NOW = datetime(2030, 1, 6, 9, 0, tzinfo=UTC)
AUTH_ADMIN = Roles.from_wids([r.AUTHENTICATION_ADMINISTRATOR])
PRIV_ADMIN = Roles.from_wids([r.PRIVILEGED_AUTHENTICATION_ADMINISTRATOR])
NOBODY = Roles.from_wids([])
TESS = Technician("tess@contoso.example", roles=AUTH_ADMIN, object_id="tess-id")
PAT = Technician("pat@contoso.example", roles=PRIV_ADMIN, object_id="pat-id")
AVA = User("ava-id", "ava@contoso.example", "Ava", account_enabled=True, user_type="Member")
GROUPS = TapPolicy(include_group_ids=("g1",))  # a policy that targets one group
