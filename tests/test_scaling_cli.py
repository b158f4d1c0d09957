"""``swebot fix --engine llm --attempts 3`` end to end: the CLI, a fake OpenAI-compatible server on
loopback answering each attempt by its seed, real pytest in local sandboxes."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, Callable

import pytest

from swebot.cli import main
from tests.fake_openai import FakeOpenAI, call_reply, completion

FILES = {
    "textutil.py": '''
        def shout(text):
            return text.lower() + "!"


        def whisper(text):
            return text.lower() + "..."
        ''',
    "tests/test_textutil.py": '''
        from textutil import whisper


        def test_whisper():
            assert whisper("HI") == "hi..."
        ''',
}
REPRO = 'from textutil import shout\n\n\ndef test_shout_upper():\n    assert shout("hi") == "HI!"\n'
FIXES = {1: 'text.upper() + "!"', 2: "(text.upper()) + '!'", 3: '"%s!" % text.upper()'}


def script(seed: int) -> list[dict[str, Any]]:
    return [
        call_reply("create_file", {"path": f"tests/test_repro_{seed}.py", "content": REPRO}),
        call_reply("reproduce", {"path": f"tests/test_repro_{seed}.py"}),
        call_reply("str_replace", {"path": "textutil.py", "old_str": 'text.lower() + "!"', "new_str": FIXES[seed]}),
        call_reply("submit", {"summary": "shout upper-cases"}),
    ]


def test_fix_with_three_attempts_through_the_cli(make_repo: Callable[..., Path], tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(FILES)
    monkeypatch.setenv("SWEBOT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("MOONSHOT_API_KEY", "sk-attempts-0123456789")
    scripts = {seed: script(seed) for seed in FIXES}
    lock = threading.Lock()

    def by_seed(body: dict[str, Any]) -> dict[str, Any]:
        with lock:
            steps = scripts[body["seed"]]
            return steps.pop(0) if steps else completion("nothing more to do")

    with FakeOpenAI([by_seed] * 40) as server:
        status = main(["fix", str(repo), "--engine", "llm", "--attempts", "3", "--issue", "shout('hi') gives 'hi!' not 'HI!'",
                       "--model", "kimi-k2-thinking", "--base-url", server.base_url, "--sandbox", "local", "--json"])
    out, err = capsys.readouterr()
    assert status == 0, (out, err)
    report = json.loads(out)
    assert report["status"] == "fixed" and report["engine"] == "llm"
    assert "-    return text.lower() + \"!\"" in report["patch"] and "upper()" in report["patch"]
    assert "test_repro" not in report["patch"]  # reproduction tests are left out without --keep-tests
    assert {r.body["seed"] for r in server.requests} <= {1, 2, 3} and len({r.body["seed"] for r in server.requests}) >= 2
    details = report["details"]
    assert len(details["attempts"]) == 3 and details["verified_by_tests"]
    selection = details["selection"]
    assert selection["winner"] in ("a1", "a2", "a3") and selection["reason"]
    assert all(c["evidence"]["plausible"] for c in selection["candidates"] if c["id"] in ("a1", "a2"))
    run_dir = Path(report["run_dir"])
    assert Path(details["trajectory"]).parent == run_dir
    assert json.loads(Path(details["trajectory"]).read_text())["selection"]["winner"] == selection["winner"]
    assert (repo / "textutil.py").read_text().count("lower") == 2  # the user's tree is untouched
