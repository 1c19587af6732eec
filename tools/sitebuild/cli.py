"""The command line of build.py: build (the default) or serve."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .assemble import build
from .base import DEFAULT_OUT, BuildError
from .pins import DEFAULT_CACHE, DEFAULT_TF_CACHE, PYODIDE_VERSION, TF_VERSION
from .server import serve


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="build.py", description="Assemble dist/ (site + painting.zip + pinned Pyodide), or serve it.")
    ap.add_argument("command", nargs="?", choices=["build", "serve"], default="build",
                    help="build (default) or serve: build, then serve the output over HTTP")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (default: dist)")
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
