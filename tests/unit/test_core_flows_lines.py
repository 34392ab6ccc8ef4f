"""Lines of a flow: conditions, placeholders, sources and fallbacks, read and refused in words."""

from __future__ import annotations

import pytest

from tapdesk.core.flows import Condition, Line, parse_flow
from tests.unit.test_core_flows_messages import HEAD
from tests.unit.test_core_flows_parser_words import PREFIX, manual, shown
from tests.unit.test_flows import SOURCE

PAGE = "https://learn.microsoft.com/en-us/entra/identity/authentication/howto-authentication-temporary-access-pass"
WHERE = f"{PREFIX}, step 1 ('hand'), line 9, key 'caveats':"


def caveats(value: str):
    return parse_flow(manual(f"caveats = {value}\n"), source=SOURCE).steps[0].caveats


def test_a_line_is_a_string_or_a_table_with_condition_and_sources() -> None:
    found = caveats(
        f'["Plain.", {{ text = " Once  only. ", when = "one_time", cite = "{PAGE}" }},'
        ' { text = "Seen.", field_tested = true }, { text = "Ours.", house = true }]'
    )
    assert found == (
        Line("Plain."),
        Line("Once only.", Condition.ONE_TIME, (PAGE,)),
        Line("Seen.", field_tested=True),
        Line("Ours.", house=True),
    )
    assert [line.sourced for line in found] == [False, True, True, True]


def test_a_single_table_is_one_line() -> None:
    assert caveats('{ text = "One." }') == (Line("One."),)


def test_an_unknown_condition_suggests_the_nearest() -> None:
    assert shown(manual('caveats = [{ text = "x", when = "one-time" }]\n')) == (
        f"{WHERE} when = 'one-time' is not a known condition Did you mean 'one_time'? "
        "Allowed: has_authenticator, no_authenticator, one_time, reusable."
    )


def test_a_condition_that_is_not_a_string_is_not_quoted() -> None:
    assert shown(manual('caveats = [{ text = "x", when = ["one_time"] }]\n')).startswith(
        f"{WHERE} when = that value is not a known condition"
    )


def test_an_unknown_key_of_a_line_is_named() -> None:
    assert shown(manual('caveats = [{ text = "x", cites = "y" }]\n')) == (
        f"{WHERE} 'cites' is not a key of a line Did you mean 'cite'? "
        "Allowed: cite, field_tested, house, text, when."
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://learn.microsoft.com/x",
        "https://learn.microsoft.com.evil.example/x",
        "https://evil.example/learn.microsoft.com/x",
        "javascript:alert(1)",
        "https://learn.microsoft.com/x y",
        "https://learn.microsoft.com/x'onmouseover='y",
    ],
)
def test_a_cite_must_be_a_microsoft_documentation_page(url: str) -> None:
    assert shown(manual(f'caveats = [{{ text = "x", cite = "{url}" }}]\n')) == (
        f"{WHERE} cite '{url}' is not a Microsoft documentation page "
        "Cite https:// pages on learn.microsoft.com or support.microsoft.com."
    )


def test_a_cite_that_is_not_text_is_refused() -> None:
    assert shown(manual('caveats = [{ text = "x", cite = 3 }]\n')) == (
        f"{WHERE} cite must be a web address or a list of them"
    )


def test_a_flag_of_a_line_must_be_true_or_false() -> None:
    assert shown(manual('caveats = [{ text = "x", house = "yes" }]\n')) == (
        f"{WHERE} house must be true or false"
    )


def test_an_unknown_placeholder_is_refused_when_read() -> None:
    assert shown(manual('caveats = ["Type it {pass_word}."]\n')) == (
        f"{WHERE} {{pass_word}} is not a known placeholder Did you mean 'pass_kind'? "
        "Allowed: lifetime, pass_expires, pass_kind, pass_uses."
    )


