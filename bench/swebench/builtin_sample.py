#!/usr/bin/env python3
"""A seeded sample of SWE-bench instances for the builtin engine, as one instances file.

The pool: the Lite records (lite_full.json) and the Verified records not in Lite
(verified_mini_not_lite.json) of the repositories named, minus the instances the builtin engine
was already tried on (``--exclude``). ``random.Random(seed).sample`` of the sorted pool gives the
order the instances are run in, so a run cut by time covers a prefix of the sample.

    python bench/swebench/builtin_sample.py --seed 2026 --n 12 --out /tmp/i11/builtin_sample.json

writes the sampled records (in sample order) to OUT and prints one line per instance and, last,
the ``--filter`` regex selecting them (for `swebot batch run` and bench/swebench_gold.py).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

DATA = Path("/work/data/swebench")
REPOS = ("psf/requests", "pallets/flask", "pytest-dev/pytest", "pylint-dev/pylint", "mwaskom/seaborn",
         "pydata/xarray", "sphinx-doc/sphinx", "django/django", "sympy/sympy")
# Tried through the builtin engine before 2026-12-06 06:30 UTC (bench/swebench/README.md).
TRIED = ("pallets__flask-4045", "pallets__flask-4992", "pallets__flask-5063", "sympy__sympy-13480",
         "sympy__sympy-13647", "django__django-16527", "django__django-15347", "sphinx-doc__sphinx-8595",
         "django__django-17087", "sympy__sympy-22714", "django__django-11049", "sympy__sympy-24102",
         "sympy__sympy-14774")


def draw(records: list[dict], repos: tuple[str, ...], exclude: set[str], seed: int, n: int) -> list[dict]:
    """``n`` records of ``repos`` not in ``exclude``, drawn with random.Random(seed) from the pool
    sorted by id (the same draw whatever order the files list them in); duplicates kept once."""
    by_id = {r["instance_id"]: r for r in records if r["repo"] in repos and r["instance_id"] not in exclude}
    pool = sorted(by_id)
    return [by_id[i] for i in random.Random(seed).sample(pool, min(n, len(pool)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--instances", type=Path, nargs="+",
                        default=[DATA / "lite_full.json", DATA / "verified_mini_not_lite.json"])
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--n", type=int, default=12)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    records = [r for path in args.instances for r in json.loads(path.read_text(encoding="utf-8"))]
    sample = draw(records, REPOS, set(TRIED), args.seed, args.n)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(sample, indent=1), encoding="utf-8")
    for record in sample:
        print(f"{record['instance_id']}\t{record['version']}")
    print("(" + "|".join(r["instance_id"] for r in sample) + ")$")
    return 0


if __name__ == "__main__":
    sys.exit(main())
