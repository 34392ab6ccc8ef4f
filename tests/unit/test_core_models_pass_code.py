"""The pass value hides itself from logs and pickles, and a pass read back keeps every field."""

from __future__ import annotations

import copy
import pickle
from datetime import timedelta

import pytest

from tapdesk.core.models import PassCode, TemporaryAccessPass, UsabilityReason
from tests.helpers.clock import START


def test_a_pass_code_prints_as_hidden_wherever_it_is_formatted() -> None:
    """A log line, an f-string or a traceback local shows the same fixed mask."""
    code = PassCode("Xy7+kQ2m")
    assert repr(code) == "PassCode(<hidden>)"
    assert str(code) == "PassCode(<hidden>)"
    assert f"{code}" == "PassCode(<hidden>)"
    assert repr([code]) == "[PassCode(<hidden>)]"


def test_a_pass_code_refuses_pickling_and_copying_with_a_plain_reason() -> None:
    """A pass never leaves the process by serialization; the error says so."""
    code = PassCode("Xy7+kQ2m")
    with pytest.raises(TypeError, match=r"^a pass is never serialized$"):
        pickle.dumps(code)
    with pytest.raises(TypeError, match=r"^a pass is never serialized$"):
        copy.copy(code)


def test_pass_codes_are_equal_only_to_the_same_code() -> None:
    """Comparing codes compares the values, never a code with its plain text."""
    code = PassCode("Xy7+kQ2m")
    assert code == PassCode("Xy7+kQ2m")
    assert code != PassCode("Xy7+kQ2n")
    assert code != "Xy7+kQ2m"
    assert {code, PassCode("Xy7+kQ2m")} == {code}


def test_a_pass_without_its_code_keeps_every_field_graph_reported() -> None:
    """The card and the status read the copy: start, usability and reason must survive."""
    issued = TemporaryAccessPass(
        "tap-1",
        START,
        START + timedelta(hours=2),
        90,
        True,
        False,
        UsabilityReason.NOT_YET_VALID,
        PassCode("Xy7+kQ2m"),
    )
    plain = issued.without_code()
    assert plain.code is None
    assert (
        plain.id,
        plain.created,
        plain.start,
        plain.lifetime_minutes,
        plain.usable_once,
        plain.is_usable,
        plain.usability_reason,
    ) == (
        "tap-1",
        START,
        START + timedelta(hours=2),
        90,
        True,
        False,
        UsabilityReason.NOT_YET_VALID,
    )
