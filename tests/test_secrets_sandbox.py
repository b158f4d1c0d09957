"""Secrets swebot holds never reach a sandboxed process: the variable named by --api-key-env
(whatever its name), GITHUB_TOKEN, and any variable holding a copy of a held secret."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

from swebot.sandbox.local import LocalSandbox
from swebot.secrets import hold, sandbox_environment
from tests.fake_openai import FakeOpenAI, call_reply

KEY = "llm-key-7f3a9c0e5d"  # a plain name and value: nothing about them looks secret
GH = "ghp_fakeToken0123456789"


def test_held_variables_and_copies_are_dropped_names_that_look_secret_only_locally() -> None:
    env = {"MYLLM": KEY, "COPY_OF_IT": KEY, "IN_A_URL": f"https://u:{KEY}@example.invalid",
           "GITHUB_TOKEN": "x", "GH_TOKEN": "y", "PLAIN": "hello", "OPENAI_API_KEY": "z"}
    # before anything is held, only the GitHub names are always out
    assert set(sandbox_environment(env)) == {"MYLLM", "COPY_OF_IT", "IN_A_URL", "PLAIN", "OPENAI_API_KEY"}
    hold(KEY, name="MYLLM")
    assert set(sandbox_environment(env)) == {"PLAIN", "OPENAI_API_KEY"}
    assert set(sandbox_environment(env, by_name_pattern=True)) == {"PLAIN"}


def test_a_dummy_one_character_key_keeps_its_variable_out_but_not_every_value_1() -> None:
    hold("1", name="MYLLM")
    env = {"MYLLM": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    assert sandbox_environment(env) == {"PYTHONDONTWRITEBYTECODE": "1"}


def test_local_sandbox_drops_a_secret_held_after_it_was_opened(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MYLLM", KEY)
    monkeypatch.setenv("ANOTHER_NAME", KEY)
    with LocalSandbox(tmp_path) as sandbox:
        assert KEY in sandbox.execute("env", timeout=30).stdout  # an ordinary name: not yet known
        hold(KEY, name="MYLLM")
        shown = sandbox.execute("env", timeout=30, env={"PASSED_IN": KEY, "OK": "1"}).stdout
    assert KEY not in shown and "MYLLM" not in shown and "OK=1" in shown


FILES = {
    "textutil.py": "def shout(text):\n    return text.lower() + \"!\"\n",
    "tests/test_shout.py": "from textutil import shout\n\n\ndef test_shout():\n    assert shout('hi') == 'HI!'\n",
    # The code under repair looks for the secrets in its environment.
    "tests/test_spy.py": f'''
        import os


        def test_no_secret_in_my_environment():
            seen = "\\n".join(f"{{k}}={{v}}" for k, v in os.environ.items())
            for secret in ({KEY!r}, {GH!r}):
                assert secret not in seen
            assert "MYLLM" not in os.environ and "GITHUB_TOKEN" not in os.environ
        ''',
}


def _fix_with_key(make_repo: Callable[..., Path], swebot_cli: Callable[..., Any], sandbox: str,
                  extra_env: dict[str, str]) -> dict[str, Any]:
    repo = make_repo(FILES)
    script = [call_reply("bash", {"command": "env | sort"}),
              call_reply("str_replace", {"path": "textutil.py", "old_str": "text.lower()", "new_str": "text.upper()"}),
              call_reply("submit", {"summary": "upper"})]
    with FakeOpenAI(script) as server:
        done = swebot_cli("fix", str(repo), "--engine", "llm", "--model", "fake-thinker", "--base-url",
                          server.base_url, "--api-key-env", "MYLLM", "--sandbox", sandbox, "--json",
                          env={"MYLLM": KEY, "LEAKED_COPY": KEY, "GITHUB_TOKEN": GH, **extra_env,
                               # the tests run with this interpreter (it has coverage), as a user's would
                               "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"})
        requests = [r.body for r in server.requests]
    report = json.loads(done.stdout)
    assert report["status"] == "fixed", (report, done.stderr)
    # the baseline saw only the real bug: the spy test passed there and in every later run
    assert report["failing_before"] == ["tests/test_shout.py::test_shout"]
    assert report["failing_after"] == []
    assert requests[1]["messages"][-1]["role"] == "tool"
    env_listing = requests[1]["messages"][-1]["content"]
    assert KEY not in env_listing and GH not in env_listing and "MYLLM" not in env_listing
    assert KEY not in json.dumps(requests) and KEY not in done.stdout + done.stderr
    return report


def test_api_key_under_an_ordinary_name_never_reaches_local_test_code(
        make_repo: Callable[..., Path], swebot_cli: Callable[..., Any]) -> None:
    _fix_with_key(make_repo, swebot_cli, "local", {})


@pytest.mark.docker
def test_api_key_stays_out_of_docker_even_when_the_allowlist_names_it(
        make_repo: Callable[..., Path], swebot_cli: Callable[..., Any]) -> None:
    from tests.docker_support import require_docker

    require_docker()
    _fix_with_key(make_repo, swebot_cli, "docker",
                  {"SWEBOT_SANDBOX_ENV": "MYLLM,LEAKED_COPY,GITHUB_TOKEN"})
