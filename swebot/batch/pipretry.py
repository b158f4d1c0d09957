"""Install requirements converted from a conda environment.yml with pip, leaving out what PyPI lacks.

The harness builds such environments with conda, whose channels carry packages PyPI does not
(xarray's CI environment lists ``cdms2``; ``hdf5`` is a C library). pip stops at the first name it
cannot find, so this runs pip, drops each name pip finds no release of for this Python, says so,
and runs it again. Any other failure is pip's own and is returned as is.

Shipped into the environment build and run there with the environment's Python (any 3.x), so
it imports nothing but the standard library:

    python pipretry.py REQUIREMENTS [pip install arguments ...]
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable, Sequence

# Only names with no release at all for this Python ("from versions: none"); a missing version of
# a name PyPI has is a real conflict, left to fail.
MISSING = re.compile(r"Could not find a version that satisfies the requirement ([A-Za-z0-9][A-Za-z0-9._\-]*)"
                     r"[^\n]*\(from versions: none\)")
NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._\-]*)")
MAX_ROUNDS = 25


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(line: str) -> str | None:
    match = NAME.match(line)
    return canonical(match[1]) if match and not line.lstrip().startswith(("#", "-")) else None


def without(lines: Sequence[str], name: str) -> list[str]:
    return [line for line in lines if requirement_name(line) != canonical(name)]


Runner = Callable[[list[str]], "tuple[int, str]"]


def _pip(args: list[str]) -> tuple[int, str]:
    """pip's exit status and output, echoed as it comes (the build log shows it)."""
    proc = subprocess.Popen([sys.executable, "-m", "pip", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    seen: list[str] = []
    for line in proc.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        seen.append(line)
    return proc.wait(), "".join(seen)


def install(requirements: str, pip_args: Sequence[str], run: Runner = _pip) -> tuple[int, list[str]]:
    """Install the requirements file, rewriting it without the names pip cannot find.
    Returns pip's last exit status and the names left out."""
    left_out: list[str] = []
    with open(requirements, encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    for _ in range(MAX_ROUNDS):
        status, output = run(["install", "-r", requirements, *pip_args])
        if status == 0:
            return 0, left_out
        missing = [m for m in MISSING.findall(output) if canonical(m) not in map(canonical, left_out)]
        remaining = lines
        for name in missing:
            remaining = without(remaining, name)
        if not missing or remaining == lines:
            return status, left_out
        for name in missing:
            print(f"swebot: {name} has no distribution on PyPI for this Python (a conda package): left out",
                  flush=True)
        left_out.extend(missing)
        lines = remaining
        with open(requirements, "w", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
    return status, left_out


def main(argv: Sequence[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    status, left_out = install(argv[0], list(argv[1:]))
    if left_out:
        print(f"swebot: left out of the environment: {', '.join(left_out)}", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
