"""``python -m lrdecay``: the command line (see :mod:`lrdecay.cli`)."""

from __future__ import annotations

if __name__ == "__main__":
    from lrdecay.cli import main

    raise SystemExit(main())
