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
    named = {name: list(knob.names) for cls in MODELS.values() for name, knob in cls.KNOBS.items() if knob.names}
    assert page["KNOB_VALUE_NAMES"] == named
    assert all(knob.low == 0 for cls in MODELS.values() for knob in cls.KNOBS.values() if knob.names)  # n: names[n]
    renamed = {old: {"knob": new, "names": list(knob.names), "values": list(knob.choices)}
               for cls in MODELS.values() for old, (new, knob) in cls.RENAMED_KNOBS.items()}
    assert page["RENAMED_KNOBS"] == renamed and renamed
    assert all(knob.low == 0 for cls in MODELS.values() for _, knob in cls.RENAMED_KNOBS.values())
    assert page["MODES"] == list(MODES)
    default = MODELS[page["DEFAULT_MODEL"]]
    assert page["DEFAULT_LEARNING_RATE"] == default.DEFAULT_LEARNING_RATE
    assert page["DEFAULT_EPOCHS_PER_FRAME"] == default.EPOCHS_PER_FRAME
    project = tomllib.loads((MODULE.parents[2] / "py/pyproject.toml").read_text())["project"]
    assert page["WHEEL_FILE"] == f"{project['name'].replace('-', '_')}-{project['version']}-py3-none-any.whl"
    assert page["HOLDOUTS"] == list(HOLDOUTS) and page["ZOOMS"] == list(ZOOMS) and page["VIEWS"] == list(VIEWS)
    assert set(page) == {"MODEL_NAMES", "KNOB_NAMES", "KNOB_VALUE_NAMES", "RENAMED_KNOBS", "MODES", "DEFAULT_MODEL", "DEFAULT_LEARNING_RATE",
                         "DEFAULT_EPOCHS_PER_FRAME", "WHEEL_FILE", "HOLDOUTS", "ZOOMS", "VIEWS"}, \
        "a new value needs its check here"
