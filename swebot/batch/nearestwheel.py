"""Exact pins without a wheel for this Python, moved to the nearest release that has one.

The harness's specs pin releases conda had for the Python they ask for (scikit-learn 1.3:
``numpy==1.19.2`` on Python 3.9; astropy 1.3: ``numpy==1.16.0`` on 3.6). PyPI may have no wheel
of that release for the Python used here, and building its sdist with today's tools fails
(numpy 1.19's cythonize under Cython 3). When installing the pins as they are has failed, this
rewrites a requirements file: each ``name==X`` with no wheel for this Python becomes ``name==Y``,
Y the lowest release above X of the same major version that has one, and says so (the build log
shows it). A pin with no such release is left as it is (its sdist is built as before).

Shipped into the environment build and run there with the environment's Python, so it imports
nothing but the standard library (and pip's vendored ``packaging`` when present):

    python nearestwheel.py REQUIREMENTS [pip download arguments ...]
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence

PIN = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._\-]*)\s*==\s*([0-9][A-Za-z0-9.!+\-]*)\s*$")
FROM_VERSIONS = re.compile(r"\(from versions: ([^)]*)\)")

Runner = Callable[[list[str]], "tuple[int, str]"]


def _pip(args: list[str]) -> tuple[int, str]:
    proc = subprocess.run([sys.executable, "-m", "pip", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    return proc.returncode, proc.stdout


def version_key(version: str) -> tuple:
    """A sort key for release versions; pre-releases (a, b, rc, dev) sort before their release."""
    try:
        from pip._vendor.packaging.version import Version

        return (0, Version(version))
    except Exception:  # noqa: BLE001 - no pip, or a version packaging rejects: compare the numbers
        return (1, tuple(int(n) for n in re.findall(r"\d+", version)))


def is_prerelease(version: str) -> bool:
    return bool(re.search(r"(a|b|rc|dev|alpha|beta|c)\d*", version.split("+")[0].lower()))


def nearest(pinned: str, available: Sequence[str]) -> str | None:
    """The lowest final release above ``pinned`` of the same major version, from ``available``."""
    major = pinned.split(".")[0]
    later = [v for v in available if v.split(".")[0] == major and not is_prerelease(v)
             and version_key(v) > version_key(pinned)]
    return min(later, key=version_key) if later else None


def wheel_versions(name: str, pinned: str, pip_args: Sequence[str], run: Runner = _pip) -> list[str] | None:
    """None when ``name==pinned`` has a wheel for this Python; else the versions that have one
    (pip lists them when nothing matches: with --only-binary its candidates are wheels only)."""
    with tempfile.TemporaryDirectory() as dest:
        status, output = run(["download", "--no-deps", "--only-binary=:all:", "--dest", dest,
                              f"{name}=={pinned}", *pip_args])
    if status == 0:
        return None
    match = FROM_VERSIONS.search(output)
    if match is None:
        return []
    return [v.strip() for v in match[1].split(",") if v.strip() and v.strip() != "none"]


def rewrite(lines: Sequence[str], pip_args: Sequence[str], run: Runner = _pip) -> tuple[list[str], list[str]]:
    """The requirement lines with their wheel-less pins moved, and one note per pin looked at
    that has no wheel."""
    out: list[str] = []
    notes: list[str] = []
    for line in lines:
        match = PIN.match(line)
        versions = wheel_versions(match[1], match[2], pip_args, run) if match else None
        if match is None or versions is None:
            out.append(line)
            continue
        name, pinned = match[1], match[2]
        found = nearest(pinned, versions)
        python = f"{sys.version_info[0]}.{sys.version_info[1]}"
        if found is None:
            notes.append(f"swebot: {name}=={pinned} has no wheel for Python {python} and no later {pinned.split('.')[0]}.x "
                         "release has one: left as pinned (built from source)")
            out.append(line)
        else:
            notes.append(f"swebot: {name}=={pinned} has no wheel for Python {python}; using {found}, "
                         "the nearest release with one")
            out.append(f"{name}=={found}")
    return out, notes


def main(argv: Sequence[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    out, notes = rewrite(lines, list(argv[1:]))
    for note in notes:
        print(note, flush=True)
    with open(argv[0], "w", encoding="utf-8") as fh:
        fh.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
