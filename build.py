#!/usr/bin/env python3
"""Assemble dist/ for Regression Painter, or build and serve it.

    python3 build.py                       build into dist/
    python3 build.py --out DIR             build into DIR
    python3 build.py serve [--port N]      build, then serve dist/ on http://127.0.0.1:N/

The build itself is the package tools/sitebuild/ (its __init__.py says which module does what; the pins
are in tools/sitebuild/pins.py). Standard library only.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "tools"))
from sitebuild.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
