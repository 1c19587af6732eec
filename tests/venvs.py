"""Fresh virtual environments for install tests: a new venv whose pip sees the test environment's numpy
and Pillow (through a .pth file), so installing the package with or without --no-deps fetches neither."""
import subprocess
import sys
import sysconfig
from pathlib import Path


def fresh_venv(where: Path) -> Path:
    """python -m venv `where` (with pip), plus a .pth to this interpreter's site-packages; -> its python."""
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True, capture_output=True, timeout=300)
    python = where / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    (Path(purelib) / "test-env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def pip(python: Path, *args, timeout=600):
    return subprocess.run([str(python), "-m", "pip", "--disable-pip-version-check", "install", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
