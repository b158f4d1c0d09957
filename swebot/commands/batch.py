"""``swebot batch run|evaluate``: SWE-bench-style batch runs that resume, and their evaluation."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from swebot.errors import BadInput

if TYPE_CHECKING:  # pydantic models: loaded when the command runs, not for --help
    from swebot.agent.config import LLMSettings
    from swebot.batch.settings import BatchSettings

EXIT_COMPLETE, EXIT_INCOMPLETE = 0, 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "batch",
        help="run or evaluate SWE-bench-style instances in bulk",
        description="Batch repair of SWE-bench instances (run) and their evaluation (evaluate).",
    )
    sub = parser.add_subparsers(dest="batch_command", metavar="SUBCOMMAND")
    _register_run(sub)
    _register_evaluate(sub)
    parser.set_defaults(handler=lambda args: (parser.print_help(), 2)[1])


def _register_run(sub: argparse._SubParsersAction) -> None:
    run = sub.add_parser(
        "run",
        help="repair every selected instance; resumable",
        description="Repair each selected instance on a fresh worktree at its base commit and append its "
        "patch to DIR/preds.jsonl. A rerun skips finished instances. Exit status: 0 all finished, "
        "1 some were cut by --max-total-cost or ended in error, 2 bad input, 3 environment problem.",
    )
    _instance_arguments(run)
    run.add_argument("--output", metavar="DIR", type=Path, required=True,
                     help="output folder: preds.jsonl, summary.json, instances/<id>/")
    run.add_argument("--workers", metavar="N", type=int, default=1, help="instances in parallel (default 1)")
    run.add_argument("--engine", choices=("builtin", "llm", "auto"), default="builtin",
                     help="builtin (no model, default), llm, or auto")
    run.add_argument("--sandbox", choices=("auto", "docker", "local"), default="auto",
                     help="where tests run when no SWE-bench image of the instance is present (default auto)")
    run.add_argument("--max-total-cost", metavar="USD", type=float, default=0.0,
                     help="budget across all workers and reruns; no model call starts once it is spent "
                     "(default 0 = no limit)")
    run.add_argument("--redo", action="store_true", help="redo the selected instances even if finished")
    run.add_argument("--oracle-tests", action="store_true",
                     help="development runs: apply the instance's test_patch and give the engine "
                     "FAIL_TO_PASS (+ PASS_TO_PASS) as its tests (recorded in the output)")
    run.add_argument("--hints", action="store_true", help="also give the engine the instance's hints_text")
    run.add_argument("--executor", choices=("local", "ray"), default="local",
                     help="local process pool (default) or Ray tasks")
    run.add_argument("--ray-address", metavar="ADDR",
                     help="an existing Ray cluster (default: start a local one)")
    run.add_argument("--repo-source", metavar="TEMPLATE", default="https://github.com/{repo}.git",
                     help="where repositories come from, {repo} = owner/name "
                     "(default https://github.com/{repo}.git; a mirror folder like /mirrors/{repo} works)")
    run.add_argument("--cache-dir", metavar="DIR", type=Path,
                     help="bare-clone cache (default $SWEBOT_CACHE_DIR or ~/.cache/swebot/repos)")
    run.add_argument("--time-limit", metavar="SECONDS", type=float, default=1800.0,
                     help="wall-time limit per instance (default 1800; 0 = none)")
    run.add_argument("--max-candidates", metavar="N", type=int, default=0,
                     help="builtin engine: candidates per instance (default 0 = no limit)")
    run.add_argument("--test-timeout", metavar="SECONDS", type=float, default=300.0,
                     help="timeout of one test run (default 300)")
    run.add_argument("--attempts", metavar="N", type=int, default=1,
                     help="LLM engines: up to N independent attempts per instance, the patch chosen by "
                     "test evidence (default 1); they share the instance's limits")
    _image_arguments(run)
    run.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    run.add_argument("--json", action="store_true", help="print the summary as JSON")
    from swebot.commands.llm_options import add_llm_arguments

    add_llm_arguments(run)
    run.set_defaults(handler=run_command)


def _register_evaluate(sub: argparse._SubParsersAction) -> None:
    evaluate = sub.add_parser(
        "evaluate",
        help="apply predictions and the hidden tests; report resolved/unresolved/error",
        description="For each prediction: a fresh worktree at base_commit, the model patch, then the test_patch; "
        "run FAIL_TO_PASS and PASS_TO_PASS. Resolved = all of them pass. Exit status: 0 done, 2 bad input, "
        "3 environment problem.",
    )
    _instance_arguments(evaluate)
    evaluate.add_argument("--predictions", metavar="FILE", type=Path, required=True,
                          help="preds.jsonl (or a JSON list) in the SWE-bench predictions format")
    evaluate.add_argument("--workers", metavar="N", type=int, default=1)
    evaluate.add_argument("--report", metavar="FILE", type=Path,
                          help="write JSON with lists resolved, unresolved, error (and per-instance details)")
    evaluate.add_argument("--sandbox", choices=("auto", "docker", "local"), default="auto")
    evaluate.add_argument("--repo-source", metavar="TEMPLATE", default="https://github.com/{repo}.git")
    evaluate.add_argument("--cache-dir", metavar="DIR", type=Path)
    evaluate.add_argument("--test-timeout", metavar="SECONDS", type=float, default=1800.0)
    _image_arguments(evaluate)
    evaluate.add_argument("--json", action="store_true", help="print the report as JSON")
    evaluate.set_defaults(handler=evaluate_command)


def _image_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-swebench-images", action="store_true",
                        help="never use SWE-bench instance images (sweb.eval.*), always --sandbox")
    parser.add_argument("--image-namespace", metavar="NS", default=None,
                        help="pull missing instance images as NS/sweb.eval.x86_64.<id>:latest (default swebench, "
                        "or $SWEBOT_IMAGE_NAMESPACE; '' = never pull, local images only)")


def _instance_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--instances", metavar="FILE|NAME", required=True,
                        help="SWE-bench instances: a JSON, JSONL or parquet file, or a dataset name such as "
                        "princeton-nlp/SWE-bench_Lite (needs swebot[datasets])")
    parser.add_argument("--split", default="test", help="the dataset's split (default test)")
    parser.add_argument("--filter", metavar="REGEX", help="only instances whose id matches (re.search)")
    parser.add_argument("--slice", metavar="A:B", dest="slice_", help="then only this slice of them")


def _selected(args: argparse.Namespace) -> list:
    from swebot.batch.dataset import load_instances, select

    instances = select(load_instances(args.instances, args.split), args.filter, args.slice_)
    if not instances:
        raise BadInput("no instance matches --filter/--slice")
    return instances


def _llm_settings(args: argparse.Namespace) -> LLMSettings | None:
    if args.engine == "builtin" or not getattr(args, "model", None):
        return None
    from swebot.commands.llm_options import llm_settings_from_args

    return llm_settings_from_args(args)


def run_settings(args: argparse.Namespace) -> BatchSettings:
    from pydantic import ValidationError

    from swebot.batch.settings import BatchSettings

    try:
        return BatchSettings(
            output=args.output, workers=args.workers, engine=args.engine, llm=_llm_settings(args),
            sandbox=args.sandbox, max_total_cost=args.max_total_cost, redo=args.redo,
            oracle_tests=args.oracle_tests, hints=args.hints, executor=args.executor,
            ray_address=args.ray_address, repo_source=args.repo_source, cache_dir=args.cache_dir,
            time_limit=args.time_limit, max_candidates=args.max_candidates,
            max_steps=getattr(args, "max_steps", 0) or 0, max_cost=getattr(args, "max_cost", 0.0) or 0.0,
            max_tokens=getattr(args, "max_tokens", 0) or 0,
            test_timeout=args.test_timeout, use_swebench_images=not args.no_swebench_images,
            image_namespace=args.image_namespace,
            attempts=args.attempts,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        option = f"--{where.replace('_', '-')}" if where else "options"
        raise BadInput(f"{option}: {first['msg']}") from exc


def run_command(args: argparse.Namespace) -> int:
    from swebot.batch.driver import run_batch
    from swebot.batch.repos import check_template

    check_template(args.repo_source)
    settings = run_settings(args)
    instances = _selected(args)
    if args.engine == "builtin" and not args.oracle_tests and not args.json:
        print("swebot: note: the builtin engine repairs from failing tests; without --oracle-tests an "
              "instance has none, so expect 'nothing_to_fix' (use --engine llm or auto)", file=sys.stderr)
    outcome = run_batch(instances, settings, None if (args.quiet or args.json) else sys.stderr)
    summary = outcome.summary
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        counts = summary["status_counts"]
        print(f"{summary['finished']}/{summary['total']} finished: "
              + ", ".join(f"{k} {v}" for k, v in counts.items() if v)
              + f"; cost ${summary['cost']:.4f}, {summary['tokens']} tokens")
        if summary["cut"]:
            print(f"cut by --max-total-cost: {', '.join(summary['cut'])}")
        for iid, message in summary["errors"].items():
            print(f"error in {iid}: {message.splitlines()[0] if message else '?'}")
        print(f"predictions: {Path(args.output) / 'preds.jsonl'}  summary: {Path(args.output) / 'summary.json'}")
    return EXIT_COMPLETE if outcome.complete else EXIT_INCOMPLETE


def evaluate_command(args: argparse.Namespace) -> int:
    from swebot.batch.evaluate import EvaluateSettings, evaluate, load_predictions
    from swebot.batch.repos import check_template

    check_template(args.repo_source)
    if args.workers < 1 or args.test_timeout <= 0:
        raise BadInput("--workers must be >= 1 and --test-timeout > 0")
    instances = _selected(args)
    predictions = load_predictions(args.predictions)
    settings = EvaluateSettings(workers=args.workers, sandbox=args.sandbox, repo_source=args.repo_source,
                                cache_dir=args.cache_dir, test_timeout=args.test_timeout,
                                use_swebench_images=not args.no_swebench_images,
                                image_namespace=args.image_namespace)
    report = evaluate(instances, predictions, settings, progress=None if args.json else sys.stderr, notes=sys.stderr)
    if args.report:
        from swebot.batch.store import write_json_atomic

        write_json_atomic(args.report, report)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        total = report["total"]
        print(f"resolved {len(report['resolved'])}/{total}, unresolved {len(report['unresolved'])}, "
              f"error {len(report['error'])}"
              + (f", no prediction {len(report['missing'])}" if report["missing"] else ""))
        for iid in report["resolved"]:
            print(f"  resolved    {iid}")
        for iid in report["unresolved"]:
            note = report["instances"][iid].get("error", "")
            print(f"  unresolved  {iid}" + (f": {note.splitlines()[0]}" if note else ""))
        for iid in report["error"]:
            print(f"  error       {iid}: {report['instances'][iid].get('error', '')}")
    return 0