@pytest.mark.parametrize("text", ["Type it {once", "Type it once}", "{{pass_kind}}"])
def test_a_stray_brace_is_refused(text: str) -> None:
    assert shown(manual(f'caveats = ["{text}"]\n')) == (
        f"{WHERE} has a brace that is not part of a placeholder "
        "Braces hold a placeholder only: pass_kind, pass_uses, pass_expires, lifetime."
    )


def test_a_step_has_fallback_lines_its_own_cite_and_may_be_field_tested() -> None:
    step = parse_flow(
        manual(f'fallback = ["Use a key."]\ncite = ["{PAGE}"]\nfield_tested = true\n'),
        source=SOURCE,
    ).steps[0]
    assert step.fallback == (Line("Use a key."),) and step.cite == (PAGE,)
    assert step.field_tested and not step.documented
    assert parse_flow(manual(f'cite = "{PAGE}"\n'), source=SOURCE).steps[0].documented
    assert not parse_flow(manual(), source=SOURCE).steps[0].documented


def test_a_steps_own_cite_is_checked_like_a_lines() -> None:
    assert shown(manual('cite = "https://example.com/x"\n')) == (
        f"{PREFIX}, step 1 ('hand'), line 9, key 'cite': cite 'https://example.com/x' is not a "
        "Microsoft documentation page Cite https:// pages on learn.microsoft.com or "
        "support.microsoft.com."
    )


def verify_step(check: str) -> str:
    return HEAD + (
        '[[steps]]\nid = "issue"\ntitle = "Issue"\nkind = "action"\naction = "issue_pass"\n'
        'say = "x"\n[[steps]]\nid = "app"\ntitle = "App"\nkind = "verify"\n'
        f'check = "{check}"\ncounts_existing = true\nsay = "x"\n'
    )


def test_counts_existing_is_for_authenticator_and_windows_hello_only() -> None:
    for check in ("authenticator_added", "windows_hello_added"):
        assert parse_flow(verify_step(check), source=SOURCE).steps[1].counts_existing
    assert shown(verify_step("passkey_added")) == (
        f"{PREFIX}, step 2 ('app'), line 15, key 'counts_existing': only a check for "
        "Authenticator or Windows Hello can count a method already on the account "
        "Use it with check = 'authenticator_added' or 'windows_hello_added'."
    )


def test_counts_existing_does_not_belong_in_a_manual_step() -> None:
    assert shown(manual("counts_existing = true\n")) == (
        f"{PREFIX}, step 1 ('hand'), line 9, key 'counts_existing': "
        "does not belong in a 'manual' step"
    )


def test_preconditions_are_lines_too() -> None:
    text = HEAD + f'preconditions = [{{ text = "PC on Windows 11.", cite = "{PAGE}" }}]\n'
    step = '[[steps]]\nid = "hand"\ntitle = "H"\nkind = "manual"\nsay = "x"\n'
    flow = parse_flow(text + step, source=SOURCE)
    assert flow.preconditions == (Line("PC on Windows 11.", cite=(PAGE,)),)


def test_long_values_are_shown_cut_in_the_message() -> None:
    """A hostile or careless file cannot fill the error box: names and values are cut."""
    url = "https://example.com/" + "a" * 100
    assert f"cite '{url[:80]}' is not" in shown(
        manual(f'caveats = [{{ text = "x", cite = "{url}" }}]\n')
    )
    key = "k" * 50
    assert f"'{'k' * 40}' is not a key" in shown(
        manual(f'caveats = [{{ text = "x", {key} = 1 }}]\n')
    )
    when = "w" * 70
    assert f"when = '{'w' * 59} is not" in shown(
        manual(f'caveats = [{{ text = "x", when = "{when}" }}]\n')
    )
    name = "p" * 50
    assert f"{{{'p' * 40}}} is not a known" in shown(manual(f'caveats = ["{{{name}}}"]\n'))


def test_a_line_flag_names_itself_and_the_list_it_is_in() -> None:
    assert shown(manual('caveats = [{ text = "x", field_tested = 1 }]\n')) == (
        f"{WHERE} field_tested must be true or false"
    )
