"""Technician sign-in: MSAL strategies, the encrypted token cache, the account and its roles.

Typical use: ``auth.sign_in_silent() or auth.sign_in_interactive()`` on a worker thread, then
hand ``auth.access_token`` to the Graph client as its token provider.
"""

from tapdesk.auth.authenticator import Account, Authenticator, SavedSignIn
from tapdesk.auth.cache import CacheProtection
from tapdesk.auth.strategies import DeviceFlow

__all__ = ["Account", "Authenticator", "CacheProtection", "DeviceFlow", "SavedSignIn"]
