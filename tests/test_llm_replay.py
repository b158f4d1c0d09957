"""``swebot replay``: a recorded session replays offline to the same patch (exit 0), a
tampered one does not (exit 1)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from swebot.agent.config import AgentSettings, LLMSettings
from swebot.cli import main
from swebot.engines.llm import LLMEngine
from swebot.sandbox.local import LocalSandbox
from swebot.types import Budget, Task
from swebot.workspace import snapshot
from tests.fake_openai import FakeOpenAI, call_reply

FILES = {
    "shop/cart.py": '''
        class Cart:
            def __init__(self):
                self.items = []

            def total(self):
                return sum(price for price, qty in self.items)
        ''',
}
NEW_TOTAL = "def total(self):\n    return sum(price * qty for price, qty in self.items)\n"


def record(make_repo: Callable[..., Path], tmp_path: Path) -> tuple[Path, str]:
    ws = snapshot(make_repo(FILES))
    script = [
        call_reply("outline", {"path": "shop/cart.py"}, reasoning="where is total?"),
        call_reply("edit_symbol", {"path": "shop/cart.py", "symbol": "Cart.total", "code": NEW_TOTAL}),
        call_reply("create_file", {"path": "shop/NOTES.md", "content": "total counts quantities\n"}),
        call_reply("submit", {"summary": "multiply by quantity"}),
    ]
    traj = tmp_path / "run" / "trajectory.json"
    with FakeOpenAI(script) as server:
        # no reproduction step: the replay must honour the recorded agent settings to reach the same patch
        settings = LLMSettings(model="deepseek-chat", base_url=server.base_url, trajectory_path=traj,
                               agent=AgentSettings(reproduce=False))
        engine = LLMEngine(settings, environ={"DEEPSEEK_API_KEY": "sk-deepseek-secret"})
        task = Task(workspace=ws.path, test_command=None, issue="Cart.total ignores quantities")
        with LocalSandbox(ws.path) as sandbox:
            result = engine.repair(task, sandbox, Budget(max_steps=10), lambda *_: None)
    assert result.status == "fixed" and "price * qty" in result.patch and "NOTES.md" in result.patch
    return traj, result.patch


def test_replay_reaches_the_same_patch_without_network(make_repo: Callable[..., Path], tmp_path: Path,
                                                       capsys) -> None:
    traj, patch = record(make_repo, tmp_path)
    assert main(["replay", str(traj)]) == 0
    assert "same patch: the replay of 4 steps" in capsys.readouterr().out
    replayed = json.loads(traj.with_name("trajectory.replay.json").read_text())
    assert replayed["result"]["patch"] == patch
    assert replayed["meta"]["settings"]["resolved"]["provider"] == "deepseek"


def test_replay_of_a_tampered_session_reports_a_different_patch(make_repo: Callable[..., Path],
                                                                tmp_path: Path, capsys) -> None:
    traj, _ = record(make_repo, tmp_path)
    data = json.loads(traj.read_text())
    edit = data["messages"][data["steps"][1]["reply_index"]]
    edit["tool_calls"][0]["arguments"] = edit["tool_calls"][0]["arguments"].replace("price * qty", "qty")
    traj.write_text(json.dumps(data))
    assert main(["replay", str(traj), "--show-diff"]) == 1
    out = capsys.readouterr().out
    assert "DIFFERENT patch" in out and "+        return sum(qty for price, qty in self.items)" in out


def test_replay_of_a_missing_file_is_bad_input(tmp_path: Path, capsys) -> None:
    assert main(["replay", str(tmp_path / "nope.json")]) == 2
    assert "cannot read the trajectory" in capsys.readouterr().err
