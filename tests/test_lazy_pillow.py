"""The page decodes bundled photos in the browser and loads Pillow only for uploads, so importing the
package and driving a Session must not import PIL."""
import subprocess
import sys
from pathlib import Path

import pytest

PY = Path(__file__).resolve().parent.parent / "py"


@pytest.mark.cpython_only
def test_session_runs_without_importing_pillow():
    code = (
        "import sys, numpy as np\n"
        f"sys.path.insert(0, {str(PY)!r})\n"
        "from painting.session import Session, rgba_to_rgb\n"
        "rgba = np.full((4, 4, 4), 255, dtype=np.uint8); rgba[..., 0] = 200\n"
        "rgb = rgba_to_rgb(rgba, 4, 4)\n"
        "s = Session(rgb)\n"
        "s.train(1000)\n"
        "print(int(s.frame()[0, 0, 0]), 'PIL' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    value, pil_loaded = out.split()
    assert pil_loaded == "False"
    assert abs(int(value) - 200) <= 2  # trained towards the target, not a blank frame
