"""Vendor front-end assets from npm into ``fulian/static/vendor/``.

The Django app serves Bootstrap, Bootstrap Icons, ECharts and Leaflet from
files committed to the repository, so it needs neither Node nor internet
access at run time.  ``package.json`` pins exact versions and
``package-lock.json`` records their integrity hashes; this script copies a
fixed, explicit list of files from ``node_modules/<pkg>/`` into
``fulian/static/vendor/<pkg>@<version>/``, unmodified and with their relative
paths preserved (so relative ``url(...)`` references inside the CSS keep
working), together with each package's licence files.

Usage (from anywhere; paths are resolved relative to the repository root)::

    npm ci --ignore-scripts                 # populate node_modules/
    python scripts/vendor_assets.py copy    # rewrite fulian/static/vendor/
    python scripts/vendor_assets.py check   # verify the committed copy

``copy`` replaces ``fulian/static/vendor/`` entirely (stale files are removed)
and prints the directory names it produced.

``check`` installs the locked packages into a temporary directory with
``npm ci --ignore-scripts --no-audit --no-fund``, vendors them into a
temporary directory with the same logic and compares the result byte for byte
with ``fulian/static/vendor/``.

Exit status: 0 on success, 1 if ``check`` finds a difference, 2 on a usage or
environment error (missing node_modules, npm failure, non-exact version pin...).

Standard library only (Python 3.11).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
VENDOR_DIR = REPO_ROOT / "fulian" / "static" / "vendor"
PACKAGE_FILES = ("package.json", "package-lock.json")

# Files to vendor, per npm package, relative to node_modules/<pkg>/.
# Entries may contain a glob ("*") but every entry must match at least one file.
MANIFEST: dict[str, tuple[str, ...]] = {
    "bootstrap": (
        "dist/css/bootstrap.min.css",
        "dist/css/bootstrap.min.css.map",
        "dist/js/bootstrap.bundle.min.js",
        "dist/js/bootstrap.bundle.min.js.map",
        "LICENSE",
    ),
    "bootstrap-icons": (
        "font/bootstrap-icons.min.css",
        "font/fonts/bootstrap-icons.woff2",
        "font/fonts/bootstrap-icons.woff",
        "LICENSE",
    ),
    "echarts": (
        "dist/echarts.min.js",
        "LICENSE",
        # Apache-2.0 asks redistributors to pass NOTICE on; LICENSE points
        # to licenses/LICENSE-d3 for the embedded d3 code.
        "NOTICE",
        "licenses/LICENSE-d3",
    ),
    "leaflet": (
        "dist/leaflet.js",
        # leaflet.js ends with "//# sourceMappingURL=leaflet.js.map"; Django's
        # ManifestStaticFilesStorage fails collectstatic if that file is absent.
        "dist/leaflet.js.map",
        "dist/leaflet.css",
        "dist/images/*",
        "LICENSE",
    ),
}

EXACT_VERSION = re.compile(r"^\d+\.\d+\.\d+$")


class VendorError(Exception):
    """A problem that prevents vendoring (not a content difference)."""


def installed_version(node_modules: Path, package: str) -> str:
    """Return the version from ``node_modules/<package>/package.json``."""
    manifest = node_modules / package / "package.json"
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise VendorError(f"{manifest} not found; run `npm ci --ignore-scripts` first") from None
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise VendorError(f"{manifest} has no version")
    return version


def locked_version(lock_file: Path, package: str) -> str:
    """Return the version of a top-level package recorded in package-lock.json."""
    lock = json.loads(lock_file.read_text(encoding="utf-8"))
    entry = lock.get("packages", {}).get(f"node_modules/{package}")
    if not entry or "version" not in entry:
        raise VendorError(f"{package} is not in {lock_file}")
    return str(entry["version"])


def check_exact_pins(package_json: Path) -> None:
    """Refuse version ranges: every dependency must be pinned to X.Y.Z."""
    dependencies: dict[str, str] = json.loads(package_json.read_text(encoding="utf-8")).get(
        "dependencies", {}
    )
    for package in MANIFEST:
        spec = dependencies.get(package)
        if spec is None:
            raise VendorError(f"{package} is missing from {package_json}")
        if not EXACT_VERSION.match(spec):
            raise VendorError(
                f"{package} is pinned as {spec!r} in {package_json}; use an exact X.Y.Z"
            )


def files_for(package_dir: Path, patterns: tuple[str, ...]) -> list[Path]:
    """Expand the manifest entries of one package into relative file paths."""
    files: list[Path] = []
    for pattern in patterns:
        matches = sorted(p for p in package_dir.glob(pattern) if p.is_file())
        if not matches:
            raise VendorError(f"{package_dir / pattern} matched no file")
        files.extend(p.relative_to(package_dir) for p in matches)
    return files


def vendor(node_modules: Path, destination: Path) -> dict[str, str]:
    """Copy the manifest from ``node_modules`` into ``destination``.

    ``destination`` must not exist yet. Returns {package: version}.
    """
    destination.mkdir(parents=True)
    versions: dict[str, str] = {}
    for package, patterns in MANIFEST.items():
        version = installed_version(node_modules, package)
        versions[package] = version
        source_dir = node_modules / package
        target_dir = destination / f"{package}@{version}"
        for relative in files_for(source_dir, patterns):
            target = target_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source_dir / relative, target)
    return versions


def list_files(root: Path) -> set[str]:
    """Return every file under ``root`` as a POSIX path relative to it."""
    if not root.is_dir():
        return set()
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def command_copy() -> int:
    """Rewrite fulian/static/vendor/ from the local node_modules/."""
    node_modules = REPO_ROOT / "node_modules"
    lock_file = REPO_ROOT / "package-lock.json"
    check_exact_pins(REPO_ROOT / "package.json")
    for package in MANIFEST:
        installed = installed_version(node_modules, package)
        locked = locked_version(lock_file, package)
        if installed != locked:
            raise VendorError(
                f"node_modules has {package}@{installed} but package-lock.json says {locked}; "
                "run `npm ci --ignore-scripts`"
            )

    # Build next to the final location, then swap, so a failure never leaves
    # a half-written vendor directory behind.
    VENDOR_DIR.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=VENDOR_DIR.parent, prefix=".vendor-") as tmp:
        staged = Path(tmp) / "vendor"
        versions = vendor(node_modules, staged)
        if VENDOR_DIR.exists():
            shutil.rmtree(VENDOR_DIR)
        staged.rename(VENDOR_DIR)

    count = len(list_files(VENDOR_DIR))
    print(f"wrote {count} files to {VENDOR_DIR.relative_to(REPO_ROOT)}/")
    for package, version in versions.items():
        print(f"  {package}@{version}")
    return 0


def command_check() -> int:
    """Compare fulian/static/vendor/ with a fresh install of the lockfile."""
    check_exact_pins(REPO_ROOT / "package.json")
    npm = shutil.which("npm")
    if npm is None:
        raise VendorError("npm not found on PATH")

    with tempfile.TemporaryDirectory(prefix="fulian-vendor-check-") as tmp:
        work = Path(tmp)
        for name in PACKAGE_FILES:
            shutil.copyfile(REPO_ROOT / name, work / name)
        result = subprocess.run(
            [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
            cwd=work,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            sys.stderr.write(result.stdout + result.stderr)
            raise VendorError(f"npm ci failed with exit code {result.returncode}")

        expected_dir = work / "vendor"
        vendor(work / "node_modules", expected_dir)

        expected, actual = list_files(expected_dir), list_files(VENDOR_DIR)
        missing = sorted(expected - actual)
        extra = sorted(actual - expected)
        changed = sorted(
            name
            for name in expected & actual
            if (expected_dir / name).read_bytes() != (VENDOR_DIR / name).read_bytes()
        )

    if missing or extra or changed:
        where = VENDOR_DIR.relative_to(REPO_ROOT)
        for label, names in (("missing", missing), ("unexpected", extra), ("differs", changed)):
            for name in names:
                print(f"{label}: {where}/{name}")
        print(
            f"vendored assets do NOT match package-lock.json "
            f"({len(missing)} missing, {len(extra)} unexpected, {len(changed)} differ); "
            "run `npm ci --ignore-scripts && python scripts/vendor_assets.py copy`"
        )
        return 1

    print(f"vendored assets match package-lock.json ({len(expected)} files)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Vendor front-end assets from npm into fulian/static/vendor/."
    )
    parser.add_argument(
        "mode", choices=("copy", "check"), help="copy: rewrite vendor dir; check: verify it"
    )
    args = parser.parse_args(argv)
    try:
        return command_copy() if args.mode == "copy" else command_check()
    except VendorError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
