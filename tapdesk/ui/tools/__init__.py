"""The Tools menu and its windows (the new-hire-day roster lives in :mod:`tapdesk.ui.roster`)."""
