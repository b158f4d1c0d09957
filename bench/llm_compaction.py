"""Bench: a scripted 300-step LLM session, with and without history compaction.

Prints the prompt size (estimated tokens) the model would get at each step, and the harness time
per step (everything except the model call and test/bash runs: tools, compaction, trajectory).
Targets: largest prompt >= 60% smaller with compaction; < 50 ms harness time per step.

    python3 bench/llm_compaction.py [--steps 300] [--every 25]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from swebot.agent.compaction import estimate_tokens  # noqa: E402
from swebot.agent.config import AgentSettings  # noqa: E402
from swebot.agent.files import Files  # noqa: E402
from swebot.agent.loop import AgentLoop  # noqa: E402
from swebot.agent.toolbox import Toolbox  # noqa: E402
from swebot.agent.tools import TOOLS, ToolContext  # noqa: E402
from swebot.models import Message, ModelReply, ScriptedModel, ToolCall, Usage  # noqa: E402
from swebot.sandbox.local import LocalSandbox  # noqa: E402
from swebot.trajectory import Trajectory  # noqa: E402
from swebot.types import Budget  # noqa: E402

MODULE = "".join(
    f"class Widget{i}:\n    def render(self, x):\n        return x * {i}  # {'padding ' * 6}\n\n"
    for i in range(600)
)


def make_repo(root: Path) -> Path:
    repo = root / "repo"
    (repo / "app").mkdir(parents=True)
    (repo / "app" / "widgets.py").write_text(MODULE)
    (repo / "app" / "__init__.py").write_text("")
    env = "-c user.name=bench -c user.email=bench@localhost"
    subprocess.run(f"git init -q && git add -A && git {env} commit -qm init", shell=True, cwd=repo, check=True)
    return repo


def script(steps: int) -> list[ModelReply]:
    """A plausible mix: mostly views, some searches and outlines, an edit and an undo now and then."""
    replies = []
    for n in range(steps):
        kind = n % 10
        if kind in (0, 1, 2, 3, 4, 5):
            name, args = "view", {"path": "app/widgets.py", "start": 1 + (n * 53) % 2300}
        elif kind == 6:
            name, args = "search", {"pattern": f"Widget{n % 600}\\b", "regex": True}
        elif kind == 7:
            name, args = "find_symbol", {"name": f"Widget{n % 600}.render"}
        elif kind == 8:
            name, args = "edit_symbol", {"path": "app/widgets.py", "symbol": f"Widget{n % 600}.render",
                                         "code": f"def render(self, x):\n    return x * {n} + 1\n"}
        else:
            name, args = "undo", {}
        call = ToolCall(f"call_{n}", name, json.dumps(args))
        reasoning = f"Step {n}: " + "weighing what the last observation showed and what to look at next. " * 8
        replies.append(ModelReply(Message("assistant", "", reasoning, (call,)), Usage(1000, 100)))
    return replies


def session(repo: Path, steps: int, settings: AgentSettings, out: Path) -> tuple[list[int], list[dict]]:
    model = ScriptedModel(script(steps))
    sandbox = LocalSandbox(repo)
    toolbox = Toolbox(TOOLS, ToolContext(sandbox=sandbox, files=Files(sandbox), settings=settings),
                      limit=settings.observation_chars)
    traj = Trajectory(out, {"bench": True})
    history = [Message("system", "You repair code. " * 60), Message("user", "The widgets render wrong. " * 40)]
    outcome = AgentLoop(model, toolbox, traj, settings, Budget(max_steps=steps), lambda *_: None).run(history)
    assert outcome.state.steps == steps, outcome
    subprocess.run(["git", "checkout", "-q", "--", "."], cwd=repo, check=True)
    tokens = [estimate_tokens(messages) for messages, _ in model.calls]
    return tokens, json.loads(out.read_text())["steps"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--every", type=int, default=25, help="print every N-th step")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="swebot-bench-") as tmp:
        root = Path(tmp)
        repo = make_repo(root)
        on, recorded = session(repo, args.steps, AgentSettings(), root / "on.json")
        harness = [s["harness_seconds"] for s in recorded]
        off_settings = AgentSettings(keep_recent=10**6, compact_batch=10**6, context_tokens=10**9)
        off, _ = session(repo, args.steps, off_settings, root / "off.json")
    print(f"{'step':>5} {'prompt tokens (compacted)':>26} {'prompt tokens (full)':>21} {'harness ms':>11}")
    for i in range(0, args.steps, args.every):
        print(f"{i + 1:>5} {on[i]:>26,} {off[i]:>21,} {harness[i] * 1000:>11.1f}")
    print(f"{args.steps:>5} {on[-1]:>26,} {off[-1]:>21,} {harness[-1] * 1000:>11.1f}")
    reduction = 1 - max(on) / max(off)
    ms = sorted(h * 1000 for h in harness)
    print(f"\nlargest prompt: {max(on):,} tokens compacted vs {max(off):,} full "
          f"-> {reduction:.0%} smaller (target >= 60%)")
    print(f"harness time per step: mean {statistics.mean(ms):.1f} ms, median {statistics.median(ms):.1f} ms, "
          f"p95 {ms[int(len(ms) * 0.95) - 1]:.1f} ms, max {ms[-1]:.1f} ms (target mean < 50 ms)")
    by_tool: dict[str, list[float]] = {}
    for s in recorded:
        by_tool.setdefault(s["tools"][0]["name"], []).append(s["harness_seconds"] * 1000)
    print("by tool (mean ms): " + ", ".join(f"{k} {statistics.mean(v):.1f}" for k, v in by_tool.items())
          + "  (search/find_symbol spawn git grep; edits parse the 2,400-line file)")
    ok = reduction >= 0.60 and statistics.mean(ms) < 50
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
