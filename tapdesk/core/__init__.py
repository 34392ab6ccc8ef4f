"""Pure rules and records: no Qt, network, MSAL, keyring or sqlite."""
