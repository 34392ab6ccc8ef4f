"""The exact words a technician reads when a typed user is not a sign-in name, and the limits."""

from __future__ import annotations

import pytest

from tapdesk.core.upn import check_upn, check_user_ref, is_object_id
from tapdesk.errors import UsageError

EXAMPLE = "Type the sign-in name, for example ava.newhire@contoso.com, or the object id."
DOMAIN_HINT = "Use the tenant's domain, for example contoso.com or contoso.onmicrosoft.com."
TOO_LONG = "That sign-in name is too long (64 characters before the @, 113 in all)."


def refusal(text: str) -> tuple[str, str]:
    with pytest.raises(UsageError) as refused:
        check_upn(text)
    return refused.value.message, refused.value.hint


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        ("  ", "No sign-in name given.", EXAMPLE),
        (
            "ava newhire@contoso.com",
            "'ava newhire@contoso.com' contains a space.",
            "Remove the spaces; " + EXAMPLE,
        ),
        ("ava.newhire", "'ava.newhire' has no @domain part.", EXAMPLE),
        ("a@b@contoso.com", "'a@b@contoso.com' has more than one @.", EXAMPLE),
        ("@contoso.com", "'@contoso.com' has nothing before the @.", EXAMPLE),
        (
            "ava(x)@contoso.com",
            "'ava(x)@contoso.com' has the character(s) ( ) before the @.",
            EXAMPLE,
        ),
        (".ava@contoso.com", "'.ava@contoso.com' has a misplaced dot before the @.", EXAMPLE),
        ("ava.@contoso.com", "'ava.@contoso.com' has a misplaced dot before the @.", EXAMPLE),
        ("av..a@contoso.com", "'av..a@contoso.com' has a misplaced dot before the @.", EXAMPLE),
        ("ava@contoso", "'contoso' is not a valid domain.", DOMAIN_HINT),
        ("ava@contoso.123", "'contoso.123' is not a valid domain.", DOMAIN_HINT),
        ("ava@-contoso.com", "'-contoso.com' is not a valid domain.", DOMAIN_HINT),
        ("a" * 65 + "@contoso.com", TOO_LONG, "Check for a pasted extra text; " + EXAMPLE),
    ],
)
def test_a_malformed_sign_in_name_is_refused_in_these_words(
    text: str, message: str, hint: str
) -> None:
    """Each problem has its own sentence naming what was typed, and the fix."""
    assert refusal(text) == (message, hint)


def test_no_user_at_all_is_named_as_such() -> None:
    with pytest.raises(UsageError) as refused:
        check_user_ref("   ")
    assert (refused.value.message, refused.value.hint) == ("No user given.", EXAMPLE)


def test_a_long_name_is_quoted_whole_up_to_60_characters_then_shortened() -> None:
    """The message stays one readable line: 60 characters in full, longer ones cut to 57 + ..."""
    sixty = "ava " + "b" * 44 + "@contoso.com"
    assert len(sixty) == 60
    assert refusal(sixty)[0] == f"'{sixty}' contains a space."
    sixty_one = "ava " + "b" * 45 + "@contoso.com"
    assert refusal(sixty_one)[0] == f"'{sixty_one[:57]}...' contains a space."


def test_a_bad_domain_is_quoted_up_to_40_characters() -> None:
    domain = "d" * 45
    assert refusal("ava@" + domain)[0] == f"'{'d' * 40}' is not a valid domain."


def test_the_length_limits_are_64_before_the_at_and_113_in_all() -> None:
    """Entra's limits, exactly: one character more is refused."""
    local = "a" * 64
    assert check_upn(local + "@contoso.com") == local + "@contoso.com"
    longest = "a" * 64 + "@" + "d" * 44 + ".com"
    assert len(longest) == 113
    assert check_upn(longest) == longest
    assert refusal("a" * 64 + "@" + "d" * 45 + ".com")[0] == TOO_LONG


def test_a_domain_label_may_have_63_characters_and_no_more() -> None:
    assert check_upn("a@" + "d" * 63 + ".com") == "a@" + "d" * 63 + ".com"
    assert refusal("a@" + "d" * 64 + ".com")[1] == DOMAIN_HINT


def test_an_object_id_is_recognised_with_spaces_around_it() -> None:
    ref = "  ABCDEF00-1111-2222-3333-444455556666 "
    assert is_object_id(ref)
    assert check_user_ref(ref) == "abcdef00-1111-2222-3333-444455556666"
    assert check_user_ref(" ava@contoso.com ") == "ava@contoso.com"
