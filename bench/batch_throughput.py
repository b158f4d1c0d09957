"""Batch throughput: instances per minute with 1 and 2 workers, and the overhead per instance
outside the engine (repository clone/fetch, worktree, workspace snapshot, sandbox start).

Runs `swebot batch run` on the generated SWE-bench-format dataset of tests/swebench_fixtures.py
(a few more copies of it with --copies), with the LLM engine against the scripted fake OpenAI
server on 127.0.0.1, so that engine time is two short model calls and the batch machinery
dominates. The first run starts from an empty repository cache (cold); later runs reuse it (warm).

    python3 bench/batch_throughput.py [--copies 2] [--sandbox local|docker|auto] [--workers 1 2]

Target: overhead < 10 s per instance with a warm cache.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from tests.fake_openai import FakeOpenAI
from tests.swebench_fixtures import build_dataset, llm_responder


def _copies(dataset, copies: int) -> list[dict]:
    """The dataset's instances, repeated under new ids (same repositories and commits)."""
    out = []
    for n in range(copies):
        for instance in dataset.instances:
            out.append({**instance, "instance_id": instance["instance_id"] + (f"-c{n}" if n else "")})
    return out


def _engine_start(run_log: Path) -> float | None:
    """Seconds from run_fix's start to the engine's start (snapshot + sandbox + baseline if any)."""
    try:
        for line in run_log.read_text().splitlines():
            event = json.loads(line)
            if event.get("event") == "stage" and event.get("name") == "engine":
                return float(event["t"])
    except (OSError, ValueError):
        return None
    return None


def run_once(args: argparse.Namespace, instances: Path, repo_source: str, server: FakeOpenAI,
             output: Path, cache: Path, workers: int, redo: bool) -> dict:
    command = [sys.executable, "-m", "swebot", "batch", "run", "--instances", str(instances),
               "--output", str(output), "--workers", str(workers), "--engine", "llm",
               "--model", "gpt-4o-mini", "--base-url", server.base_url, "--sandbox", args.sandbox,
               "--repo-source", repo_source, "--json", *(["--redo"] if redo else [])]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "SWEBOT_CACHE_DIR": str(cache)}
    started = time.monotonic()
    proc = subprocess.run(command, env=env, capture_output=True, text=True)
    wall = time.monotonic() - started
    if proc.returncode not in (0, 1):
        raise SystemExit(f"batch run failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    summary = json.loads(proc.stdout)
    setup, total = [], []
    for instance_id in summary["instances"]:
        folder = output / "instances" / instance_id
        result = json.loads((folder / "result.json").read_text())
        engine_start = _engine_start(folder / "run.log") or 0.0
        setup.append(result["overhead_seconds"])
        total.append(result["overhead_seconds"] + engine_start)
    n = summary["total"]
    return {"workers": workers, "instances": n, "wall": wall, "per_minute": n / wall * 60,
            "clone_worktree": statistics.mean(setup), "overhead": statistics.mean(total),
            "overhead_max": max(total), "fixed": summary["status_counts"]["fixed"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=2, help="dataset copies (5 instances each)")
    parser.add_argument("--sandbox", choices=("local", "docker", "auto"), default="local")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="swebot-bench-batch-") as tmp:
        root = Path(tmp)
        dataset = build_dataset(root / "data")
        instances = root / "instances.jsonl"
        instances.write_text("".join(json.dumps(i) + "\n" for i in _copies(dataset, args.copies)))
        cache = root / "cache"
        rows = []
        with FakeOpenAI([llm_responder(dataset)] * 10_000) as server:
            rows.append(("cold cache", run_once(args, instances, dataset.repo_source, server, root / "out-cold",
                                                cache, args.workers[0], False)))
            for workers in args.workers:
                rows.append(("warm cache", run_once(args, instances, dataset.repo_source, server,
                                                    root / f"out-{workers}", cache, workers, True)))
    print(f"batch throughput: {rows[0][1]['instances']} instances, sandbox {args.sandbox}, "
          f"fake LLM engine (2 calls per instance), {os.cpu_count()} CPUs")
    print(f"{'run':<11} {'workers':>7} {'wall s':>8} {'inst/min':>9} {'clone+wt s':>11} "
          f"{'overhead s':>11} {'max s':>7} {'fixed':>6}")
    for label, r in rows:
        print(f"{label:<11} {r['workers']:>7} {r['wall']:>8.1f} {r['per_minute']:>9.1f} {r['clone_worktree']:>11.2f} "
              f"{r['overhead']:>11.2f} {r['overhead_max']:>7.2f} {r['fixed']:>6}")
    warm = [r for label, r in rows if label == "warm cache"]
    worst = max(r["overhead"] for r in warm)
    print(f"overhead per instance outside the engine (warm cache, mean): {worst:.2f} s "
          f"({'meets' if worst < 10 else 'misses'} the < 10 s target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
