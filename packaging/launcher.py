"""Entry script for the frozen app (PyInstaller runs it as ``__main__``).

A file outside the package, so the analysis never puts ``tapdesk/`` itself on ``sys.path``
(which would let ``tapdesk/config.py`` shadow a top-level module named ``config``).
"""

from tapdesk.__main__ import main

main()
