"""``tapdesk`` with options only (the window) is read by the top level of the grammar alone;
anything else by the whole grammar, with the same answers and the same messages."""

from __future__ import annotations

import pytest

from tapdesk.cli.parser import build_parser, parse_arguments
from tapdesk.errors import UsageError

OPTIONS_ONLY = [
    [],
    ["--demo"],
    ["--tenant", "issue"],  # an option's value that reads like a command is still a value
    ["--demo", "--demo-process", "-v", "--cloud", "usgov", "--client-id", "x"],
    ["--screenshots", "shots"],
]
WITH_A_COMMAND = [["--demo", "issue", "ava@contoso.com"], ["doctor", "--demo"], ["audit"]]


@pytest.mark.parametrize("argv", OPTIONS_ONLY + WITH_A_COMMAND)
def test_the_same_answer_as_the_whole_grammar(argv: list[str]) -> None:
    assert vars(parse_arguments(argv)) == vars(build_parser().parse_args(argv))


def test_a_command_is_read_by_its_own_parser() -> None:
    args = parse_arguments(["--demo", "issue", "ava@contoso.com", "--lifetime", "90"])
    assert (args.command, args.user, args.lifetime) == ("issue", "ava@contoso.com", 90)


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--bogus"], "Unrecognized arguments: --bogus."),
        (["issue"], "The following arguments are required: user."),
        (["--cloud", "mars"], "invalid choice: 'mars'"),
    ],
)
def test_mistakes_get_the_whole_grammars_message(argv: list[str], said: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_arguments(argv)
    assert said in caught.value.message


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_arguments(["--demo", "--help"])
    assert "issue" in capsys.readouterr().out
