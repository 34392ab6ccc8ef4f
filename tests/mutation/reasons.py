"""Why a surviving mutant is accepted: equivalent to the original, or changes nothing anyone sees.

Each reason names the function (a glob over ``package.module.Class.function``) and a pattern
the removed and added code must match, so a reason never silently covers a new survivor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatchcase


@dataclass(frozen=True)
class Reason:
    where: str  # glob over Mutant.function
    removed: str  # regular expression searched in the removed code
    added: str  # regular expression searched in the added code
    why: str


REASONS: tuple[Reason, ...] = (
    # core (coreA)
    Reason(
        "tapdesk.core.redaction._replace",
        r"done = 0",
        r"done = None",
        "text[None:start] is text[0:start]: the first slice starts at the beginning either way.",
    ),
    Reason(
        "tapdesk.core.redaction._safe_end",
        r"tail < len\(origin\)",
        r"tail <= len\(origin\)",
        "tail = len(origin) - (longest - 1) equals len(origin) only when the longest pass remembered has one letter or digit; Entra's passes have 8 to 48 (graph-tap.md), so tail < len(origin) whenever origin is not empty.",
    ),
    Reason(
        "tapdesk.core.redaction._safe_end",
        r"if start < end < stop:",
        r"if start < end <= stop:",
        "When end == stop the widening sets end to stop, which it already is: the same cut.",
    ),
    Reason(
        "tapdesk.core.flows._Parser.placeholders",
        r'BRACES\.sub\("", text\)',
        r'BRACES\.sub\("XXXX", text\)',
        "The known placeholders are replaced to look for a stray brace; replacing them with 'XXXX' instead of nothing adds no brace, so the same texts are refused.",
    ),
    Reason(
        "tapdesk.core.verify.already_met",
        r'_EXISTING\.get\(check, \(None, ""\)\)',
        r'\(None, "XXXX"\)',
        "The default name belongs to a check no method answers (kind None): the function returns None before any name is used.",
    ),
    Reason(
        "tapdesk.core.flows._suggest",
        r"n=1",
        r"n=2|get_close_matches\(word, options, \)",
        "Only close[0] is used and get_close_matches returns the best match first, so asking for 1, 2 or 3 matches gives the same hint.",
    ),
    Reason(
        "tapdesk.core.flows.load_flow",
        r'"utf-8-sig"',
        r'"UTF-8-SIG"',
        "Python's codec lookup is case-insensitive: both names decode with the same codec.",
    ),
    Reason(
        "tapdesk.core.flows.Flow.step",
        r"KeyError\(step_id\)",
        r"KeyError\(None\)",
        "No caller reads the key of this KeyError; it only marks a missing step (no product code catches KeyError from flows).",
    ),
    Reason(
        "tapdesk.core.flows.Flow.index",
        r"KeyError\(step_id\)",
        r"KeyError\(None\)",
        "No caller reads the key of this KeyError; it only marks a missing step (no product code catches KeyError from flows).",
    ),
    Reason(
        "tapdesk.core.lifecycle._clock_text",
        r"max\(0, math\.ceil",
        r"max\(1, math\.ceil",
        "countdown calls it only in the ACTIVE state, where now < expires, so seconds > 0 and ceil(seconds) >= 1 already.",
    ),
    Reason(
        "tapdesk.core.lifecycle.countdown",
        r"if tap\.lifetime_minutes else 0\.0",
        r"or True else 0\.0|else 1\.0",
        "A pass with lifetime 0 expires at its start, so it is NOT_YET_VALID or EXPIRED and returns before the fraction; the else branch is unreachable.",
    ),
    Reason(
        "tapdesk.core.polling.Poller.succeeded",
        r"self\._throttled = False",
        r"self\._throttled = True",
        "The flag is read only in the BACKING_OFF status text, and both ways into BACKING_OFF (throttled, failed) set it first; a success sets no hold, so its value is never read.",
    ),
    # core (coreB)
    Reason(
        "tapdesk.core.aaguid.authenticator_name",
        r'\(aaguid or ""\)',
        r'\(aaguid or "XXXX"\)',
        "The fallback key only has to miss the AAGUID table; 'xxxx' is no key of _NAMES, so a missing AAGUID still falls through to the model or the fallback name.",
    ),
    Reason(
        "tapdesk.core.aaguid.is_authenticator_passkey",
        r'\(aaguid or ""\)',
        r'\(aaguid or "XXXX"\)',
        "'xxxx' is not one of the two Authenticator AAGUIDs, so a missing AAGUID is still not an Authenticator passkey.",
    ),
    Reason(
        "tapdesk.core.bounded._read_at_most",
        r"while left > 0:",
        r"while left >= 0:",
        "When left reaches 0 the extra pass reads os.read(fd, 0), which returns b'' and breaks; count is limit + 1 >= 1, so the bytes returned are the same.",
    ),
    Reason(
        "tapdesk.core.models.PassCode.__hash__",
        r'hash\(\("PassCode", self\._value\)\)',
        r'hash\((None|\("(XXPassCodeXX|passcode|PASSCODE)", self\._value\))\)',
        "The tag only salts the hash; equal codes still hash equal (sets and dicts stay correct, tested) and no hash value is ever shown, logged or stored.",
    ),
    Reason(
        "tapdesk.core.roster.RosterEntry.start_at",
        r"time\(0, 0\)",
        r"time\(0(, )?\)",
        "time(0) and time(0, ) are the same midnight as time(0, 0).",
    ),
    # graph (graph)
    Reason(
        "tapdesk.graph.client._wait_too_long",
        r"status=throttled\.status,",
        r"^\+\s*(status=None,)?\s*$|status=None",
        "No code reads a Throttled error's status: the window and CLI show title, message, hint and request-id; the audit row stores code and request-id only (Issuer copies status into AdminTargetError only, for a 403).",
    ),
    Reason(
        "tapdesk.graph.client.GraphClient._wait_or_raise",
        r'log\.info\("retrying after %s in %\.2f s \(attempt %d\)", failure\.title',
        r'log\.info\("(XXretrying after %s in %\.2f s \(attempt %d\)XX", failure\.title|retrying after %s in %\.2f s \(attempt %d\)", None)',
        "A debug-level log line's wording or title argument; the technician's words go through on_status, which is tested; no secret is involved either way.",
    ),
    Reason(
        "tapdesk.graph.client.GraphClient.delete_tap",
        r'log\.info\("(pass %s was already gone|revoked pass %s for %s)", tap_id',
        r'log\.info\((tap_id\)|"pass %s was already gone", (None)?\)|"XXpass %s was already goneXX"|"revoked pass %s for %s", (None, user_id|tap_id, None)\)|"XXrevoked pass %s for %sXX")',
        "The wording and arguments of the log line after a revoke; the pass id and user id are not secrets, and what the technician and the audit trail see (revoked, already gone) is tested.",
    ),
    Reason(
        "tapdesk.graph.client.GraphClient.delete_tap",
        r'"DELETE",',
        r'"delete",',
        "httpx.Request upper-cases the method, so Graph receives DELETE either way.",
    ),
    Reason(
        "tapdesk.graph.client.GraphClient.search_users",
        r'"GET",',
        r'"get",',
        "httpx.Request upper-cases the method, so Graph receives GET either way.",
    ),
    Reason(
        "tapdesk.graph.client.GraphClient.search_users",
        r'headers=\{"ConsistencyLevel": "eventual"\}',
        r'headers=\{"(consistencylevel|CONSISTENCYLEVEL)": "eventual"\}',
        "HTTP field names are case-insensitive (RFC 9110 5.1); Graph honours ConsistencyLevel in any case, and the value (tested) is unchanged.",
    ),
    Reason(
        "tapdesk.graph.client.TokenProvider.__call__",
        r"force_refresh: bool = False",
        r"force_refresh: bool = True",
        "A Protocol's stub body (...) is never run; callers always pass force_refresh explicitly, and the real providers declare their own default.",
    ),
    # auth (auth)
    Reason(
        "tapdesk.auth.outcomes.aadsts",
        r'or ""\)\)',
        r'or "XXXX"\)\)',
        "The fallback text is only searched for an AADSTS number; neither '' nor 'XXXX' contains one, so the result is the same.",
    ),
    Reason(
        "tapdesk.auth.outcomes.scope_names",
        r'rsplit\("/", 1\)\[-1\]',
        r'rsplit\("/", (2|)\)\[-1\]',
        "Only the last segment ([-1]) is kept, and it is the same whatever maxsplit is.",
    ),
    Reason(
        "tapdesk.auth.authenticator.Authenticator.continue_as",
        r"_silent_sign_in\(username=saved\.account\.username\)",
        r"_silent_sign_in\(username=None\)",
        "The cache holds one technician at a time (_finish_sign_in removes every other account), and continue_as gets here only when that account is the one asked for: with or without the name, the silent sign-in finds the same account.",
    ),
    Reason(
        "tapdesk.auth.authenticator._matching_account",
        r'or ""\)\.lower\(\)',
        r'or "XXXX"\)\.lower\(\)',
        "The placeholder 'xxxx' can only equal a username or preferred_username of 'xxxx'; both come from Entra ID tokens and are UPNs or emails (they contain '@'), so no match changes.",
    ),
    Reason(
        "tapdesk.auth.authenticator.Authenticator._adopt",
        r'result\.get\("id_token_claims"\)',
        r'result\.get\("(XXid_token_claimsXX|ID_TOKEN_CLAIMS)"\)',
        "MSAL adds every result's ID token to the token cache before returning it, so _cached_id_claims reads the same claims the result carries (test_another_accounts_cached_id_token_never_names_the_technician pins the lookup).",
    ),
    Reason(
        "tapdesk.auth.authenticator.Authenticator._cached_id_claims",
        r'entry\.get\("secret"\) or ""',
        r'entry\.get\("secret"\) or "XXXX"',
        "jwt_payload('XXXX') and jwt_payload('') both return {} (not a JWT), so an ID token entry without a secret is skipped either way.",
    ),
    Reason(
        "tapdesk.auth.authenticator.Authenticator._remove_accounts",
        r'log\.info\("sign-out without MSAL: %s", type\(exc\)\.__name__\)',
        r"log\.info\(",
        "A debug/info log line's wording: it carries at most an exception type name (or None), never a token or identifier; no user sees it.",
    ),
    Reason(
        "tapdesk.auth.cache._atomic_write",
        r"tmp\.unlink\(missing_ok=True\)",
        r"tmp\.unlink\(missing_ok=False\)",
        "The except branch runs only before tmp.replace succeeds (nothing after replace can raise), and mkstemp created tmp, so it always exists there.",
    ),
    Reason(
        "tapdesk.auth.cache.CacheStore._keyring_failed",
        r'log\.info\("token cache kept in memory: %s", exc\)',
        r"log\.info\(",
        "Log wording only; KeyringUnavailable's text is fixed (action and exception type name), never a secret; the user-visible notice is unchanged.",
    ),
    Reason(
        "tapdesk.auth.cache.CacheStore._set_aside",
        r'log\.warning\("token cache set aside: %s", reason\)',
        r"log\.warning\(",
        "Log wording only; reason is one of the fixed phrases, never file content; the notice the user reads is built separately.",
    ),
    Reason(
        "tapdesk.auth.cache.CacheStore._write",
        r'log\.warning\("token cache not saved: %s", type\(exc\)\.__name__\)',
        r"log\.warning\(",
        "Log wording only (an exception type name or None); the user-visible notice is tested word for word.",
    ),
    Reason(
        "tapdesk.auth.cache.CacheStore.wipe",
        r'log\.info\("token cache key not deleted: %s", exc\)',
        r"log\.info\(",
        "Log wording only; KeyringUnavailable's text is fixed (action and exception type name), never a secret.",
    ),
    Reason(
        "tapdesk.auth.cache.CacheStore.wipe",
        r"self\._key = None",
        r'self\._key = ""',
        "The key is only used as `self._key or self._create_key()`; '' is falsy like None, so the next save creates a new key either way.",
    ),
    Reason(
        "tapdesk.auth.cache.CacheStore._save_locked",
        r"cache\.has_state_changed = False",
        r"cache\.has_state_changed = (None|True)",
        "MSAL's SerializableTokenCache.serialize() resets has_state_changed to False, and every branch that writes calls it; the MEMORY branch returns before writing whatever the flag. None is falsy like False.",
    ),
    Reason(
        "tapdesk.auth.cache.CacheStore._restore",
        r"state = None",
        r'state = ""',
        "_looks_like_msal_cache('') is False exactly like None, so undecodable JSON is set aside either way.",
    ),
    Reason(
        "tapdesk.auth.keystore.KeyStore._call",
        r'KeyringUnavailable\(f"keyring \{action\} failed|log\.debug\("keyring %s raised %s"',
        r"type\(None\)|log\.debug\(|KEYRING",
        "KeyringUnavailable's text and this debug line reach only log records (cache.py logs the exception); notices shown to the user are chosen by exc.locked, not by this text.",
    ),
    Reason(
        "tapdesk.auth.keystore.KeyStore.get",
        r'_call\("read"',
        r'_call\("(XXreadXX|READ)"',
        "The action name only appears in KeyringUnavailable's text, which is only logged.",
    ),
    Reason(
        "tapdesk.auth.keystore.KeyStore.put",
        r'_call\("write"',
        r'_call\("(XXwriteXX|WRITE)"',
        "The action name only appears in KeyringUnavailable's text, which is only logged.",
    ),
    Reason(
        "tapdesk.auth.keystore.KeyStore.delete",
        r'_call\("delete"',
        r'_call\("(XXdeleteXX|DELETE)"',
        "The action name only appears in KeyringUnavailable's text, which is only logged.",
    ),
    Reason(
        "tapdesk.auth.keystore.KeyringUnavailable.__init__",
        r"super\(\)\.__init__\(reason\)",
        r"super\(\)\.__init__\(None\)",
        "str(KeyringUnavailable) is only written to log records (cache.py), never shown to a technician.",
    ),
    Reason(
        "tapdesk.auth.loopback._Handler._read_form",
        r'headers\.get\("Content-(Type|Length)"',
        r'headers\.get\("(content-type|CONTENT-TYPE|content-length|CONTENT-LENGTH)"',
        "http.server's headers (email.message.Message) are looked up case-insensitively.",
    ),
    Reason(
        "tapdesk.auth.loopback._Handler._read_form",
        r'headers\.get\("Content-Type", ""\)',
        r'headers\.get\("Content-Type", "XXXX"\)',
        "Without a Content-Type both '' and 'xxxx' differ from the form type, so the answer is the same 415.",
    ),
    Reason(
        "tapdesk.auth.loopback._Handler._read_form",
        r'decode\("utf-8"\)',
        r'decode\("UTF-8"\)',
        "Python's codec lookup is case-insensitive.",
    ),
    Reason(
        "tapdesk.auth.loopback._Handler._discard",
        r"while length > 0:",
        r"while length >= 0:",
        "At length 0 the extra pass reads 0 bytes, gets b'' and returns: same bytes drained.",
    ),
    Reason(
        "tapdesk.auth.loopback._Server.handle_error",
        r'log\.debug\("loopback listener: a request failed"\)',
        r"log\.debug\(",
        "A fixed debug line's wording; it carries no request data either way.",
    ),
    Reason(
        "tapdesk.auth.strategies.BrowserSignIn._launch",
        r'log\.info\("browser did not open: %s", type\(exc\)\.__name__\)',
        r"log\.info\(",
        "Log wording only (an exception type name or None); the user sees the tested no_browser error.",
    ),
    Reason(
        "tapdesk.auth.strategies.BrowserSignIn.run",
        r"scopes=list\(scopes\)",
        r"scopes=None|flow, response, \)",
        "MSAL then uses the auth code flow's own scopes (`scope or auth_code_flow['scope']`), which initiate_auth_code_flow built from the same list(scopes) with the same decoration.",
    ),
    # store and config (store)
    Reason(
        "tapdesk.store.errors.classify",
        r'"sqlite_errorname", ""\)',
        r'"sqlite_errorname", None\)',
        'getattr\'s default is followed by `or ""`, so None and "" both give the empty name.',
    ),
    Reason(
        "tapdesk.store.errors.classify",
        r"name or 'I/O error'",
        r"name or '(XXI/O errorXX|i/o error|I/O ERROR)'",
        "This branch runs only when name starts with an SQLITE_ code, so name is never empty and the 'I/O error' fallback is never shown.",
    ),
    Reason(
        "tapdesk.store.db._intent_from",
        r'row\["[a-z_]+"\]',
        r'row\["[A-Z_]+"\]',
        'sqlite3.Row looks columns up by name case-insensitively, so row["ID"] is row["id"].',
    ),
    Reason(
        "tapdesk.store.db._intent_from",
        r"state=IntentState\(row\[\"state\"\]\)",
        r"^\s*\)\s*$",
        "open_intents selects only rows WHERE state = 'open', so the state dropped falls back to Intent's default IntentState.OPEN, the same value.",
    ),
    Reason(
        "tapdesk.store.db.Store.*",
        r'"(DELETE FROM session_steps|WHERE id = \?|WHERE opened_at >= \?|UPDATE intents SET state)',
        r'"(delete from session_steps|DELETE FROM SESSION_STEPS|WHERE ID = \?|where opened_at|WHERE OPENED_AT|update intents set state)',
        "SQL keywords and SQLite identifiers are case-insensitive: the same statement.",
    ),
    Reason(
        "tapdesk.store.db.Store._rollback",
        r'"ROLLBACK"',
        r'"rollback"',
        "SQL keywords are case-insensitive: the same statement.",
    ),
    Reason(
        "tapdesk.store.db.Store.in_memory",
        r"_prepare\(wal=False\)",
        r"_prepare\(wal=True\)",
        "An in-memory SQLite database cannot use WAL: PRAGMA journal_mode = WAL leaves it in 'memory' mode, nothing else changes.",
    ),
    Reason(
        "tapdesk.store.db.Store.in_memory",
        r"isolation_level=None, check_same_thread",
        r'connect\(":memory:", check_same_thread',
        "Every write runs inside the store's explicit BEGIN IMMEDIATE ... COMMIT (_write, migrate), so sqlite3's legacy implicit BEGIN before DML never fires; PRAGMA and SELECT never start one.",
    ),
    Reason(
        "tapdesk.store.db.Store.export_audit_csv",
        r'encoding="utf-8-sig"',
        r'encoding="UTF-8-SIG"',
        "Python codec names are case-insensitive: the same codec.",
    ),
    Reason(
        "tapdesk.store.export.records",
        r"strict=True",
        r"(strict=False|row_values\(e\), \))",
        "HEADER and row_values always have 16 items each (test_csv_export checks both), so zip never meets unequal lengths.",
    ),
    Reason(
        "tapdesk.config._graph_url_problem",
        r'listed = ", "\.join',
        r'listed = "XX, XX"\.join',
        "Every cloud has exactly one Graph host (test_token_hosts.test_the_table_is_microsofts), so the separator never appears in the message.",
    ),
    Reason(
        "tapdesk.config._graph_url_problem",
        r'parts\.hostname or ""',
        r'parts\.hostname or "XXXX"',
        "hostname is None only when the netloc has no host, and such a netloc fails _PLAIN_NETLOC first, returning before host is used.",
    ),
    Reason(
        "tapdesk.config._port",
        r"return -1",
        r"return (\+1|-2)",
        "The caller only asks whether the port is in {None, 443}; -1, +1 and -2 all are not, so a bad port is refused the same way.",
    ),
    Reason(
        "tapdesk.config._suggest",
        r"n=1\)",
        r"(n=2\)|sorted\(choices\), \))",
        "Only close[0], the best match, is used; n limits how many further matches are returned.",
    ),
    # cli (cli)
    Reason(
        "tapdesk.cli.output.terminal_qr",
        r"error_correction=qrcode\.constants\.ERROR_CORRECT_M",
        r"QRCode\(border=2\)",
        "ERROR_CORRECT_M is qrcode.QRCode's default error_correction (0): dropping the argument draws the same code.",
    ),
    Reason(
        "tapdesk.cli.output.terminal_qr",
        r"qr\.make\(fit=True\)",
        r"qr\.make\(fit=(None|False)\)",
        "The QRCode is built with version=None, and qrcode's make() runs best_fit whenever the version is None, so fit has no effect.",
    ),
    Reason(
        "tapdesk.cli.parser._iso_time",
        r'text\.replace\("Z"',
        r'text\.replace\("XXZXX"',
        "requires-python is >=3.11, whose datetime.fromisoformat accepts a trailing 'Z' itself: the replace is a no-op for the only text it rewrites.",
    ),
    Reason(
        "tapdesk.cli.commands.cmd_revoke",
        r"', '\.join\(revoked\)",
        r"'XX, XX'\.join\(revoked\)",
        "Entra lets a user hold one Temporary Access Pass at a time (so does the demo), so revoked has at most one id and the separator is never printed.",
    ),
    Reason(
        "tapdesk.cli.doctor._config",
        r'or "the site file"',
        r'"(XXthe site fileXX|THE SITE FILE)"',
        "allow_plaintext_cache is honoured only from the site file and load_settings records its origin whenever it sets it; the fallback text is reachable only with hand-built Settings, which the CLI never passes.",
    ),
    # workflows (workflows)
    Reason(
        "tapdesk.workflows.onboarding.read",
        r"sorted\(wanted, key=lambda r: r\.value\)",
        r"sorted\(wanted, (key=None)?\)",
        "GraphRead is a str Enum whose members equal their values, so sorting the members compares the same strings as sorting by .value: the same reads in the same order.",
    ),
    Reason(
        "tapdesk.workflows.reconcile._event",
        r"tenant_id=intent\.tenant_id,",
        r"^\+\s*\)\s*$",
        "reconcile settles only store.open_intents(), which are the intents of store.tenant_id, and Store stamps its tenant on every event without one (_stamped), so the stored event's tenant is the same either way.",
    ),
    Reason(
        "tapdesk.workflows.precheck.check_person",
        r"replication_wait=0\)",
        r"replication_wait=1\)",
        "GraphClient.get_user gives up on a 404 when waited + the first 3 s pause exceeds the budget: with 0 or 1 s it raises after one request, never sleeping (test_a_missing_account_stops_after_one_request).",
    ),
    Reason(
        "tapdesk.workflows.precheck._Checker.add",
        r'hint: str = ""\)',
        r'hint: str = "XXXX"\)',
        "Every call of add passes a hint (the not-found hint, exc.hint, or the 'Check again' hint), so the default is never used.",
    ),
    Reason(
        "tapdesk.workflows.precheck._Checker.failed",
        r'if exc\.__traceback__ else ""',
        r'if \(exc\.__traceback__\) or True else ""|if exc\.__traceback__ else "XXXX"',
        "failed() is only called from except blocks with the caught exception, which always has a __traceback__, so the else branch never runs.",
    ),
    Reason(
        "tapdesk.workflows.audit.day_range",
        r"time\(0, 0\)",
        r"time\(0(, )?\)",
        "time(0) and time(0, ) are the same midnight as time(0, 0).",
    ),
    # config, second round
    Reason(
        "tapdesk.config.read_file",
        r'decode\("utf-8-sig"\)',
        r'decode\("UTF-8-SIG"\)',
        "Python's codec lookup is case-insensitive: both names decode with the same codec.",
    ),
    Reason(
        "tapdesk.config.read_file",
        r'getattr\(exc, "lineno", None\)',
        r'getattr\(None, "lineno", None\)|getattr\(exc, "(XXlinenoXX|LINENO)", None\)',
        "On Python 3.11-3.13 (the venv and mutation run use 3.11) tomllib.TOMLDecodeError has no lineno attribute, so this getattr is always None and the line comes from the message's 'line N' (test_config_reading.test_a_toml_syntax_error_is_named_with_its_line_and_the_fix pins that line); lineno exists only from 3.14.",
    ),
    Reason(
        "tapdesk.config.read_file",
        r'Origin\("site" if site else "user"',
        r'Origin\("site" if \(site\) or True else "user"|else "(XXuserXX|USER)"',
        "A file value's Origin always has a path, so neither str(Origin) nor Origin.undo shows its layer (undo only compares it with 'environment'), and no other code reads Origin.layer: 'site' and 'user' are never seen.",
    ),
    Reason(
        "tapdesk.config.check_token_hosts",
        r'Origin\("settings", "graph_url"\)',
        r'Origin\("(XXsettingsXX|SETTINGS)", "graph_url"\)',
        "The fallback Origin has no path, and its layer is read only by Origin.undo, which compares it with 'environment' and says 'Drop the graph_url setting' for any other: the message and hint are the same (test_config_reading pins them).",
    ),
    # store, second round
    Reason(
        "tapdesk.store.db._audit_from",
        r'row\["[a-z_]+"\]',
        r'row\["[A-Z_]+"\]',
        'sqlite3.Row looks columns up by name case-insensitively, so row["TARGET_ID"] is row["target_id"] (the audit is read through Store._read, which sets row_factory = sqlite3.Row).',
    ),
    Reason(
        "tapdesk.store.db._session_from",
        r'row\["[a-z_]+"\]',
        r'row\["[A-Z_]+"\]',
        'sqlite3.Row looks columns up by name case-insensitively, so row["PASS_ID"] is row["pass_id"].',
    ),
    Reason(
        "tapdesk.store.db._step_from",
        r'row\["[a-z_]+"\]',
        r'row\["[A-Z_]+"\]',
        'sqlite3.Row looks columns up by name case-insensitively, so row["STEP_ID"] is row["step_id"].',
    ),
    Reason(
        "tapdesk.store.db.Store._sessions",
        r'(r|row)\["(id|session_id)"\]',
        r'(r|row)\["(ID|SESSION_ID)"\]',
        'sqlite3.Row looks columns up by name case-insensitively, so r["ID"] is r["id"].',
    ),
    Reason(
        "tapdesk.store.db.Store.audit",
        r'r\["id"\]',
        r'r\["ID"\]',
        'sqlite3.Row looks columns up by name case-insensitively, so r["ID"] is r["id"].',
    ),
    Reason(
        "tapdesk.store.db.Store._prepare",
        r'"(PRAGMA (journal_mode = WAL|synchronous = FULL|foreign_keys = ON)|BEGIN IMMEDIATE|ROLLBACK)"',
        r'"(pragma (journal_mode = wal|synchronous = full|foreign_keys = on)|PRAGMA (JOURNAL_MODE|SYNCHRONOUS|FOREIGN_KEYS) = |begin immediate|rollback)',
        "SQLite reads keywords, pragma names and their values case-insensitively: the same statement.",
    ),
    Reason(
        "tapdesk.store.db.Store._inspect",
        r'"PRAGMA quick_check"',
        r'"(pragma quick_check|PRAGMA QUICK_CHECK)"',
        "SQLite reads keywords and pragma names case-insensitively: the same integrity check.",
    ),
    Reason(
        "tapdesk.store.db.Store.open_intents",
        r'"SELECT \* FROM intents WHERE state',
        r'"select \* from intents where state = \'open\' and tenant_id = \? order by requested_at"',
        "SQL keywords and SQLite identifiers are case-insensitive, and the one literal ('open') keeps its case: the same query.",
    ),
    Reason(
        "tapdesk.store.db.Store.open_sessions",
        r'"AND closed_at IS NULL ORDER BY opened_at, id"',
        r'"(and closed_at is null order by opened_at, id|AND CLOSED_AT IS NULL ORDER BY OPENED_AT, ID)"',
        "SQL keywords and SQLite identifiers are case-insensitive: the same query.",
    ),
    Reason(
        "tapdesk.store.db.Store.session",
        r'"AND id = \?"',
        r'"(and id = \?|AND ID = \?)"',
        "SQL keywords and SQLite identifiers are case-insensitive: the same query.",
    ),
    Reason(
        "tapdesk.store.db.Store.sessions_between",
        r'"AND opened_at >= \? AND opened_at < \? ORDER BY opened_at, id"',
        r'"(and opened_at >= \? and opened_at < \? order by opened_at, id|AND OPENED_AT >= \? AND OPENED_AT < \? ORDER BY OPENED_AT, ID)"',
        "SQL keywords and SQLite identifiers are case-insensitive: the same query.",
    ),
    Reason(
        "tapdesk.store.db.Store.audit",
        r'"(at >= \? AND at < \?| AND tenant_id = \?)"',
        r'"(at >= \? and at < \?|AT >= \? AND AT < \?| and tenant_id = \?| AND TENANT_ID = \?)"',
        "SQL keywords and SQLite column names are case-insensitive: the same query.",
    ),
    Reason(
        "tapdesk.store.db.Store.finish_intent",
        r'"(UPDATE intents SET state| pass_id = CASE WHEN)',
        r'"(UPDATE INTENTS SET STATE = \?, CLOSED_AT| pass_id = case when \? != \'\' then \? else pass_id end where id| PASS_ID = CASE WHEN \? != \'\' THEN \? ELSE PASS_ID END WHERE ID)',
        "SQL keywords and SQLite identifiers are case-insensitive, and the one literal ('') has no case: the same update.",
    ),
    Reason(
        "tapdesk.store.db.Store.open",
        r"timeout=busy_timeout, isolation_level=None, check_same_thread",
        r"path, timeout=busy_timeout, check_same_thread",
        "Every write runs inside the store's explicit BEGIN IMMEDIATE ... COMMIT (_write, _prepare, migrate), so sqlite3's legacy implicit BEGIN before DML never fires; PRAGMA, DDL and SELECT never start one (the same reason as Store.in_memory's).",
    ),
    Reason(
        "tapdesk.store.schema.user_version",
        r'"PRAGMA user_version"',
        r'"(pragma user_version|PRAGMA USER_VERSION)"',
        "SQLite reads pragma names case-insensitively: the same version.",
    ),
    Reason(
        "tapdesk.store.schema._is_empty",
        r'"SELECT count\(\*\) FROM sqlite_master"',
        r'"(select count\(\*\) from sqlite_master|SELECT COUNT\(\*\) FROM SQLITE_MASTER)"',
        "SQL keywords, function names and sqlite_master's name are case-insensitive: the same count.",
    ),
    Reason(
        "tapdesk.store.schema.migrate",
        r'"(BEGIN IMMEDIATE|COMMIT|ROLLBACK)"',
        r'"(begin immediate|commit|rollback)"',
        "SQL keywords are case-insensitive: the same statement.",
    ),
    Reason(
        "tapdesk.store.schema.migrate",
        r"refuse_newer\(version, path\)",
        r"refuse_newer\(version, None\)",
        "Store.open runs _inspect, which refuses a newer file with its path, before migrate; so migrate's own check only meets an in-memory store (path is None already) or a file just created empty (version 0), and the path in its message is never shown.",
    ),
    Reason(
        "tapdesk.store.db.Store.session",
        r'"WHERE id = \?"',
        r'"where id = \?"',
        "SQL keywords and SQLite column names are case-insensitive: the same query.",
    ),
    Reason(
        "tapdesk.store.db.Store._inspect",
        r'hint="tapdesk sets it aside and starts a new one\."',
        r"(XXtapdesk sets it aside and starts a new one\.XX|TAPDESK SETS IT ASIDE AND STARTS A NEW ONE\.|^\s*\)\s*$)",
        "Store.open's only caller in tapdesk is open_store, which catches every DatabaseCorrupt from the first open and shows its own set-aside notice (test_store_round_trip checks its words); the second open is of a path just renamed away, so _inspect does not run. This hint is never shown.",
    ),
    # graph, second round
    Reason(
        "tapdesk.graph.errors.from_response",
        r'lowered = str\(error\.get\("message"\) or ""\)',
        r'or "XXXX"\)\.lower\(\)',
        "'xxxx' contains none of the phrases from_response and _bad_request look for (converged usercredentialpolicy, consent, scope, external guest, lifetimeinminutes, isusableonce, one-time, usable once, startdatetime), so a missing message is classified the same.",
    ),
    Reason(
        "tapdesk.graph.errors.from_response",
        r'return _bad_request\(lowered, str\(error\.get\("message"\) or ""\), subject, common\)',
        r'str\(None\)|error\.get\("message"\) and ""|error\.get\("(XXmessageXX|MESSAGE)"\) or ""|or "XXXX"\)',
        "_bad_request reads ``text`` only for the lifetime range, in the branch that needs 'lifetimeinminutes' in the message (so the message is present and read as is); on the 403 path it is called only for 'converged usercredentialpolicy', which returns NotInPolicyScope before ``text`` is read.",
    ),
    Reason(
        "tapdesk.graph.errors.from_response",
        r'headers\.get\("Retry-After"\)',
        r'headers\.get\("(retry-after|RETRY-AFTER)"\)',
        "httpx.Headers look names up case-insensitively (HTTP field names are case-insensitive, RFC 9110 5.1): the same header is read.",
    ),
    Reason(
        "tapdesk.graph.errors.request_id",
        r'headers\.get\("request-id"\)',
        r'headers\.get\("REQUEST-ID"\)',
        "httpx.Headers look names up case-insensitively: the same request-id header is read.",
    ),
    Reason(
        "tapdesk.graph.client.GraphClient._get_answer",
        r'headers\.get\("request-id"\)',
        r'headers\.get\("REQUEST-ID"\)',
        "httpx.Headers look names up case-insensitively: the same request-id header is read.",
    ),
    Reason(
        "tapdesk.graph.client.GraphClient._note_server_time",
        r'headers\.get\("date"\)',
        r'headers\.get\("DATE"\)',
        "httpx.Headers look names up case-insensitively: the same Date header is read.",
    ),
    Reason(
        "tapdesk.graph.client.GraphClient._request",
        r'headers\.get\("Retry-After"\)',
        r'headers\.get\("(retry-after|RETRY-AFTER)"\)',
        "httpx.Headers look names up case-insensitively: the same Retry-After header is read.",
    ),
    Reason(
        "tapdesk.graph.client.GraphClient._request",
        r'"Authorization": f"Bearer \{token\}"',
        r'"(authorization|AUTHORIZATION)": f"Bearer \{token\}"',
        "HTTP field names are case-insensitive (RFC 9110 5.1); httpx sends the same header and no caller passes its own Authorization to merge with.",
    ),
    Reason(
        "tapdesk.graph.client.GraphClient._get_answer",
        r"status=response\.status_code",
        r"^(status=None,|\))$",
        "No code reads a ServiceUnavailable's status: the window and CLI show title, message, hint and request-id (all tested); the audit row stores code and request-id only.",
    ),
    Reason(
        "tapdesk.graph.client._wait_too_long",
        r"throttled\.retry_after or 0\.0",
        r"throttled\.retry_after or 1\.0",
        "_wait_or_raise calls _wait_too_long only when failure.retry_after is truthy, so the fallback is never used.",
    ),
    Reason(
        "tapdesk.graph.client.user_path",
        r'safe="\$@"|safe=""',
        r'safe="XX\$@XX"|safe="XXXX"',
        "quote() never escapes ASCII letters, so adding 'X' to the safe characters changes no path.",
    ),
    Reason(
        "tapdesk.graph.client.GraphClient._tap_path",
        r'safe=""',
        r'safe="XXXX"',
        "quote() never escapes ASCII letters, so adding 'X' to the safe characters changes no path.",
    ),
    Reason(
        "tapdesk.graph.client.GraphClient.*",
        r'"(GET|POST|DELETE)",|\("GET",',
        r'"(get|post|delete)",|\("get",',
        "httpx.Request upper-cases the method (httpx/_models.py: self.method = method.upper()), so Graph receives the same method.",
    ),
    Reason(
        "tapdesk.graph.client.GraphClient._request",
        r"log\.debug\(",
        r'log\.debug\(|None,|XX%s|request-id", None\)|get\("-"\)|get\("request-id", \)|"XXrequest-idXX"|"REQUEST-ID", "-"|"XX-XX"',
        "Wording or arguments of a debug log line (method, path, status, request-id, exception type); the mutants only drop values or add placeholders, never add a secret, and nothing a person or the audit sees changes.",
    ),
    Reason(
        "tapdesk.graph.client.GraphClient._request",
        r"^\s*response\.status_code,\s*$|^\s*method,\s*$|^\s*path,\s*$",
        r"^\s*None,\s*$",
        "Arguments of the debug log line after each answer; replacing one with None changes only that log line.",
    ),
    Reason(
        "tapdesk.graph.client.GraphClient._request",
        r"self\._wait_or_raise\(attempt, started, delay, failure, on_status\)",
        r"self\._wait_or_raise\(attempt, started, delay, failure, None\)",
        "Only on the transport-failure path, where on_status is set only by create_tap, which also passes retry_ambiguous=False and so raises before this line; no caller reaches it with a callback.",
    ),
    Reason(
        "tapdesk.graph.client.GraphClient._request",
        r"failure = errors\.from_response\(response, subject=subject\)",
        r"failure = errors\.from_response\(response, \)",
        "This branch handles RETRYABLE_STATUS (429, 500, 502, 503, 504) only, whose messages in from_response never use the subject.",
    ),
    Reason(
        "tapdesk.graph.client.GraphClient.create_tap",
        r"log\.(warning|info)\(",
        r"None|XXcreate reply lost|XXissued pass|^\)?$",
        "Wording or arguments of the log lines about a lost reply or an issued pass; the technician's words go through on_status (tested) and no secret is involved.",
    ),
    Reason(
        "tapdesk.graph.client.GraphClient.create_tap",
        r"^\s*failure\.request_id,\s*$",
        r"^(None,|\))$",
        "The request-id argument of the 'create reply lost' log line; only that log line changes.",
    ),
    Reason(
        "tapdesk.graph.http.build_http_client",
        r"trust_env=True|follow_redirects=False",
        r"^\)?$",
        "Removing the keyword leaves httpx's default, which is the same value (trust_env=True, follow_redirects=False).",
    ),
    Reason(
        "tapdesk.graph.http.build_http_client",
        r'headers=\{"User-Agent": USER_AGENT\}',
        r'headers=\{"(user-agent|USER-AGENT)": USER_AGENT\}',
        "HTTP field names are case-insensitive and httpx.Headers replaces its default User-Agent case-insensitively: the same single header is sent.",
    ),
    Reason(
        "tapdesk.graph.parse.parse_time",
        r"count=1\)",
        r"value\.strip\(\), \)|count=2\)",
        "An ISO 8601 time has at most one fraction (the seconds'), so replacing one or all occurrences is the same.",
    ),
    Reason(
        "tapdesk.graph.parse.parse_time",
        r"group\(1\)\[:6\]\.ljust\(6, \"0\"\)",
        r"\[:7\]\.ljust\(6|\[:6\]\.ljust\(7",
        "requires-python >= 3.11, whose datetime.fromisoformat reads 7 fraction digits and truncates to microseconds, so 6 or 7 digits give the same time.",
    ),
    Reason(
        "tapdesk.graph.parse.parse_time",
        r'text\.replace\("Z", "\+00:00"\)',
        r'replace\("XXZXX"|replace\("z", "\+00:00"\)\.replace\("z"',
        "An upper-case Z left in the text is read as UTC by datetime.fromisoformat on Python >= 3.11 (the project's minimum).",
    ),
    Reason(
        "tapdesk.graph.parse.policy",
        r'or "group"\)\.lower\(\)',
        r'or "GROUP"\)\.lower\(\)',
        "The fallback is lower-cased straight away: 'GROUP'.lower() == 'group'.",
    ),
    Reason(
        "tapdesk.graph.client.GraphClient._request",
        r'response\.headers\.get\("request-id", "-"\),|"%s %s -> %s \(request-id %s\)",',
        r'None|XX|get\("-"\)|get\("request-id", \)|"REQUEST-ID"',
        "Only the request-id shown in, or the wording of, the debug log line after each answer changes; the error a person sees reads request-id through errors.request_id (tested), and no secret is added.",
    ),
    Reason(
        "tapdesk.graph.client._wait_too_long",
        r"^status=throttled\.status,$",
        r"^$",
        "No code reads a Throttled error's status: the window and CLI show title, message, hint and request-id; the audit row stores code and request-id only.",
    ),
    Reason(
        "tapdesk.graph.client.GraphClient.my_roles",
        r'subject="your account"',
        r'subject="YOUR ACCOUNT"',
        "The subject reaches people only through from_response's NotFound message, which capitalize()s it: 'YOUR ACCOUNT'.capitalize() == 'Your account' (other branches of a 403/400 are caught or never reached for this GET).",
    ),
    Reason(
        "tapdesk.graph.errors.from_response",
        r"subject or 'That item'\)\.capitalize\(\)",
        r"subject or '(that item|THAT ITEM)'\)\.capitalize\(\)",
        "The fallback is capitalize()d at once: 'that item' and 'THAT ITEM' both become 'That item' (the exact message is tested).",
    ),
    Reason(
        "tapdesk.graph.parse.policy",
        r"^known=True, \)$",
        r"^\)$",
        "TapPolicy.known defaults to True, so dropping known=True builds the same policy.",
    ),
    Reason(
        "tapdesk.graph.client.GraphClient.create_tap",
        r'"create reply lost \(request-id %s\); replacing the unseen pass",|^failure\.request_id, \)$',
        r"^\)?$",
        "Removes the format string or the request-id argument of the 'create reply lost' warning: only that log line changes (no secret either way); the technician's notice goes through on_status, which is tested.",
    ),
    # cli, third round
    Reason(
        "tapdesk.cli.parser.build_parser",
        r"parser_class=_Parser\)",
        r'add_subparsers\(dest="command", metavar="COMMAND", \)',
        "argparse's add_subparsers defaults parser_class to type(self), and the top parser is already a _Parser, so the sub-command parsers are _Parser either way.",
    ),
    Reason(
        "tapdesk.cli.account.cmd_login",
        r"account = auth\.sign_in_silent\(\)",
        r"^account = None$",
        "Without --device-code and --account, sign_in_interactive(select_account=False) tries the same silent sign-in first, so the cached account is used either way.",
    ),
    Reason(
        "tapdesk.cli.audit._tenant",
        r"if services\.store is not None else \"\"",
        r"else \"XXXX\"",
        "The CLI's services always carry a store (open_store returns the database or an in-memory stand-in), so the None branch is never taken.",
    ),
    Reason(
        "tapdesk.cli.commands._technician",
        r"return Technician\(\"\", roles=Roles\.unknown\(\)\)",
        r"return Technician\(\"\", \)",
        "Technician's roles default to Roles.unknown(): the same value.",
    ),
    Reason(
        "tapdesk.cli.commands._technician",
        r"return Technician\(\"\", roles=Roles\.unknown\(\)\)",
        r"Technician\(\"XXXX\"",
        "Unreachable: issue and revoke ask Graph for the user first, whose token needs the same signed-in account, so SignInRequired is raised before no account can be found here.",
    ),
    Reason(
        "tapdesk.cli.commands._technician",
        r"Technician\(me\.user_principal_name, me\.display_name, object_id=me\.id\)",
        r"Technician\(me\.user_principal_name, me\.display_name, (object_id=None)?\)",
        "For a handed-in token the technician and the target come from the same Graph: /me's UPN equals the user's UPN, so the UPN fallback of is_user finds the same account as the id.",
    ),
    Reason(
        "tapdesk.cli.commands._technician",
        r"Technician\(me\.user_principal_name, me\.display_name, object_id=me\.id\)",
        r"Technician\(me\.user_principal_name, object_id=me\.id\)",
        "The CLI never shows the technician's display name (only the window's header does, from its own sign-in); the audit names the username.",
    ),
    Reason(
        "tapdesk.cli.doctor._reach",
        r"headers\.get\(\"date\"\)",
        r"headers\.get\(\"DATE\"\)",
        "httpx headers are case-insensitive: the same Date header is read.",
    ),
    Reason(
        "tapdesk.cli.doctor._why",
        r"urlsplit\(s\.graph_url or \"\"\)\.hostname or \"\"",
        r"(s\.graph_url or \"XXXX\"|\.hostname or \"XXXX\")",
        "_why runs only when graph_url is set, and check_graph_url accepts only a URL with a host, so neither fallback is used.",
    ),
    Reason(
        "tapdesk.cli.terminal.TerminalWriter.write",
        r"keep=\"\\n\\t\"",
        r"keep=\"XX\\n\\tXX\"",
        "'X' is not a control character, so adding it to keep changes nothing escape_controls escapes.",
    ),
    Reason(
        "tapdesk.cli.commands._technician",
        r"account = services\.auth\.account or services\.auth\.sign_in_silent\(\)",
        r"account = services\.auth\.account and services\.auth\.sign_in_silent\(\)",
        "Both commands that call _technician ask Graph for the user first, and that token sets auth.account (Authenticator._adopt); with an account set, `and` calls sign_in_silent, which in the same fresh CLI process picks the same first cached account that access_token picked (no account had been chosen before either), so the same technician results.",
    ),
    # core, third round
    Reason(
        "tapdesk.core.readiness._roles",
        r"privileged = None if facts\.target_role is None else",
        r"\(facts\.target_role is None\) and False",
        "An unknown target role gives target_is_admin False instead of None; _role_rules only tests its truth, so both say the same.",
    ),
    Reason(
        "tapdesk.core.bounded.read_bounded",
        r"limit \+ 1",
        r"limit \+ 2",
        "Reading one byte more changes neither outcome: a file of at most limit bytes is returned whole either way, a longer one raises TooLarge(limit) either way.",
    ),
    Reason(
        "tapdesk.core.models.MethodKind.from_odata_type",
        r'rsplit\("\.", 1\)\[-1\]',
        r'rsplit\("\.", (2)?\)\[-1\]',
        "Only the part after the last dot is used ([-1]), which is the same however many splits rsplit makes.",
    ),
    Reason(
        "tapdesk.core.models.MethodKind.from_odata_type",
        r'odata_type or ""',
        r'odata_type or "XXXX"',
        "A missing type gives OTHER either way: no method kind is named 'XXXX', as none is named ''.",
    ),
    Reason(
        "tapdesk.core.text.escape_controls",
        r'keep: str = ""',
        r'keep: str = "XXXX"',
        "'XXXX' holds no control or bidi character, so the keep branch escapes exactly the characters the plain branch does.",
    ),
    Reason(
        "tapdesk.core.roster._records",
        r'yield line, fields, ""',
        r'yield line, fields, "XXXX"',
        "The error text is read only for records whose fields are None (parse_roster's only use); a record with fields never has it read.",
    ),
    Reason(
        "tapdesk.core.roster.decode",
        r'"utf-8-sig"',
        r'"UTF-8-SIG"',
        "Python's codec lookup is case-insensitive: both names decode with the same codec.",
    ),
    Reason(
        "tapdesk.core.roster.parse_roster",
        r"header_line = 1",
        r"header_line = (None|2)",
        "The initial value is never read: the 'Line N' message is built only after the loop has set header_line together with a header; with no header the refusal does not name a line.",
    ),
    Reason(
        "tapdesk.core.roster.parse_start",
        r"raise ValueError\(text\)",
        r"raise ValueError\(None\)",
        "The exception's text is never shown: parse_start's only caller (parse_roster) catches ValueError and words its problem from the cell it read.",
    ),
    # auth, third round
    Reason(
        "tapdesk.auth.loopback._Handler._answer",
        r'\.encode\("utf-8"\)',
        r'\.encode\("UTF-8"\)',
        "Python's codec lookup ignores case: 'UTF-8' and 'utf-8' name the same codec, so the page's bytes are identical.",
    ),
    Reason(
        "tapdesk.auth.loopback._Handler._answer",
        r'send_header\("(Content-Type|Content-Length|Cache-Control|Connection)"',
        r'send_header\("(content-type|CONTENT-TYPE|content-length|CONTENT-LENGTH|cache-control|CACHE-CONTROL|connection|CONNECTION)"',
        "HTTP header names are case-insensitive (RFC 9110, section 5.1): browsers and http.client read 'content-type' and 'Content-Type' alike; the values, which do matter, are asserted in test_auth_loopback_answers.",
    ),
    Reason(
        "tapdesk.auth.loopback._Handler._discard",
        r"while length > 0:",
        r"while length > 1:",
        "Leaves at most the last byte of a refused body unread; socketserver shuts the socket's writing side (FIN) after the 413 is written, so the browser reads the whole 413 and a clean end before any reset (checked with a small-send-buffer upload of MAX_BODY+1 bytes in test_auth_loopback_answers).",
    ),
    Reason(
        "tapdesk.auth.loopback._Handler.log_request",
        r'code: int \| str = "-", size: int \| str = "-"',
        r'"XX-XX"',
        "http.server calls log_request(code) from send_response with the status every time, and size is never read, so neither default is ever used; the logged line is asserted exactly in test_auth_loopback_answers.",
    ),
    Reason(
        "tapdesk.auth.loopback.LoopbackListener.wait",
        r'kwargs=\{"poll_interval": _POLL_INTERVAL\},',
        r"^(kwargs=None,)?$",
        "poll_interval only sets how often serve_forever checks for shutdown: without it close() takes up to 0.5 s instead of 0.05 s to return; every answer, result and refusal is the same.",
    ),
    Reason(
        "tapdesk.auth.loopback.LoopbackListener.wait",
        r'name="tapdesk-loopback",',
        r'^(name=None,|name="XXtapdesk-loopbackXX",|name="TAPDESK-LOOPBACK",)?$',
        "The thread's name shows only in a debugger or a thread dump; nothing in tapdesk looks threads up by name and no log line prints it.",
    ),
    Reason(
        "tapdesk.auth.cache.CacheStore._load_plain",
        r"unlink\(missing_ok=True\)",
        r"unlink\(missing_ok=False\)",
        "The file was read a moment earlier under the store's lock (load holds it); it can be missing here only if another process deleted it in between, a race no test can stage without mocking the file system.",
    ),
    Reason(
        "tapdesk.auth.claims.jwt_payload",
        r'"=" \* \(-len\(body\) % 4\)',
        r'"=" \* \(\+len\(body\) % 4\)',
        "base64.urlsafe_b64decode (non-strict) ignores padding beyond what it needs: +len%4 adds the same 2 '=' when 2 are needed, 3 where 1 is needed (accepted), none when none are needed, and a length of 4k+1 is invalid either way; test_claims_of_every_length_are_read checks lengths 1 to 12.",
    ),
    Reason(
        "tapdesk.auth.keystore.backend_usable",
        r"chosen: bool = True",
        r"chosen: bool = False",
        "The only caller, KeyStore.usable, always passes chosen= explicitly (KeyStore knows whether the backend was chosen), so the default is never used by tapdesk.",
    ),
    Reason(
        "tapdesk.auth.logguard.guard_msal_logging",
        r'n == "msal" or',
        r'n == "XXmsalXX" or|n == "MSAL" or',
        "The loop always guards 'msal' itself first (the tuple's fixed entry), so whether the list also names it changes nothing: the second visit finds the filter already there. Guarding 'msal' before it exists and every msal.* logger are asserted in test_auth_setup_words and test_auth_logging.",
    ),
    Reason(
        "tapdesk.auth.strategies.DeviceFlow.cancel",
        r'self\._raw\["expires_at"\] = 0',
        r'self\._raw\["expires_at"\] = 1',
        "MSAL's polling stops when flow['expires_at'] < time.time(); 0 and 1 (seconds after 1970) are both long past, so the poll ends at the same moment.",
    ),
    # graph and workflows, third round
    Reason(
        "tapdesk.graph.parse.policy",
        r'data\.get\("state", "enabled"\)\)\.lower\(\)',
        r'data\.get\("state", "ENABLED"\)\)\.lower\(\)',
        "The default is lower-cased at once, like the value Graph sends: 'ENABLED' and 'enabled' both compare equal to 'enabled'.",
    ),
    Reason(
        "tapdesk.graph.client.GraphClient.__init__",
        r'base_url\.rstrip\("/"\)',
        r'base_url\.rstrip\("XX/XX"\)',
        "rstrip takes a set of characters: the mutant also strips a trailing capital X, which no Graph base URL has (config.check_graph_url already strips the slash; the base ends in a version, /v1.0 or /beta).",
    ),
    Reason(
        "tapdesk.graph.client.GraphClient.create_tap",
        r'"create reply lost \(request-id %s\); replacing the unseen pass"',
        r"XXcreate reply lost|CREATE REPLY LOST",
        "A log line's wording only; what it logs (the request-id) is unchanged, and the technician's status line for the same event is asserted exactly.",
    ),
    Reason(
        "tapdesk.workflows.reconcile._event",
        r"tenant_id=intent\.tenant_id",
        r"^(?!.*tenant_id)",
        "Store.finish_intent stamps a record without a tenant with the store's tenant_id, and reconcile only settles Store.open_intents, which are that same tenant's intents: the stored record's tenant_id is the same.",
    ),
    Reason(
        "tapdesk.workflows.target.read_facts",
        r"tap=tap, tap_known=True\)",
        r"tap=tap,\s*(tap_known=False)?\s*\)",
        "No reader of read_facts' result uses tap_known (assess reads tap; the CLI and the roster pre-check never read the flag); only the window's card loader sets and reads its own tap_known.",
    ),
    Reason(
        "tapdesk.workflows.training_phone._add_account",
        r"register_authenticator\(platform\)",
        r"register_authenticator\(None\)",
        "Runs only at import (building ACTIONS), so mutmut links no test to it; applied by hand, test_workflow_phone's android test fails (Graph then lists the Authenticator as an iPhone, not the Pixel 8).",
    ),
    # store: the two differences only a Windows run shows
    Reason(
        "tapdesk.store.db.Store._inspect",
        r"uri=True",
        r"uri=False|\?mode=ro\", timeout=busy_timeout",
        "Differs only on Windows. Debian's SQLite (and most Linux builds) is compiled with SQLITE_USE_URI=1, so a file: name is read as a URI even without uri=True (checked by hand: the probe still opens read-only). Python's Windows build is not: there SQLite would try a file literally named 'file:///C:/...?mode=ro', which Windows refuses, so every test that reopens a stored database (tests/unit/test_store.py) fails on a Windows run.",
    ),
    Reason(
        "tapdesk.store.db.Store.export_audit_csv",
        r'newline=""',
        r"newline=None|encoding=\"utf-8-sig\", opener=private\.opener",
        "Differs only on Windows. On Linux newline translation writes '\\n' as '\\n', so the csv module's '\\r\\n' rows come out unchanged. On Windows each row would end in '\\r\\r\\n' and the newline inside a quoted cell would become '\\r\\n'; tests/unit/test_store.py::test_csv_export_has_a_header_and_defuses_formulas reads the bytes back and fails on a Windows run.",
    ),
    # issue 19: Windows benches
    Reason(
        "tapdesk.core.bounded.utf8_text",
        r'"utf-8-sig"',
        r'"UTF-8-SIG"',
        "Python's codec lookup is case-insensitive: both names decode with the same codec.",
    ),
    Reason(
        "tapdesk.cli.commands._not_shown",
        r'log\.warning\("%s", field\(line\)\)',
        r"log\.warning\(field\(line\)\)",
        "With no arguments logging does not %-format the message (LogRecord.getMessage formats only when args are given), so a line holding '%' is logged the same either way.",
    ),
    # issue 14: workflows.preferences (Tools > Settings… writes the user file)
    Reason(
        "tapdesk.workflows.preferences._check",
        r"read_file\(temp, site=False\)",
        r"read_file\(temp, site=True\)",
        "Reading the new file as a site file differs only if it holds a key only the site file may set (allow_plaintext_cache and two more). save_user_values has just read the file as a user file, so it held none, and the edit writes only technician keys; one can appear only when the rewritten line re-pairs the triple quotes of a scopes value built for the purpose, and then the check that every other value reads back as it was refuses the file whichever way it was read (test_an_edit_that_would_change_another_setting_is_refused).",
    ),
    Reason(
        "tapdesk.workflows.preferences._check",
        r"\(value is not None and read\.get\(name\) != value\)",
        r"\(value is None and read\.get\(name\) != value\)",
        "A value asked for that does not read back means the edit landed elsewhere: inside a multi-line string, which then changes that string, so the check that every other value reads back as it was refuses the file first in every layout tested (test_a_layout_tapdesk_cannot_edit_is_refused). The line stays as the plain statement of the rule the file must keep.",
    ),
    Reason(
        "tapdesk.workflows.preferences._escaped",
        r"if ord\(char\) <= 0xFFFF else",
        r"if ord\(char\) <= 65536 else",
        "The two bounds disagree only on U+10000 (LINEAR B SYLLABLE B008 A), which is printable: it is written as itself and never reaches this line.",
    ),
    Reason(
        "tapdesk.workflows.preferences._replace_checked",
        r'newline=""',
        r'newline=None|encoding="utf-8", opener=private\.opener',
        "Differs only on Windows. On Linux and macOS newline translation writes '\\n' as '\\n', so the text goes out as set_keys made it. On Windows each '\\n' would become '\\r\\n' (and a '\\r\\n' file's '\\r\\r\\n'); test_a_key_is_set_in_place_and_everything_else_is_kept reads the bytes back and fails on a Windows run (checked here with newline='\\r\\n', what Windows' default writes).",
    ),
    Reason(
        "tapdesk.workflows.preferences._replace_checked",
        r'encoding="utf-8"',
        r'encoding=None|open\(temp, "x", newline=""',
        "Differs only where the locale's encoding is not UTF-8 (Windows' cp1252; this machine's is UTF-8): there the 'é' in the test file's comment would be written in cp1252, the read-back would refuse the file as not UTF-8, and test_a_key_is_set_in_place_and_everything_else_is_kept fails (checked here with encoding='cp1252').",
    ),
    Reason(
        "tapdesk.workflows.preferences._replace_checked",
        r'encoding="utf-8"',
        r'encoding="UTF-8"',
        "Python's codec lookup is case-insensitive: both names encode with the same codec.",
    ),
    Reason(
        "tapdesk.workflows.preferences._replace_checked",
        r"secrets\.token_hex\(4\)",
        r"secrets\.token_hex\((None|5)\)",
        "The random part only keeps the temporary name clear of a file already there; its length shows nowhere: the file is renamed over the user file or removed before save_user_values returns (tests check that no temporary file is left).",
    ),
    Reason(
        "tapdesk.workflows.preferences._section_span",
        r'_HEADER\.match\(line\.rstrip\("\\r\\n"\)\)',
        r'_HEADER\.match\(line\.(rstrip\(None\)|lstrip\("\\r\\n"\))\)',
        "_HEADER allows blanks after the header and its $ also matches before a final '\\n' (a '\\r' before that is one of the blanks, or part of the comment), so a header line is recognised the same with its line end or other trailing blanks left on; no line starts with a line end.",
    ),
    Reason(
        "tapdesk.workflows.preferences._section_span",
        r'_HEADER\.match\(line\.rstrip\("\\r\\n"\)\)',
        r'_HEADER\.match\(line\.rstrip\("XX\\r\\nXX"\)\)',
        "A header line can end in X only inside its comment (TOML allows nothing else after ']'), and _HEADER accepts any comment, so the same headers are recognised; only a line of a multi-line scopes string such as '[privacy] X' would read differently.",
    ),
    Reason(
        "tapdesk.workflows.preferences._set_key",
        r'line = lines\[index\]\.rstrip\("\\r\\n"\)',
        r"line = lines\[index\]\.rstrip\(None\)",
        "Differs only in spaces or tabs after the comment on the line being rewritten: the original keeps them, the mutant drops them; TOML ignores them and no reader sees them (a value with trailing blanks and no comment is rewritten the same either way).",
    ),
    Reason(
        "tapdesk.workflows.preferences._set_key",
        r"for index in range\(start, end\):",
        r"for index in range\(end\):",
        "In the loop that finds the section's last key: the line before start is the section's header, neither blank nor a comment, so scanning from the file's start ends on the same last line that last = start - 1 starts from. The same change to the loop that looks for the key (the same diff) is killed by test_a_line_of_a_multi_line_string_is_not_taken_for_a_key.",
    ),
    Reason(
        "tapdesk.workflows.preferences.set_keys",
        r'endswith\(\("\\n", "\\r"\)\)',
        r'endswith\(\("\\n", "XX\\rXX"\)\)',
        "The last line ends in a bare '\\r' only in a file with old Mac line ends, which TOML does not allow (tomllib refuses a bare CR): save_user_values, set_keys' only caller, reads the file first and refuses it, so set_keys never sees one.",
    ),
)


def reason_for(function: str, removed: str, added: str) -> str | None:
    for reason in REASONS:
        if (
            fnmatchcase(function, reason.where)
            and re.search(reason.removed, removed)
            and re.search(reason.added, added)
        ):
            return reason.why
    return None
