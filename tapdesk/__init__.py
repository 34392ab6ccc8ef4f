"""tapdesk: issue Temporary Access Passes and walk new hires to a passkey."""

from tapdesk._version import __version__

__all__ = ["__version__"]
