"""A build: the vendored files fetched and verified, then site/, the package, Pyodide, TF.js and the poster
copied or made into the output directory, post.html's stills painted, the pages' styles inlined and sw.js stamped last (it lists
every other file with its hash)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from . import vendored
from .base import BUILD_MARKER, PACKAGE_DIR, PY_DIR, PYODIDE_DIR, PYPROJECT, SITE_DIR, TF_DIR, BuildError, log
from .article_stills import stamp_stills
from .embed_poster import make_poster
from .package import build_package_zip, build_wheel
from .pins import DEFAULT_TF_CACHE, TF_VENDORED, VENDORED
from .service_worker import stamp_service_worker
from .shell import PAGES, inline_styles


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


def build(out: Path, cache: Path, offline: bool = False, tf_cache: Path = DEFAULT_TF_CACHE) -> None:
    t0 = time.perf_counter()
    if not SITE_DIR.is_dir():
        raise BuildError(f"{SITE_DIR} is missing")
    for reserved in (PY_DIR, PYODIDE_DIR, TF_DIR):
        if (SITE_DIR / reserved).exists():
            raise BuildError(f"site/{reserved} would clash with dist/{reserved}/ made by build.py")

    vendored.fetch(cache, tf_cache, offline=offline)

    prepare_out(out)
    shutil.copytree(SITE_DIR, out, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", ".DS_Store"))
    n_site = sum(1 for p in out.rglob("*") if p.is_file()) - 1  # minus the marker
    n_py = build_package_zip(PACKAGE_DIR, out / PY_DIR / "painting.zip")
    wheel = build_wheel(PACKAGE_DIR, PYPROJECT, out / PY_DIR)
    vendored.vendor_into(out, cache, tf_cache)
    make_poster(out)
    stamp_stills(out)  # before sw.js: the stills are precached
    inlined = [inline_styles(out, page)[0] for page in PAGES]
    sw_version, n_precache = stamp_service_worker(out)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    log(f"built {out}: {n_site} site files, painting.zip ({n_py} modules), {wheel.name}, "
        f"{len(VENDORED)} pyodide files, {len(TF_VENDORED)} tfjs files; {size / 1e6:.1f} MB in {time.perf_counter() - t0:.1f} s; "
        f"{', '.join(f'{page} inlines {len(hrefs)} stylesheets' for page, hrefs in zip(PAGES, inlined))}; sw.js precaches {n_precache} files (version {sw_version})")
