"""The fault matrix: each named fault, what the technician sees, and the tests that prove it.

Every row is checked by ``python -m tests.proof`` (the tests run, and a row is "proved" only
when all of its tests pass) and by ``tests/proof/test_matrix.py`` (every named test exists).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    fault: str
    outcome: str  # what the technician sees, and what is kept
    tests: tuple[str, ...]


G = "tests/unit/test_graph_client.py::"
C = "tests/e2e/test_cli.py::"
A = "tests/unit/test_auth_signin.py::"
K = "tests/unit/test_auth_cache.py::"
S = "tests/unit/test_store.py::"
U = "tests/ui/"

ROWS: tuple[Row, ...] = (
    Row(
        "429 with a fractional Retry-After",
        "waits exactly as told (2.128 s), says it is retrying, succeeds; gives up bounded with exit 8",
        (
            G + "test_429_with_fractional_retry_after_is_honoured",
            G + "test_endless_throttling_gives_up_bounded",
            C + "test_throttled_and_offline_exit_8",
        ),
    ),
    Row(
        "503 bursts",
        "retried with backoff; a lasting outage is an error banner with the request-id, the window keeps working",
        (
            G + "test_503_burst_is_retried",
            U + "test_card_and_form.py::test_an_outage_on_issue_is_an_error_banner_not_a_crash",
        ),
    ),
    Row(
        "timeouts and a dead network",
        "retried, then 'Cannot reach Microsoft' with the fix; exit 8",
        (G + "test_timeouts_then_offline", C + "test_throttled_and_offline_exit_8"),
    ),
    Row(
        "connection dropped after Graph created the pass",
        "tapdesk sees the unseen pass, replaces it once and says so: exactly one pass exists, and it is on screen",
        (
            G + "test_dropped_connection_after_create_never_leaves_an_unseen_pass",
            G + "test_504_on_create_retries_only_when_nothing_was_created",
        ),
    ),
    Row(
        "token expiry mid-session",
        "silent refresh, no prompt",
        (G + "test_expired_token_is_refreshed_once", A + "test_refresh_after_expiry"),
    ),
    Row(
        "consent revoked",
        "'Administrator consent needed' naming the permissions to ask for",
        (G + "test_consent_revoked", A + "test_revoked_consent_names_the_permissions"),
    ),
    Row(
        "role removed mid-session",
        "'Not permitted' naming the role that would work; nothing issued",
        (G + "test_role_removed_mid_session", A + "test_force_refresh_and_new_roles"),
    ),
    Row(
        "policy switched off mid-session",
        "'Temporary Access Pass is switched off / not in the policy', exit 7; form follows the new policy",
        (G + "test_policy_switched_off",),
    ),
    Row(
        "keyring locked or missing",
        "tokens kept in memory with one visible notice; tapdesk keeps working",
        (
            A + "test_locked_keyring_keeps_working_in_memory",
            A + "test_no_keyring_backend_keeps_tokens_in_memory",
            K + "test_locked_keyring_at_load_leaves_the_file_for_later",
        ),
    ),
    Row(
        "database locked",
        "clear message; tapdesk starts on an in-memory store that says nothing will be kept",
        (
            S + "test_a_locked_database_still_lets_tapdesk_start",
            S + "test_a_lock_taken_while_running_is_a_clear_error_and_passes",
        ),
    ),
    Row(
        "database corrupt",
        "the damaged file is set aside (never deleted), a new one started, the technician told where",
        (
            S + "test_a_corrupt_file_is_set_aside_never_deleted",
            C + "test_a_corrupt_database_is_set_aside_and_the_command_still_works",
        ),
    ),
    Row(
        "disk full on the audit write",
        "the pass Graph created is still handed over, with a warning; earlier records intact; no second pass",
        (
            S + "test_disk_full_is_a_clear_error_and_loses_nothing",
            "tests/unit/test_issuing.py::test_disk_full_on_the_audit_write_still_hands_over_the_pass",
        ),
    ),
    Row(
        "clock skew of +-10 minutes",
        "countdown and start checks follow the tenant's clock; doctor warns",
        (C + "test_clock_skew_of_ten_minutes", C + "test_doctor_measures_clock_skew"),
    ),
    Row(
        "app killed mid-flow",
        "sessions, steps and audit rows intact on restart; the pass itself is gone and Replace is offered",
        (S + "test_a_killed_process_leaves_its_session_and_audit_intact",),
    ),
)


@dataclass(frozen=True)
class Check:
    claim: str
    tests: tuple[str, ...]


HYGIENE: tuple[Check, ...] = (
    Check(
        "every shipped flow with DEBUG logging: no pass or token in any log record, stdout/stderr, "
        "or any file under config, data, cache and log (SQLite and WAL included)",
        (U + "test_secret_hygiene.py::test_no_pass_or_token_anywhere_after_every_flow",),
    ),
    Check(
        "the pass reaches no log record (DEBUG on) and no file under config, data, cache or log",
        (
            C + "test_the_pass_reaches_no_log_record_and_no_file",
            "tests/e2e/test_cli_signin.py::test_login_whoami_issue_logout_from_a_shell",
        ),
    ),
    Check(
        "the pass never reaches the database (file and WAL, UTF-8 and UTF-16)",
        (
            S + "test_the_pass_value_never_reaches_the_database",
            C + "test_issue_and_revoke_leave_audit_records_without_the_pass",
        ),
    ),
    Check(
        "no token, refresh token, device code or auth code in any log record at DEBUG",
        ("tests/unit/test_auth_logging.py::test_no_secret_in_any_log_record",),
    ),
    Check(
        "the demo tenant's state file holds no pass and no token",
        ("tests/unit/test_demo_persistence.py::test_state_file_never_holds_a_pass_or_token",),
    ),
    Check(
        "the clipboard is cleared after the set time, and left alone if it holds something else",
        (
            U
            + "test_pass_lifecycle.py::test_copy_puts_the_pass_on_the_clipboard_and_clears_it_after_the_setting",
            U
            + "test_pass_lifecycle.py::test_the_clipboard_is_left_alone_if_the_technician_copied_something_else",
        ),
    ),
    Check(
        "the pass is masked after idle (not while the new hire uses it), on Esc and when moving "
        "to another user, and its value is forgotten on Forget, close session, sign-out and close",
        (
            U + "test_pass_lifecycle.py::test_idle_warns_then_masks_and_show_brings_it_back",
            U + "test_pass_lifecycle.py::test_escape_masks_the_pass_and_show_brings_it_back",
            U
            + "test_pass_lifecycle.py::test_moving_to_another_user_masks_the_pass_and_coming_back_finds_it",
            U
            + "test_pass_kept.py::test_idle_never_masks_while_the_checklist_waits_for_the_new_hire",
            U + "test_pass_kept.py::test_signing_out_forgets_every_kept_value_and_says_so",
            U + "test_pass_kept.py::test_closing_the_window_forgets_every_value",
        ),
    ),
    Check(
        "Enter never replaces a live pass; Replace and Revoke ask once, Cancel the default",
        (
            U + "test_no_accidents.py::test_enter_twice_issues_one_pass_and_says_so",
            U + "test_no_accidents.py::test_replace_and_revoke_ask_once_and_enter_cancels",
        ),
    ),
    Check(
        "the token cache file holds no token in the clear", (A + "test_cache_file_holds_no_token",)
    ),
    Check(
        "a pass value never prints itself (repr, str, f-strings, pickling)",
        ("tests/unit/test_core_rules.py::test_pass_code_never_shows_itself_by_accident",),
    ),
)

FUZZ: tuple[Check, ...] = (
    Check(
        "UPN and search input",
        (
            "tests/fuzz/test_bad_input.py::test_search_box_input_never_breaks_the_query",
            "tests/fuzz/test_bad_input.py::test_typed_user_reference_is_looked_up_or_refused_clearly",
            "tests/unit/test_core_rules.py::test_any_text_is_a_valid_reference_or_a_usage_error",
        ),
    ),
    Check(
        "command-line arguments",
        (
            "tests/fuzz/test_bad_input.py::test_any_command_line_ends_in_an_exit_code_and_no_traceback",
        ),
    ),
    Check(
        "config TOML",
        ("tests/unit/test_config.py::test_any_config_text_loads_or_gives_a_config_error",),
    ),
    Check(
        "roster CSV",
        (
            "tests/unit/test_roster.py::test_any_bytes_give_a_roster_or_a_roster_error",
            "tests/unit/test_roster.py::test_any_text_gives_a_roster_or_a_roster_error",
        ),
    ),
    Check("flow TOML", ("tests/unit/test_flows.py::test_any_text_gives_a_flow_or_a_flow_error",)),
    Check(
        "Graph responses with unexpected or missing fields",
        (
            "tests/fuzz/test_bad_input.py::test_graph_payloads_with_odd_fields_parse_or_raise_a_graph_error",
        ),
    ),
)
