"""build.py (tools/sitebuild/): dist/ layout, pinned hashes, refusal of tampered files, and `serve`."""

import base64
import hashlib
import re
import selectors
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.cpython_only

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build.py"
sys.path.insert(0, str(ROOT / "tools"))
from sitebuild import article_stills, base, package, pins, service_worker, shell  # noqa: E402


def run_build(*args, timeout=900):
    return subprocess.run([sys.executable, str(BUILD), *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A build into a temporary directory, sharing the repo's cache (.cache/pyodide-0.27.7)."""
    out = tmp_path_factory.mktemp("build") / "dist"
    proc = run_build("--out", out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def test_every_pinned_file_is_there_with_its_hash(built):
    assert len(pins.VENDORED) == 8
    for name, (digest, _) in pins.VENDORED.items():
        path = built / "pyodide" / name
        assert path.is_file(), f"{name} missing from dist/pyodide/"
        assert sha256(path) == digest, name


def test_wheel_pins_agree_with_pyodide_lock(built):
    import json
    lock = json.loads((built / "pyodide" / "pyodide-lock.json").read_text())
    assert lock["info"]["version"] == "0.27.7"
    for pkg, fname in pins.LOCKED_WHEELS.items():
        assert lock["packages"][pkg]["file_name"] == fname
        assert lock["packages"][pkg]["sha256"] == pins.VENDORED[fname][0] == sha256(built / "pyodide" / fname)


def test_site_is_copied_as_is(built):
    site_files = {p.relative_to(ROOT / "site") for p in (ROOT / "site").rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts}
    # sw.js is stamped, see below; index.html's stylesheets are inlined (tests/test_shell.py); post.html's
    # figures are stamped with their stills' numbers (tests/test_article_stills.py)
    for rel in site_files - {Path(service_worker.SW_FILE), Path(shell.PAGE), Path(article_stills.POST)}:
        assert (built / rel).read_bytes() == (ROOT / "site" / rel).read_bytes(), rel


def test_service_worker_precaches_every_file_with_a_content_version(built, tmp_path):
    import json
    text = (built / "sw.js").read_text()
    assert service_worker.SW_PLACEHOLDER not in text
    line = next(ln for ln in text.splitlines() if ln.startswith("const BUILD = "))
    stamped = json.loads(line.removeprefix("const BUILD = ").removesuffix(";"))
    every = sorted(p.relative_to(built).as_posix() for p in built.rglob("*")
                   if p.is_file() and p.name not in (base.BUILD_MARKER, "sw.js") and not p.is_relative_to(built / "tf"))
    assert sorted(stamped["files"]) == every and "index.html" in every and "pyodide/pyodide.asm.wasm" in every
    # the article is offline after a first visit as the tool is: its page, modules, styles and stills
    assert {"post.html", "js/post/entry.js", "js/post/article.js", "css/post.css", "figures/painter.png"} <= set(every)
    # TensorFlow.js is not precached (not in a first visit's downloads): cached on first use, by hash
    assert stamped["lazy"] == {f"tf/{name}": digest for name, (digest, _) in pins.TF_VENDORED.items()}
    assert re.fullmatch(r"[0-9a-f]{16}", stamped["lazyVersion"]) and stamped["lazyVersion"] != stamped["version"]
    # each file's sha256: a new service worker copies unchanged files from the old cache by path + hash
    for rel in every:
        assert stamped["files"][rel] == sha256(built / rel), rel
    assert re.fullmatch(r"[0-9a-f]{16}", stamped["version"])
    # the same files give the same version; one changed byte gives another
    again = tmp_path / "again"
    shutil.copytree(built, again)
    shutil.copy(ROOT / "site" / "sw.js", again / "sw.js")
    assert service_worker.stamp_service_worker(again)[0] == stamped["version"]
    shutil.copy(ROOT / "site" / "sw.js", again / "sw.js")
    (again / "images" / "CREDITS.md").write_text("changed")
    assert service_worker.stamp_service_worker(again)[0] != stamped["version"]
    line = next(ln for ln in (again / "sw.js").read_text().splitlines() if ln.startswith("const BUILD = "))
    restamped = json.loads(line.removeprefix("const BUILD = ").removesuffix(";"))["files"]
    assert [rel for rel in every if restamped[rel] != stamped["files"][rel]] == ["images/CREDITS.md"]


def test_painting_zip_is_the_package_and_deterministic(built, tmp_path):
    zpath = built / "py" / "painting.zip"
    with zipfile.ZipFile(zpath) as zf:
        names = zf.namelist()
        infos = zf.infolist()
        assert "painting/__init__.py" in names
        assert names == sorted(names)
        assert all(n.startswith("painting/") and n.endswith(".py") for n in names)
        assert not any("__pycache__" in n for n in names)
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        sources = sorted("painting/" + p.relative_to(ROOT / "py" / "painting").as_posix()
                         for p in (ROOT / "py" / "painting").rglob("*.py") if "__pycache__" not in p.parts)
        assert names == sources
        for n in names:
            assert zf.read(n) == (ROOT / "py" / n).read_bytes(), n
    again = tmp_path / "zip2.zip"
    package.build_package_zip(ROOT / "py" / "painting", again)
    assert again.read_bytes() == zpath.read_bytes()


def test_tampered_cache_file_is_refused(built, tmp_path):
    cache = tmp_path / "cache"
    shutil.copytree(pins.DEFAULT_CACHE, cache)
    victim = cache / "pyodide.mjs"
    victim.write_bytes(victim.read_bytes() + b"\n// tampered\n")
    out = tmp_path / "out"
    proc = run_build("--out", out, "--cache", cache)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "pyodide.mjs" in proc.stderr
    assert pins.VENDORED["pyodide.mjs"][0] in proc.stderr  # expected
    assert sha256(victim) in proc.stderr                    # actual
    assert not (out / "pyodide" / "pyodide.mjs").exists()


def test_every_tfjs_file_is_there_with_its_hash(built):
    assert sorted(pins.TF_VENDORED) == sorted(["tf.min.js", "tf-backend-wasm.min.js", "tf-backend-webgpu.min.js",
                                               "tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm",
                                               "tfjs-backend-wasm-threaded-simd.wasm"])
    assert sorted(p.name for p in (built / "tf").iterdir()) == sorted(pins.TF_VENDORED)
    for name, (digest, npm_package) in pins.TF_VENDORED.items():
        assert sha256(built / "tf" / name) == digest, name
        assert npm_package.startswith("@tensorflow/tfjs"), npm_package
    assert b"4.22.0" in (built / "tf" / "tf.min.js").read_bytes()  # the pinned version's bundle


def test_tampered_tfjs_cache_file_is_refused(built, tmp_path):
    cache = tmp_path / "tfcache"
    shutil.copytree(pins.DEFAULT_TF_CACHE, cache)
    victim = cache / "tfjs-backend-wasm-simd.wasm"
    victim.write_bytes(victim.read_bytes()[:-1])
    out = tmp_path / "out"
    proc = run_build("--out", out, "--tf-cache", cache, "--offline")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert pins.TF_VENDORED[victim.name][0] in proc.stderr and sha256(victim) in proc.stderr
    assert not (out / "tf" / victim.name).exists()


def test_offline_with_empty_tfjs_cache_names_every_missing_file(tmp_path):
    proc = run_build("--out", tmp_path / "out", "--tf-cache", tmp_path / "empty", "--offline")
    assert proc.returncode == 1
    for name in pins.TF_VENDORED:
        assert f"could not fetch {name} from cache, npm: cache: not present; npm: skipped (--offline)" in proc.stderr


def test_offline_with_empty_cache_names_every_missing_file(tmp_path):
    proc = run_build("--out", tmp_path / "out", "--cache", tmp_path / "empty", "--offline")
    assert proc.returncode == 1
    assert "could not fetch pyodide.asm.wasm from cache, CDN, npm:" in proc.stderr
    assert "could not fetch numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl from cache, CDN, pip:" in proc.stderr
    assert proc.stderr.count("could not fetch") == len(pins.VENDORED)


def test_refuses_to_wipe_a_directory_it_did_not_make(tmp_path):
    out = tmp_path / "precious"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    proc = run_build("--out", out)
    assert proc.returncode == 1
    assert "refusing to overwrite" in proc.stderr and str(out) in proc.stderr
    assert (out / "notes.txt").read_text() == "keep me"


def test_bad_port_is_a_clear_error():
    proc = run_build("serve", "--port", "70000", "--no-build")
    assert proc.returncode == 2 and "--port must be in 0..65535, got 70000" in proc.stderr


@pytest.fixture
def server(built):
    proc = subprocess.Popen([sys.executable, str(BUILD), "serve", "--no-build", "--out", str(built), "--port", "0"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL)
    try:
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)
        line, deadline = "", time.monotonic() + 30
        while "Serving" not in line:
            assert time.monotonic() < deadline and proc.poll() is None, f"server did not start: {line!r}"
            if sel.select(timeout=1):
                line = proc.stdout.readline()
        m = re.search(r"Serving .* at (http://127\.0\.0\.1:(\d+)/)", line)
        assert m and int(m.group(2)) > 0, line
        yield m.group(1)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as resp:
        return resp.status, resp.headers, resp.read()


def test_serve_mime_types_and_cache_headers(server, built):
    cases = {
        "pyodide/pyodide.asm.wasm": "application/wasm",
        "pyodide/pyodide.mjs": "text/javascript",
        "pyodide/pyodide.asm.js": "text/javascript",
        "pyodide/pyodide-lock.json": "application/json",
        "pyodide/numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl": "application/zip",
        "py/painting.zip": "application/zip",
    }
    for rel, ctype in cases.items():
        status, headers, body = fetch(server + rel)
        assert status == 200
        assert headers["Content-Type"].split(";")[0] == ctype, rel
        assert headers["Cache-Control"] == "no-cache"
        assert body == (built / rel).read_bytes(), rel
    if (built / "index.html").is_file():
        status, headers, body = fetch(server)
        assert status == 200 and headers["Content-Type"].startswith("text/html")
        assert body == (built / "index.html").read_bytes()
    with pytest.raises(urllib.error.HTTPError) as err:
        fetch(server + "no-such-file.js")
    assert err.value.code == 404


def test_wheel_is_the_package_and_installs_with_its_command(built, tmp_path):
    from venvs import fresh_venv, pip
    meta = package.wheel_metadata(base.PYPROJECT)
    assert (meta["name"], meta["dependencies"], meta["scripts"]) == \
        ("regression-painter", ["numpy", "Pillow"], {"regression-painter": "painting.cli:main"})
    wheels = sorted((built / "py").glob("*.whl"))
    assert [w.name for w in wheels] == [f"regression_painter-{meta['version']}-py3-none-any.whl"]
    wheel = wheels[0]
    info = f"regression_painter-{meta['version']}.dist-info/"
    sources = sorted("painting/" + p.relative_to(ROOT / "py" / "painting").as_posix()
                     for p in (ROOT / "py" / "painting").rglob("*.py") if "__pycache__" not in p.parts)
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        assert names == sources + [info + n for n in ("METADATA", "WHEEL", "entry_points.txt", "RECORD")]
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        for n in sources:
            assert zf.read(n) == (ROOT / "py" / n).read_bytes(), n
        record = zf.read(info + "RECORD").decode().splitlines()
        assert record[-1] == info + "RECORD,,"
        for line in record[:-1]:  # path,sha256=<urlsafe base64, no padding>,size of every other entry
            path, digest, size = line.split(",")
            data = zf.read(path)
            expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            assert digest == "sha256=" + expected and int(size) == len(data), path
        assert len(record) == len(names)
        assert "Requires-Dist: numpy\nRequires-Dist: Pillow\n" in zf.read(info + "METADATA").decode()
        assert zf.read(info + "entry_points.txt") == b"[console_scripts]\nregression-painter = painting.cli:main\n"
    again = package.build_wheel(ROOT / "py" / "painting", base.PYPROJECT, tmp_path / "again")
    assert again.read_bytes() == wheel.read_bytes()  # deterministic

    python = fresh_venv(tmp_path / "venv")
    proc = pip(python, "--no-deps", "--no-index", wheel)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    site = Path(subprocess.run([str(python), "-c", "import painting, os; print(os.path.dirname(painting.__file__))"],
                               capture_output=True, text=True, check=True, cwd=tmp_path).stdout.strip())
    assert site.parent.name == "site-packages" and site.parent.parent.parent.parent == tmp_path / "venv"
    for n in sources:
        assert (site.parent / n).read_bytes() == (ROOT / "py" / n).read_bytes(), n
    command = tmp_path / "venv" / "bin" / "regression-painter"
    out = tmp_path / "coffee.png"
    proc = subprocess.run([str(command), str(ROOT / "site" / "images" / "coffee.jpg"), "--size", "24",
                           "--model", "dct", "--frames", "2", "--out", str(out)],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    psnr = float(re.search(r"psnr=(\S+)", proc.stdout.splitlines()[-1]).group(1))
    assert psnr > 60.0 and out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"  # dct (k=64) fits 24 x 24 exactly: 100 dB
