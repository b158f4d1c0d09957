#!/usr/bin/env python3
"""Gold and empty patches of real SWE-bench instances, evaluated in the environments swebot builds.

For each selected instance: the environment of its (repo, version) is built from the harness's
spec (or reused), then ``swebot batch evaluate`` runs twice, with the gold patch and with an empty
one, offline (no image is pulled: --image-namespace ''; sandboxes have no network). Prints one
row per repository: instances, gold resolved, empty resolved, errors, environment build time.

    nice -n 10 python bench/swebench_gold.py --filter 'psf__requests|pallets__flask'

Data: bench/swebench/make_data.py writes /work/data/swebench/lite_full.json (full records).
Repositories: local mirrors, ``--repo-source '/mirrors/{repo}'`` (owner/name folders).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from swebot.batch.dataset import load_instances, select  # noqa: E402
from swebot.batch.evaluate import EvaluateSettings, evaluate  # noqa: E402
from swebot.batch.repos import RepoCache  # noqa: E402
from swebot.errors import SwebotError  # noqa: E402


# Changes nothing the tests can see: the tests run on the base commit plus the test patch.
NOOP_PATCH = """diff --git a/SWEBOT_BENCH_NOOP b/SWEBOT_BENCH_NOOP
new file mode 100644
--- /dev/null
+++ b/SWEBOT_BENCH_NOOP
@@ -0,0 +1 @@
+no change
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--instances", type=Path, default=Path("/work/data/swebench/lite_full.json"))
    parser.add_argument("--filter", default="psf__requests|pallets__flask", help="instance id regex")
    parser.add_argument("--repo-source", default="/work/data/swebench/mirrors/{repo}",
                        help="owner/name folders of bare mirrors (symlinks to /work/.mirror/owner+name/repo)")
    parser.add_argument("--cache-dir", type=Path, default=Path("/tmp/swebench-gold/cache"))
    parser.add_argument("--out", type=Path, default=Path("/tmp/swebench-gold/out"))
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--test-timeout", type=float, default=1800)
    parser.add_argument("--run-empty", action="store_true",
                        help="run the tests for the 'empty' patch too (a patch adding one unrelated file), so the "
                             "FAIL_TO_PASS tests are seen failing; without it an empty patch is rejected unrun, as "
                             "the harness does")
    parser.add_argument("--only", choices=("gold", "empty"),
                        help="evaluate only this patch (the other's columns print '-')")
    args = parser.parse_args()

    instances = select(load_instances(args.instances), args.filter)
    if not instances:
        print("no instance matches --filter", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    cache = RepoCache(args.cache_dir, args.repo_source)

    # Environments first, one per (repo, version), so their build time is measured apart.
    from swebot.batch.specenv import ensure_spec_env

    build: dict[str, float] = defaultdict(float)
    build_errors: dict[tuple[str, str], str] = {}
    seen: set[tuple[str, str]] = set()
    for instance in instances:
        key = (instance.repo, instance.version)
        if key in seen:
            continue
        seen.add(key)
        started = time.monotonic()
        try:
            env = ensure_spec_env(instance, cache, on_progress=lambda m: print(f"  {m}", file=sys.stderr, flush=True))
            print(f"{instance.repo}@{instance.version}: {env.note}", file=sys.stderr, flush=True)
        except SwebotError as exc:
            build_errors[key] = str(exc)
            print(f"{instance.repo}@{instance.version}: {str(exc).splitlines()[0]}", file=sys.stderr, flush=True)
        build[instance.repo] += time.monotonic() - started
    (args.out / "build_errors.json").write_text(json.dumps({f"{r}@{v}": e for (r, v), e in build_errors.items()},
                                                           indent=1))

    settings = EvaluateSettings(workers=args.workers, sandbox="docker", repo_source=args.repo_source,
                                cache_dir=args.cache_dir, test_timeout=args.test_timeout, image_namespace="")
    reports: dict[str, dict | None] = {"gold": None, "empty": None}
    empty_patch = NOOP_PATCH if args.run_empty else ""
    for name, patch_of in (("gold", lambda i: i.patch), ("empty", lambda i: empty_patch)):
        if args.only not in (None, name):
            continue
        started = time.monotonic()
        report = evaluate(instances, {i.instance_id: patch_of(i) for i in instances}, settings, progress=sys.stderr)
        report["seconds"] = round(time.monotonic() - started, 1)
        (args.out / f"{name}.json").write_text(json.dumps(report, indent=1))
        reports[name] = report

    by_repo: dict[str, list] = defaultdict(list)
    for instance in instances:
        by_repo[instance.repo].append(instance.instance_id)
    gold, empty = reports["gold"], reports["empty"]

    def count(report: dict | None, ids: list[str], key: str) -> int | str:
        return "-" if report is None else sum(i in report[key] for i in ids)

    print(f"{'repository':<24} {'n':>3} {'gold resolved':>14} {'empty resolved':>15} {'errors':>7} {'build s':>8}")
    all_ids = [i for ids in by_repo.values() for i in ids]
    for repo, ids in [*sorted(by_repo.items()), ("total", all_ids)]:
        errors = count(gold if gold is not None else empty, ids, "error")
        seconds = build[repo] if repo != "total" else sum(build.values())
        print(f"{repo:<24} {len(ids):>3} {count(gold, ids, 'resolved'):>14} {count(empty, ids, 'resolved'):>15} "
              f"{errors:>7} {seconds:>8.0f}")
    print("evaluation time: " + ", ".join(f"{name} {r['seconds']}s" for name, r in reports.items() if r is not None))
    for name, done in reports.items():
        if done is None:
            continue
        wrong = [*done["unresolved"], *done["error"]] if name == "gold" else [*done["resolved"], *done["error"]]
        for iid in wrong:
            verdict = done["instances"][iid]
            failing = [*verdict["fail_to_pass_failing"], *verdict["pass_to_pass_failing"]]
            cause = verdict["error"].splitlines()[0] if verdict["error"] else ""
            print(f"{name} {verdict['outcome']}: {iid}: {len(failing)} failing, e.g. "
                  f"{', '.join(failing[:3])}{'; ' + cause if cause else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
