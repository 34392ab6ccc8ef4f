"""The slice of OData the user endpoints need: $select, $search, $filter, $orderby, $top.

$search works like Graph's for directory objects: values and terms are split into tokens (at
spaces, punctuation and camelCase humps) and every term token must prefix-match a value token,
case-insensitively. So ``"displayName:jo"`` finds "Jo Smith" and "Ann Jones", and
``"userPrincipalName:ava.new"`` finds ava.newhire@….
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tapdesk.demo.responses import GraphProblem, bad_request
from tapdesk.demo.shapes import BASIC_USER_PROPERTIES, DEFAULT_USER_PROPERTIES, USER_PROPERTY_NAMES

Predicate = Callable[[dict[str, Any]], bool]

SEARCH_NEEDS_HEADER = (
    "Request with $search query parameter only works through MSGraph with a special request "
    "header: 'ConsistencyLevel: eventual'"
)
_SEARCHABLE = {"displayName", "givenName", "surname", "mail", "userPrincipalName"}
_STARTSWITH_PLAIN = {"displayName", "givenName", "surname", "mail", "userPrincipalName"}
_ENDSWITH_ADVANCED = {"mail", "userPrincipalName"}


def unsupported(message: str = "Unsupported Query.") -> GraphProblem:
    return bad_request(message, "Request_UnsupportedQuery")


def select(raw: str | None) -> list[str] | None:
    if raw is None:
        return None
    names = []
    for name in (part.strip() for part in raw.split(",")):
        canonical = USER_PROPERTY_NAMES.get(name.lower())
        if canonical is None:
            raise bad_request(
                "Parsing OData Select and Expand failed: Could not find a property named "
                f"'{name}' on type 'microsoft.graph.user'."
            )
        names.append(canonical)
    return names


def project(props: dict[str, Any], selected: list[str] | None, full: bool) -> dict[str, Any]:
    """Graph returns only what was selected (plus id); User.ReadBasic.All sees the basic set."""
    names = list(selected or DEFAULT_USER_PROPERTIES)
    if not full:
        names = [name for name in names if name in BASIC_USER_PROPERTIES]
    result = {name: props[name] for name in names}
    result["id"] = props["id"]
    return result


def _tokens(text: str) -> list[str]:
    return [t.lower() for t in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+", text)]


# Graph tokenizes only these for $search; other properties match from their start
# ("startswith" semantics), Graph's $search page.
_TOKENIZED = {"displayName", "description"}


def _matches(prop: str, value: Any, term: str) -> bool:
    if prop not in _TOKENIZED:
        text = term.strip().lower()
        return bool(text) and str(value or "").lower().startswith(text)
    value_tokens = _tokens(str(value or ""))
    term_tokens = _tokens(term)
    return bool(term_tokens) and all(
        any(v.startswith(t) for v in value_tokens) for t in term_tokens
    )


def search(raw: str) -> Predicate:
    """``"prop:term" OR "prop:term" AND ...``; AND binds tighter than OR."""
    groups: list[list[tuple[str, str]]] = [[]]
    pos, expect_clause = 0, True
    for token in re.finditer(r'\s*("[^"]*"|AND|OR|\S+)', raw):
        word = token.group(1)
        pos = token.end()
        if expect_clause:
            match = re.fullmatch(r'"(\w+):([^"]*)"', word)
            if not match:
                raise unsupported('Syntax error: $search needs quoted "property:term" clauses.')
            prop = USER_PROPERTY_NAMES.get(match.group(1).lower())
            if prop not in _SEARCHABLE:
                raise unsupported(f"Unsupported property '{match.group(1)}' in $search.")
            groups[-1].append((prop, match.group(2)))
        elif word == "OR":
            groups.append([])
        elif word != "AND":
            raise unsupported(f"Syntax error at position {pos} in $search.")
        expect_clause = not expect_clause
    if expect_clause:
        raise unsupported("Syntax error: $search ends without a clause.")
    return lambda props: any(all(_matches(p, props[p], t) for p, t in g) for g in groups)


_FILTER_TERM = re.compile(
    r"\s*(?:(?P<func>startswith|endswith)\(\s*(?P<fprop>\w+)\s*,\s*'(?P<fval>(?:[^']|'')*)'\s*\)"
    r"|(?P<prop>\w+)\s+eq\s+(?:'(?P<sval>(?:[^']|'')*)'|(?P<bval>true|false|null)))\s*",
    re.IGNORECASE,
)


def filter_(raw: str, advanced: bool) -> Predicate:
    """startsWith / endsWith / eq terms joined by and / or (and binds tighter)."""
    groups: list[list[Predicate]] = [[]]
    pos = 0
    while True:
        match = _FILTER_TERM.match(raw, pos)
        if not match:
            raise unsupported()
        groups[-1].append(_filter_term(match, advanced))
        pos = match.end()
        if pos == len(raw):
            break
        joiner = re.match(r"(and|or)\s+", raw[pos:], re.IGNORECASE)
        if not joiner:
            raise unsupported()
        if joiner.group(1).lower() == "or":
            groups.append([])
        pos += joiner.end()
    return lambda props: any(all(term(props) for term in g) for g in groups)


def _filter_term(match: re.Match[str], advanced: bool) -> Predicate:
    if match.group("func"):
        func = match.group("func").lower()
        prop = USER_PROPERTY_NAMES.get(match.group("fprop").lower(), "")
        needle = match.group("fval").replace("''", "'").lower()
        if func == "startswith" and prop in _STARTSWITH_PLAIN:
            return lambda props: str(props[prop] or "").lower().startswith(needle)
        if func == "endswith" and prop in _ENDSWITH_ADVANCED:
            if not advanced:
                raise unsupported()  # endsWith needs ConsistencyLevel: eventual and $count=true
            return lambda props: str(props[prop] or "").lower().endswith(needle)
        raise unsupported()
    found = USER_PROPERTY_NAMES.get(match.group("prop").lower())
    if found is None:
        raise unsupported()
    prop = found
    if match.group("bval"):
        wanted: Any = {"true": True, "false": False, "null": None}[match.group("bval").lower()]
        return lambda props: props[prop] == wanted
    text = match.group("sval").replace("''", "'").lower()
    return lambda props: str(props[prop] or "").lower() == text


def top(raw: str | None) -> int:
    if raw is None:
        return 100
    if not raw.isdigit() or not 1 <= int(raw) <= 999:
        message = f"Invalid page size specified: '{raw}'. Must be between 1 and 999 inclusive."
        raise bad_request(message)
    return int(raw)


def order_key(raw: str) -> tuple[str, bool]:
    match = re.fullmatch(r"\s*(displayName|userPrincipalName)(?:\s+(asc|desc))?\s*", raw, re.I)
    if not match:
        raise unsupported()
    prop = USER_PROPERTY_NAMES[match.group(1).lower()]
    return prop, (match.group(2) or "asc").lower() == "desc"
