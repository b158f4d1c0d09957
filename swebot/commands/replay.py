"""``swebot replay TRAJ``: re-run a recorded LLM session against its recorded model replies
(a scripted model, no network) and say whether it reaches the same patch (exit 0) or not (1)."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from swebot.errors import BadInput
from swebot.leftovers import owned_tempdir

EXIT_SAME, EXIT_DIFFERENT = 0, 1


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "replay",
        help="re-run a recorded LLM session offline and check it reaches the same patch",
        description="Replays TRAJ's recorded model replies through the real tools and tests on a fresh copy "
        "of the repository at its baseline. Exit status: 0 same patch, 1 different patch, 2 bad input.",
    )
    parser.add_argument("trajectory", metavar="TRAJ", type=Path, help="a trajectory.json written by swebot fix")
    parser.add_argument("--repo", type=Path, help="the repository the session started from "
                        "(default: the recorded workspace, checked out at its baseline commit)")
    parser.add_argument("--show-diff", action="store_true", help="print both patches when they differ")
    parser.set_defaults(handler=run)


@dataclass(frozen=True)
class ReplayResult:
    same: bool
    recorded_patch: str
    replayed_patch: str
    steps: int
    trajectory: Path


def prepare_workspace(source: Path, commit: str | None, dest: Path) -> Path:
    """A fresh git workspace at ``dest`` holding ``source`` at ``commit`` (or as it is on disk)."""
    from swebot import vcs  # here, not at import: every command's parser imports this module

    dest.mkdir(parents=True)
    if commit and vcs.run(source, "cat-file", "-e", f"{commit}^{{commit}}").returncode == 0:
        archive = vcs.run(source, "archive", "--format=tar", commit, text=False)
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    else:
        from swebot.workspace import snapshot

        ws = snapshot(source, parent_dir=dest.parent)
        shutil.copytree(ws.path, dest, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".git"))
        ws.cleanup()
    vcs.git(dest, "init", "-q")
    exclude = dest / ".git" / "info" / "exclude"
    exclude.parent.mkdir(parents=True, exist_ok=True)
    exclude.write_text("/.swebot/\n__pycache__/\n*.pyc\n.pytest_cache/\n")
    vcs.git(dest, "add", "-A")
    vcs.git(dest, "commit", "-q", "--allow-empty", "--no-verify", "-m", "swebot baseline (replay)")
    return dest


def replay(trajectory: Path, *, repo: Path | None = None, out: Path | None = None) -> ReplayResult:
    """Replay ``trajectory`` and compare the patch it reaches with the recorded one."""
    from swebot import trajectory as traj
    from swebot.agent.config import LLMSettings
    from swebot.engines.llm import LLMEngine
    from swebot.models.scripted import ScriptedModel
    from swebot.sandbox.local import LocalSandbox
    from swebot.types import Budget, Task

    try:
        data = traj.load(trajectory)
    except (OSError, ValueError) as exc:
        raise BadInput(f"cannot read the trajectory {trajectory}: {exc}") from None
    meta, recorded = data["meta"], data.get("result") or {}
    source = Path(repo or meta["task"]["workspace"])
    if not source.is_dir():
        raise BadInput(f"the recorded repository {source} is gone", hint="pass --repo PATH (the original tree)")
    settings_data = {k: v for k, v in meta["settings"].items() if k != "resolved"}
    holder = owned_tempdir("swebot-replay-")
    try:
        workspace = prepare_workspace(source, None if repo else meta.get("baseline_commit"), holder / "repo")
        out_path = out or trajectory.with_name(trajectory.stem + ".replay.json")
        settings = LLMSettings(**{**settings_data, "trajectory_path": str(out_path), "show_thinking": False})
        model = ScriptedModel(traj.replies(data), name=meta.get("model", "scripted"))
        t = meta["task"]
        task = Task(workspace=workspace, test_command=t["test_command"], test_cwd=t["test_cwd"],
                    issue=t["issue"], test_timeout=t["test_timeout"])
        b = meta["budget"]
        budget = Budget(max_steps=b["max_steps"], max_cost=b["max_cost"], max_tokens=b["max_tokens"])
        with LocalSandbox(workspace) as sandbox:
            result = LLMEngine(settings, model=model).repair(task, sandbox, budget, lambda *_: None)
    finally:
        shutil.rmtree(holder, ignore_errors=True)
    before = recorded.get("patch", "")
    steps = result.details.get("steps", 0)
    return ReplayResult(result.patch == before, before, result.patch, steps if isinstance(steps, int) else 0, out_path)


def run(args: argparse.Namespace, stdout: TextIO | None = None) -> int:
    out = stdout or sys.stdout
    res = replay(args.trajectory, repo=args.repo)
    if res.same:
        print(f"same patch: the replay of {res.steps} steps reached the recorded patch "
              f"({len(res.replayed_patch.splitlines())} lines). Replay trajectory: {res.trajectory}", file=out)
        return EXIT_SAME
    print(f"DIFFERENT patch after {res.steps} replayed steps. Replay trajectory: {res.trajectory}", file=out)
    if args.show_diff:
        print("--- recorded patch ---\n" + res.recorded_patch + "\n--- replayed patch ---\n" + res.replayed_patch,
              file=out)
    return EXIT_DIFFERENT
