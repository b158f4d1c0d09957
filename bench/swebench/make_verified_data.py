#!/usr/bin/env python3
"""Rebuild the SWE-bench Verified records that can be had offline (kept out of the repository).

Source: the Kabir08/SWEBench-verified-mini repository vendors a 50-instance subset of the Hugging
Face dataset princeton-nlp/SWE-bench_Verified (revision a9e0332776d0, per its
``dataset_info.json``), every field (patch, test_patch, FAIL_TO_PASS, PASS_TO_PASS, version,
environment_setup_commit), as ``data/filtered_huggingface_dataset/test/data.csv`` (converted from
the ``datasets`` arrow file beside it; the two agree field by field). It is 25 django/django and
25 sphinx-doc/sphinx instances. Mirror that repository first (the `fetch` tool puts it under
/work/.mirror/Kabir08+SWEBench-verified-mini), then:

    python bench/swebench/make_verified_data.py [--mirror DIR] [--out DIR]

writes OUT/verified_mini.json (all 50) and OUT/verified_mini_not_lite.json (those not in
SWE-bench Lite, when OUT/lite_full.json exists).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_data import show_file  # noqa: E402

COMMIT = "78f99e26e23cde492d3251972f918b2b772ec856"
PATH = "data/filtered_huggingface_dataset/test/data.csv"
FIELDS = ("instance_id", "repo", "base_commit", "patch", "test_patch", "problem_statement", "hints_text",
          "created_at", "version", "FAIL_TO_PASS", "PASS_TO_PASS", "environment_setup_commit")


def parse_rows(text: str) -> list[dict[str, str]]:
    """The dataset rows of the vendored CSV; a row missing a field or with a malformed test list is refused."""
    rows = []
    for row in csv.DictReader(io.StringIO(text, newline="")):
        absent = [f for f in FIELDS if not row.get(f) and f not in ("hints_text", "PASS_TO_PASS")]
        if absent or row.get("PASS_TO_PASS") is None:
            raise ValueError(f"{row.get('instance_id', '?')}: no {', '.join(absent) or 'PASS_TO_PASS'}")
        for field in ("FAIL_TO_PASS", "PASS_TO_PASS"):
            try:
                tests = json.loads(row[field])
            except json.JSONDecodeError:
                tests = None
            if not isinstance(tests, list) or not all(isinstance(t, str) for t in tests):
                raise ValueError(f"{row['instance_id']}: {field} is not a list of test ids")
        rows.append({f: row[f] for f in FIELDS})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mirror", type=Path, default=Path("/work/.mirror/Kabir08+SWEBench-verified-mini/repo"))
    parser.add_argument("--out", type=Path, default=Path("/work/data/swebench"))
    args = parser.parse_args()
    text = show_file(args.mirror, COMMIT, PATH)
    if text is None:
        return 3
    try:
        rows = parse_rows(text)
    except ValueError as exc:
        print(f"malformed {PATH}: {exc}", file=sys.stderr)
        return 3
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "verified_mini.json").write_text(json.dumps(rows, indent=1))
    lite_file = args.out / "lite_full.json"
    lite = {r["instance_id"] for r in json.loads(lite_file.read_text())} if lite_file.exists() else set()
    fresh = [r for r in rows if r["instance_id"] not in lite]
    if lite:
        (args.out / "verified_mini_not_lite.json").write_text(json.dumps(fresh, indent=1))
    repos: dict[str, int] = {}
    for row in fresh:
        repos[row["repo"]] = repos.get(row["repo"], 0) + 1
    print(f"wrote {len(rows)} instances to {args.out}/verified_mini.json; not in Lite: {len(fresh)} ("
          + ", ".join(f"{r} {n}" for r, n in sorted(repos.items())) + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
