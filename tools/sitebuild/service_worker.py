"""dist/sw.js stamped with the build: every file of dist/ with its sha256, and a content version.

site/sw.js holds SW_PLACEHOLDER; the build replaces it with every file of dist/ and a content hash, so the
service worker precaches exactly this build and each new build is a byte change the browser notices.
Files under LAZY_DIRS are not precached (not in a first visit's downloads): they are listed apart, with
their hashes and a version of their own, and the service worker caches each on its first use.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .base import BUILD_MARKER, TF_DIR, BuildError, sha256_file

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
