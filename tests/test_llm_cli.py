"""``swebot fix --engine llm`` and ``swebot replay`` from the command line, against a fake
OpenAI-compatible server on loopback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import pytest

from swebot.cli import main
from tests.fake_openai import FakeOpenAI, call_reply

FILES = {
    "textutil.py": '''
        def shout(text):
            return text.lower() + "!"
        ''',
}
KEY = "sk-moonshot-cli-secret-42"
REPRO = "from textutil import shout\n\n\ndef test_shout():\n    assert shout('hi') == 'HI!'\n"


def test_fix_with_llm_engine_then_replay(make_repo: Callable[..., Path], tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(FILES)
    monkeypatch.setenv("SWEBOT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("MOONSHOT_API_KEY", KEY)
    script = [
        call_reply("find_symbol", {"name": "shout"}, reasoning="Where is shout defined?"),
        call_reply("create_file", {"path": "tests/test_shout.py", "content": REPRO}, reasoning="Reproduce it first."),
        call_reply("reproduce", {"path": "tests/test_shout.py"}, reasoning="Check that it fails."),
        call_reply("str_replace", {"path": "textutil.py", "old_str": "text.lower()", "new_str": "text.upper()"},
                   reasoning="It lowercases; shouting is uppercase."),
        call_reply("submit", {"summary": "shout() upper-cases"}, reasoning="Done."),
    ]
    with FakeOpenAI(script, require_reasoning_echo=True) as server:
        status = main(["fix", str(repo), "--engine", "llm", "--issue", "shout('hi') gives 'hi!' not 'HI!'",
                       "--model", "kimi-k2-thinking", "--base-url", server.base_url, "--sandbox", "local",
                       "--show-thinking", "--json"])
    out, err = capsys.readouterr()
    assert status == 0, (out, err)
    report = json.loads(out)
    assert report["status"] == "fixed"
    assert "+    return text.upper() + \"!\"" in report["patch"]
    assert "test_shout" not in report["patch"]  # the reproduction is left out without --keep-tests
    assert report["details"]["reproduction"]["accepted"][0]["tests"] == ["tests/test_shout.py::test_shout"]
    assert "Where is shout defined?" in err and "It lowercases" in err  # --show-thinking streamed it
    assert KEY not in out + err
    assert all(r.body.get("stream") is True for r in server.requests)
    assert server.rejected_for_reasoning == 0
    task_prompt = server.requests[0].body["messages"][1]["content"]
    assert "<issue>\nshout('hi') gives 'hi!' not 'HI!'\n</issue>" in task_prompt
    assert "Places that look related" in task_prompt and "- textutil.py: shout (1-2)" in task_prompt
    trajectory = Path(report["details"]["trajectory"])
    assert trajectory == Path(report["run_dir"]) / "trajectory.json"  # recorded in the run folder
    assert trajectory.is_file() and KEY not in trajectory.read_text()
    assert (repo / "textutil.py").read_text().count("lower") == 1  # the user's tree is untouched

    # the workspace is gone; replay on the user's (unchanged) tree, offline
    assert main(["replay", str(trajectory), "--repo", str(repo)]) == 0
    assert "same patch" in capsys.readouterr().out
