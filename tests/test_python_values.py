"""site/js/python-values.js: every value the page copies from the painting package, checked against it.
The module is imported by Node, so this reads exactly what the browser reads."""
import json
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from painting.grid import ZOOMS
from painting.holdout import HOLDOUTS
from painting.models import MODELS
from painting.session import MODES
from painting.views import VIEWS

MODULE = Path(__file__).resolve().parents[1] / "site/js/python-values.js"


@pytest.mark.cpython_only  # runs Node on the site's source
def test_the_page_copies_python_values_exactly():
    node = shutil.which("node")
    assert node, "node is needed (tests/run.sh installs it)"
    script = f"import(process.argv[1]).then((m) => console.log(JSON.stringify(m)))"
    out = subprocess.run([node, "--input-type=module", "-e", script, MODULE.as_uri()],
                         capture_output=True, text=True, check=True).stdout
    page = json.loads(out)
    assert page["MODEL_NAMES"] == list(MODELS)
    assert set(page["KNOB_NAMES"]) == {name for cls in MODELS.values() for name in cls.KNOBS}
    assert len(page["KNOB_NAMES"]) == len(set(page["KNOB_NAMES"]))
    assert page["MODES"] == list(MODES)
    default = MODELS[page["DEFAULT_MODEL"]]
    assert page["DEFAULT_LEARNING_RATE"] == default.DEFAULT_LEARNING_RATE
    assert page["DEFAULT_EPOCHS_PER_FRAME"] == default.EPOCHS_PER_FRAME
    project = tomllib.loads((MODULE.parents[2] / "py/pyproject.toml").read_text())["project"]
    assert page["WHEEL_FILE"] == f"{project['name'].replace('-', '_')}-{project['version']}-py3-none-any.whl"
    assert page["HOLDOUTS"] == list(HOLDOUTS) and page["ZOOMS"] == list(ZOOMS) and page["VIEWS"] == list(VIEWS)
    assert set(page) == {"MODEL_NAMES", "KNOB_NAMES", "MODES", "DEFAULT_MODEL", "DEFAULT_LEARNING_RATE",
                         "DEFAULT_EPOCHS_PER_FRAME", "WHEEL_FILE", "HOLDOUTS", "ZOOMS", "VIEWS"}, \
        "a new value needs its check here"
