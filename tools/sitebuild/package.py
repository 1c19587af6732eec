"""The `painting` package for dist/py/: painting.zip (unpacked by the page's worker into Pyodide) and the
pure-Python wheel (what `pip install ./py` installs), each with sorted entries and fixed timestamps, so
the same sources give the same bytes."""

from __future__ import annotations

import base64
import hashlib
import tomllib
import zipfile
from pathlib import Path

from .base import ROOT, BuildError

ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def package_files(package_dir: Path) -> list[Path]:
    """py/painting/**/*.py, sorted, without caches."""
    return sorted(p for p in package_dir.rglob("*.py")
                  if p.is_file() and "__pycache__" not in p.relative_to(package_dir).parts)


def package_entries(package_dir: Path) -> list[tuple[str, bytes]]:
    """(painting/<path>, its bytes) of every package file, in package_files' order."""
    return [("painting/" + p.relative_to(package_dir).as_posix(), p.read_bytes()) for p in package_files(package_dir)]


def write_zip(dest: Path, entries: list[tuple[str, bytes]]) -> None:
    """A deflated zip of (name, data) in this order, every entry dated ZIP_DATE and mode 0644."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)


def build_package_zip(package_dir: Path, dest: Path) -> int:
    """Zip py/painting/**/*.py as painting/... with sorted entries and fixed timestamps."""
    init = package_dir / "__init__.py"
    if not init.is_file():
        raise BuildError(f"{init.relative_to(ROOT) if init.is_relative_to(ROOT) else init} is missing: "
                         "the `painting` package is not there")
    entries = package_entries(package_dir)
    write_zip(dest, entries)
    return len(entries)


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
    entries = package_entries(package_dir)
    entries.append((f"{info_dir}/METADATA", ("\n".join(lines) + "\n").encode()))
    entries.append((f"{info_dir}/WHEEL", b"Wheel-Version: 1.0\nGenerator: build.py\nRoot-Is-Purelib: true\n"
                                          b"Tag: py3-none-any\n"))
    if meta["scripts"]:
        scripts = "".join(f"{k} = {v}\n" for k, v in sorted(meta["scripts"].items()))
        entries.append((f"{info_dir}/entry_points.txt", f"[console_scripts]\n{scripts}".encode()))
    record = "".join(f"{name},{_record_hash(data)},{len(data)}\n" for name, data in entries)
    entries.append((f"{info_dir}/RECORD", (record + f"{info_dir}/RECORD,,\n").encode()))
    dest = out_dir / f"{dist}-{meta['version']}-py3-none-any.whl"
    write_zip(dest, entries)
    return dest
