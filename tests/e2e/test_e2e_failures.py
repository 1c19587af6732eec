"""Broken deployments end in status "error" with a message that names the missing file, and a Retry."""
import pytest

from conftest import Server, build_site
from pagehelpers import wait_for

NUMPY_WHEEL = "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl"


@pytest.fixture(scope="module")
def broken_site(tmp_path_factory):
    out = build_site(tmp_path_factory.mktemp("broken") / "dist")
    (out / "pyodide" / NUMPY_WHEEL).unlink()
    (out / "py" / "painting.zip").unlink()
    srv = Server(out)
    yield srv
    srv.close()


def test_missing_wheel_ends_in_error_naming_the_file(recorder, broken_site):
    page = recorder.page
    status = recorder.goto_and_wait(broken_site.url)
    assert status == "error"
    message = page.text_content("#message-text")
    assert NUMPY_WHEEL in message
    assert page.is_visible("#retry")
    assert page.is_disabled("#start")
    # the target photograph is still shown: the page did not lose what it had
    assert page.evaluate("""() => {
        const c = document.getElementById('target');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        return d.some((v, i) => i % 4 !== 3 && v !== 0);
    }""")
    # Retry makes a new worker and fails again with the same cause, without piling up messages
    page.click("#retry")
    wait_for(page, "() => document.body.dataset.status === 'loading'", timeout=5_000, interval=0.01)
    wait_for(page, "() => document.body.dataset.status === 'error'", timeout=90_000)
    assert NUMPY_WHEEL in page.text_content("#message-text")
