"""The trajectory record: atomic saves, round trips, secrets scrubbed, replies for replay."""

from __future__ import annotations

import json
from pathlib import Path

from swebot import trajectory
from swebot.models import Message, ToolCall, Usage
from swebot.trajectory import Trajectory

SECRET = 'sk-live-"quoted"-123456'


def test_save_round_trips_and_scrubs_secrets(tmp_path: Path) -> None:
    path = tmp_path / "run" / "trajectory.json"
    t = Trajectory(path, {"model": "m", "note": f"key {SECRET}"}, secrets=[SECRET])
    t.add_message(Message("system", "sys"))
    i = t.add_message(Message("assistant", "", "think", (ToolCall("c1", "bash", json.dumps({"command": f"echo {SECRET}"})),)))
    t.add_message(Message("tool", f"out {SECRET}", tool_call_id="c1", name="bash"))
    t.add_step({"n": 1, "reply_index": i, "usage": Usage(10, 5, 2, 1).to_dict(), "cost": 0.5, "tools": []})
    t.result = {"status": "not_fixed", "patch": ""}
    t.save()
    text = path.read_text()
    assert SECRET not in text and json.dumps(SECRET)[1:-1] not in text and text.count("[REDACTED]") == 3
    data = trajectory.load(path)
    assert data["messages"][1]["reasoning"] == "think"
    assert data["result"]["status"] == "not_fixed"
    replies = trajectory.replies(data)
    assert len(replies) == 1 and replies[0].usage == Usage(10, 5, 2, 1) and replies[0].cost == 0.5
    assert replies[0].message.tool_calls[0].name == "bash"
    assert [p.name for p in path.parent.iterdir()] == ["trajectory.json"]  # no temp file left behind


def test_saving_again_replaces_the_file(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    t = Trajectory(path, {})
    t.save()
    first = trajectory.load(path)
    t.add_message(Message("user", "more"))
    t.save()
    assert first["messages"] == [] and trajectory.load(path)["messages"] == [{"role": "user", "content": "more"}]
