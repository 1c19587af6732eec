"""The embed's poster: images/poster.png (an APNG of the default photo being learned) and poster-still.png.

They are made by the `painting` package itself on CPython (tools/poster.py), which needs numpy and Pillow.
Without them in this Python, pip installs the pinned versions (pins.POSTER_DEPS) once into
.cache/build-deps/; if that fails too, the build goes on without a poster and the embed shows the photo
itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .base import ROOT, BuildError, log
from .pins import POSTER_DEPS

POSTER_SCRIPT = ROOT / "tools" / "poster.py"
POSTER_IMAGE = "images/astronaut.jpg"  # the default photo (site/js/images.js)


def painting_python() -> tuple[list[str], dict] | None:
    """(python command, environment) able to import numpy and PIL, or None."""
    probe = "import numpy, PIL.Image"
    if subprocess.run([sys.executable, "-c", probe], capture_output=True).returncode == 0:
        return [sys.executable], dict(os.environ)
    target = ROOT / ".cache" / "build-deps" / f"py{sys.version_info[0]}{sys.version_info[1]}"
    env = {**os.environ, "PYTHONPATH": str(target)}
    if not (target / ".complete").exists():
        log(f"poster: installing {' '.join(POSTER_DEPS)} into {target}")
        cmd = [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--only-binary=:all:",
               "--target", str(target), *POSTER_DEPS]
        try:
            if subprocess.run(cmd, capture_output=True, stdin=subprocess.DEVNULL, timeout=600).returncode != 0:
                return None
        except (OSError, subprocess.TimeoutExpired):
            return None
        (target / ".complete").write_text("pip install done\n")
    if subprocess.run([sys.executable, "-c", probe], capture_output=True, env=env).returncode != 0:
        return None
    return [sys.executable], env


def make_poster(out: Path) -> dict | None:
    """Write out/images/poster.png and poster-still.png; -> tools/poster.py's summary, or None."""
    found = painting_python()
    if found is None:
        log("poster: no numpy and Pillow for this Python (pip failed); the embed shows the photo instead")
        return None
    cmd, env = found
    proc = subprocess.run([*cmd, str(POSTER_SCRIPT), str(out / POSTER_IMAGE), str(out / "images")],
                          capture_output=True, text=True, env=env, timeout=600)
    if proc.returncode != 0:
        raise BuildError(f"tools/poster.py failed:\n{proc.stderr.strip()}")
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    log(f"poster: {summary['frames']} frames, epochs {summary['epochs'][0]}..{summary['epochs'][-1]}, "
        f"PSNR {summary['psnr'][0]}..{summary['psnr'][-1]} dB, {summary['bytes']['poster.png']} bytes")
    return summary
