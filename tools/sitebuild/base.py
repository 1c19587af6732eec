"""What every build step shares: where things are, the build's one error, its log line, a file's sha256."""

from __future__ import annotations

import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # tools/sitebuild/ -> the repository
SITE_DIR = ROOT / "site"
PACKAGE_DIR = ROOT / "py" / "painting"
PYPROJECT = ROOT / "py" / "pyproject.toml"
DEFAULT_OUT = ROOT / "dist"

# the folders of dist/ the build adds to site/'s files
PY_DIR = "py"  # painting.zip and the wheel
PYODIDE_DIR = "pyodide"
TF_DIR = "tf"
BUILD_MARKER = ".regression-painter-build"  # in every output; lets a rebuild wipe only directories it made

CHUNK = 1 << 20


class BuildError(Exception):
    """A build step failed; the message says which file and why."""


def log(msg: str) -> None:
    print(msg, flush=True)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()
