"""Indexing and query speed of ``swebot localize`` on a large real tree (Django's sdist by default).

    python3 bench/localize/speed.py [--tree DIR]

Prints the cold time (index built and cached) and the warm time (index loaded from the cache) of the
whole ``swebot localize`` command, each as a fresh process, the way a user or a batch run meets them.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))

from run import fetch_library  # noqa: E402

ISSUES = (
    "QuerySet.bulk_create with update_conflicts crashes when unique_fields uses a db_column",
    "The admin changelist filter sidebar shows wrong counts",
)


def timed(tree: Path, issue: str, cache: Path) -> float:
    env = {**os.environ, "SWEBOT_CACHE_DIR": str(cache), "PYTHONPATH": str(REPO)}
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "swebot", "localize", str(tree), "--issue", issue, "--json"],
                   check=True, env=env, capture_output=True)
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tree", type=Path, help="repository to index (default: Django 4.2.11 from PyPI)")
    args = ap.parse_args()
    tree = args.tree or fetch_library("django", {"pypi": "django", "version": "4.2.11"})
    n_files = sum(1 for _ in tree.rglob("*.py"))
    with tempfile.TemporaryDirectory() as cache:
        cold = timed(tree, ISSUES[0], Path(cache))
        warm = [timed(tree, q, Path(cache)) for q in ISSUES]
    print(f"{tree.name}: {n_files} Python files, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    print(f"cold (index + query): {cold:.1f} s; warm (cached index + query): "
          f"{min(warm):.2f} s best, {max(warm):.2f} s worst")
    return 0


if __name__ == "__main__":
    sys.exit(main())
