"""Keep PySide6 from reading the source of every module imported after it.

PySide6's ``__feature__`` support (``from __feature__ import snake_case``) hooks the import
system: each module imported after PySide6 has its whole source read (``inspect.getsource``) to
see whether it names PySide6. ``linecache`` then keeps every file it read, some 12 MB for
tapdesk and its dependencies, and the reading costs start-up time. tapdesk never selects a
feature (a unit test checks its sources), so every module may be treated as not using one, which
is what the scan concludes for modules without features anyway.

The hook is PySide6's private function; when a release renames it, nothing is changed and the
log says so once (a test fails too, so the upgrade is noticed).
"""

from __future__ import annotations

import logging
import sys
from types import ModuleType

log = logging.getLogger(__name__)

FEATURE_MODULE = "shibokensupport.feature"
SCAN = "_mod_uses_pyside"


def _uses_no_feature(module: ModuleType) -> bool:
    return False


def skip_feature_scan() -> bool:
    """After ``import PySide6``: switch the per-import source scan off. True when done."""
    feature = sys.modules.get(FEATURE_MODULE)
    if feature is None or not callable(getattr(feature, SCAN, None)):
        log.info("PySide6's feature scan was not found; imports stay as PySide6 makes them")
        return False
    setattr(feature, SCAN, _uses_no_feature)
    return True
