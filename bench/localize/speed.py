"""Indexing and query speed of ``swebot localize`` on a large real tree (Django's sdist by default).

    python3 bench/localize/speed.py [--tree DIR]

Prints the cold time (index built and cached) and the warm time (index loaded from the cache) of the
whole ``swebot localize`` command, each as a fresh process, the way a user or a batch run meets them.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))

from run import fetch_library  # noqa: E402

# A title line and a body, as real issues come: the title is a query of its own.
ISSUES = (
    "QuerySet.bulk_create with update_conflicts crashes when unique_fields uses a db_column\n\n"
    "The generated ON CONFLICT clause names the field instead of its column.",
    "The admin changelist filter sidebar shows wrong counts\n\n"
    "With a list_filter on a related field the counts include rows the search excluded.",
)


def timed(tree: Path, issue: str, cache: Path) -> tuple[float, float]:
    """Wall and CPU seconds (all processes of the command) of one ``swebot localize`` run. CPU time
    says what the command costs when the machine is busy and wall time mostly measures the others."""
    env = {**os.environ, "SWEBOT_CACHE_DIR": str(cache), "PYTHONPATH": str(REPO)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed swebot has its bytecode compiled
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "swebot", "localize", str(tree), "--issue", issue, "--json"],
                   check=True, env=env, capture_output=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tree", type=Path, help="repository to index (default: Django 4.2.11 from PyPI)")
    args = ap.parse_args()
    tree = args.tree or fetch_library("django", {"pypi": "django", "version": "4.2.11"})
    n_files = sum(1 for _ in tree.rglob("*.py"))
    # Compiled once up front, as pip does on install: otherwise the first run pays for it.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "swebot")], check=True,
                   capture_output=True)
    with tempfile.TemporaryDirectory() as cache:
        load = os.getloadavg()[0]
        cold, cold_cpu = timed(tree, ISSUES[0], Path(cache))
        warm = [timed(tree, q, Path(cache)) for q in ISSUES]
    print(f"{tree.name}: {n_files} Python files, {os.cpu_count()} cores, load {load:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after")
    print(f"cold (index + query): {cold:.1f} s wall, {cold_cpu:.1f} s CPU; warm (cached index + query): "
          f"{min(w for w, _ in warm):.2f} s wall best, {max(w for w, _ in warm):.2f} s worst, "
          f"{min(c for _, c in warm):.2f} s CPU best")
    return 0


if __name__ == "__main__":
    sys.exit(main())
