"""Bench: a 300-step session of a thinking model through the real OpenAI-compatible client, with
its reasoning echoed back, against the fake server on 127.0.0.1 (which requires the echo).

Each reply carries 4,000 characters of reasoning and OpenRouter-style ``reasoning_details``.
Prints, every N steps, the size of the request body the server received (characters of the
``messages`` JSON) and the wall time per call (request building, SDK, parsing, and the fake
server's own JSON work: it runs in this process). Target: the largest request, JSON syntax and
escapes counted as text at 4 characters a token, stays within the window (512k characters for
128k tokens) however many steps: stubs keep it under the compaction trigger for a few hundred
steps, then whole old turns are elided (try --steps 1000, or --context-tokens 8000).

    python3 bench/llm_reasoning_wire.py [--steps 300] [--every 25] [--context-tokens 128000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from swebot.agent.config import AgentSettings  # noqa: E402
from swebot.agent.files import Files  # noqa: E402
from swebot.agent.loop import AgentLoop  # noqa: E402
from swebot.agent.toolbox import Toolbox  # noqa: E402
from swebot.agent.tools import TOOLS, ToolContext  # noqa: E402
from swebot.models import Message  # noqa: E402
from swebot.models.openai_chat import OpenAIChatModel  # noqa: E402
from swebot.sandbox.local import LocalSandbox  # noqa: E402
from swebot.trajectory import Trajectory  # noqa: E402
from swebot.types import Budget  # noqa: E402
from tests.fake_openai import FakeOpenAI, completion, tool_call  # noqa: E402

THINKING = "Weighing what the last observation showed and where the bug could hide next. " * 52


class Timed:
    """The client, with the wall time of each call recorded."""

    def __init__(self, inner: OpenAIChatModel) -> None:
        self.inner, self.name, self.seconds = inner, inner.name, []  # type: ignore[var-annotated]

    def complete(self, messages: Sequence[Message], tools: Sequence[Any]) -> Any:
        start = time.perf_counter()
        try:
            return self.inner.complete(messages, tools)
        finally:
            self.seconds.append(time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--every", type=int, default=25)
    parser.add_argument("--context-tokens", type=int, default=AgentSettings().context_tokens)
    args = parser.parse_args()

    def reply(n: int) -> Any:
        details = [{"type": "reasoning.text", "text": f"detail {n}", "signature": "s" * 64}]
        return lambda _body: completion(calls=[tool_call("view", {"path": "big.py", "start": 1 + (n * 37) % 1900})],
                                        reasoning=f"step {n}: {THINKING}", reasoning_details=details)

    settings = AgentSettings(context_tokens=args.context_tokens)
    with tempfile.TemporaryDirectory(prefix="swebot-bench-") as tmp:
        repo = Path(tmp, "repo")
        repo.mkdir()
        (repo / "big.py").write_text("".join(f"def f{i}(x):\n    return x + {i}  # {'pad ' * 8}\n"
                                             for i in range(1000)))
        subprocess.run("git init -q && git add -A && git -c user.name=b -c user.email=b@l commit -qm i",
                       shell=True, cwd=repo, check=True)
        with FakeOpenAI([reply(n) for n in range(args.steps)], require_reasoning_echo=True) as server, \
                LocalSandbox(repo) as sandbox:
            model = Timed(OpenAIChatModel("fake-thinker", base_url=server.base_url, api_key=""))
            toolbox = Toolbox(TOOLS, ToolContext(sandbox=sandbox, files=Files(sandbox), settings=settings),
                              limit=settings.observation_chars)
            outcome = AgentLoop(model, toolbox, Trajectory(None, {}), settings,  # type: ignore[arg-type]
                                Budget(max_steps=args.steps), lambda *_: None).run(
                [Message("system", "You repair code."), Message("user", "Read big.py.")])
            sizes = [len(json.dumps(r.body["messages"])) for r in server.requests]
            refused = server.rejected_for_reasoning
    assert outcome.state.steps == args.steps, outcome
    print(f"{'step':>5} {'request chars':>14} {'call ms':>10}")
    for i in [*range(0, args.steps, args.every), args.steps - 1]:
        print(f"{i + 1:>5} {sizes[i]:>14,} {model.seconds[i] * 1000:>10.1f}")
    first = statistics.median(model.seconds[:50])
    last = statistics.median(model.seconds[-50:])
    bound = settings.context_tokens * 4
    print(f"\nlargest request: {max(sizes):,} chars (bound {bound:,.0f}); refused for missing reasoning: {refused}")
    print(f"time per call: median {first * 1000:.1f} ms over the first 50, {last * 1000:.1f} ms over the "
          f"last 50; total {sum(model.seconds):.1f} s for {args.steps} calls")
    ok = max(sizes) < bound and refused == 0
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
