"""A pass never reaches the audit trail through free text: ``redact_pass`` removes every copy of
the value a technician pasted into an override reason, and touches nothing else.

Only the exact value is promised (core/checklist.py): the pass as shown on screen in groups
("Xy7+ kQ2m") or in another case is not removed, so no test claims it is.
"""

from __future__ import annotations

import pytest

from tapdesk.core.checklist import redact_pass
from tapdesk.core.models import PassCode

CODE = PassCode("Xy7+kQ2m")
GONE = "[pass removed]"


def test_every_copy_of_the_pass_is_removed() -> None:
    text = "Xy7+kQ2m typed, then Xy7+kQ2mXy7+kQ2m again: Xy7+kQ2m"
    redacted = redact_pass(text, CODE)
    assert "Xy7+kQ2m" not in redacted
    assert redacted == f"{GONE} typed, then {GONE}{GONE} again: {GONE}"


def test_the_rest_of_the_reason_is_kept_word_for_word() -> None:
    reason = "Phone lost; called from desk 4 (pass Xy7+kQ2m read out)."
    assert redact_pass(reason, CODE) == f"Phone lost; called from desk 4 (pass {GONE} read out)."


@pytest.mark.parametrize("code", [None, PassCode("")], ids=["no pass", "empty pass"])
def test_without_a_pass_held_the_reason_is_unchanged(code: PassCode | None) -> None:
    """An empty value matches everywhere: it must not scatter markers through the reason."""
    reason = "Authenticator would not install"
    assert redact_pass(reason, code) == reason
