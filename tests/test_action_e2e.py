"""End to end, as a user runs it: `python -m swebot action` and `swebot fix URL --pr` with the real
repair (builtin engine, local sandbox), a bare repository as origin and the fake GitHub API.

A conftest.py in the buggy project records the environment the tests see inside the sandbox, so
we can check that the GitHub token never got there.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

try:
    from tests.fake_github import CALC, TESTS, FakeGitHub
except ImportError:  # pragma: no cover
    from fake_github import CALC, TESTS, FakeGitHub

from tests.gitrepo import git_out

pytestmark = pytest.mark.slow

TOKEN = "ghs_E2Etoken_ZYXWVUTSRQ9876543210"
ENV_DUMP_CONFTEST = """
import json, os
with open({path!r}, "a") as fh:
    fh.write(json.dumps(dict(os.environ)) + "\\n")
"""


@pytest.fixture()
def setup(tmp_path: Path, make_repo):
    dump = tmp_path / "sandbox-env.jsonl"
    seed = make_repo({"calc.py": CALC, "tests/test_calc.py": TESTS,
                      "conftest.py": ENV_DUMP_CONFTEST.format(path=str(dump))}, name="seed")
    bare = tmp_path / "origin.git"
    git_out(tmp_path, "clone", "-q", "--bare", str(seed), str(bare))
    with FakeGitHub(token=TOKEN) as gh:
        gh.add_issue(5, "add() subtracts instead of adding", "calc.add(2, 3) returns -1; it should be 5.")
        gh.permissions["maint"] = "admin"
        yield tmp_path, bare, gh, dump


def everything(*roots: Path) -> str:
    parts = []
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file() and ".git" not in path.parts:
                parts.append(path.read_text(errors="replace"))
    return "\n".join(parts)


def test_swebot_action_end_to_end(setup, swebot_cli):
    tmp, bare, gh, dump = setup
    workspace = tmp / "checkout"
    git_out(tmp, "clone", "-q", str(bare), str(workspace))
    event = tmp / "event.json"
    event.write_text(json.dumps({"action": "labeled", "label": {"name": "swebot"}, "issue": {"number": 5},
                                 "sender": {"login": "maint", "type": "User"}}))
    (tmp / "runner-temp").mkdir()
    env = {
        "GITHUB_EVENT_PATH": str(event), "GITHUB_EVENT_NAME": "issues", "GITHUB_REPOSITORY": "octo/demo",
        "GITHUB_API_URL": gh.url, "GITHUB_WORKSPACE": str(workspace), "GITHUB_TOKEN": TOKEN, "GH_TOKEN": TOKEN,
        "GITHUB_STEP_SUMMARY": str(tmp / "summary.md"), "GITHUB_OUTPUT": str(tmp / "output.txt"),
        "RUNNER_TEMP": str(tmp / "runner-temp"), "SWEBOT_SANDBOX": "local", "SWEBOT_TIME_LIMIT": "240",
    }
    proc = swebot_cli("action", env=env, cwd=workspace, timeout=400)
    assert proc.returncode == 0, proc.stderr

    (pull,) = gh.created_pulls
    branch = "swebot/issue-5-add-subtracts-instead-of-adding"
    assert pull["head"] == branch and pull["base"] == "main" and pull["draft"] is True
    assert "tests/test_calc.py::test_add" in pull["body"] and "Fixes #5" in pull["body"]
    assert "return a + b" in git_out(bare, "show", f"{branch}:calc.py")
    assert git_out(workspace, "status", "--porcelain") == ""
    outputs = dict(line.split("=", 1) for line in (tmp / "output.txt").read_text().splitlines())
    assert outputs["status"] == "pr_opened" and outputs["pr_url"] == gh.pulls[0]["html_url"]
    assert outputs["pr_url"] in gh.comments[5][-1]["body"]
    assert proc.stdout.strip() == outputs["pr_url"]

    # The token: in the Authorization header of API calls only.
    sandbox_envs = [json.loads(line) for line in dump.read_text().splitlines()]
    assert sandbox_envs, "the tests never ran in the sandbox"
    for seen in sandbox_envs:
        assert not any(TOKEN in value for value in seen.values())
        assert "GITHUB_TOKEN" not in seen and "GH_TOKEN" not in seen
    assert TOKEN not in proc.stdout + proc.stderr
    assert TOKEN not in everything(tmp / "runner-temp", tmp / "swebot-home")  # run folders, trajectories
    assert TOKEN not in (tmp / "summary.md").read_text() + (tmp / "output.txt").read_text()
    run_files = list((tmp / "runner-temp").rglob("report.json"))
    assert run_files, "the run folder went somewhere else"
    assert all(TOKEN not in json.dumps(r.body) for r in gh.requests)


def test_swebot_fix_url_issue_pr_end_to_end(setup, swebot_cli):
    tmp, bare, gh, dump = setup
    proc = swebot_cli(
        "fix", f"file://{bare}", "--issue", "5", "--pr", "--ready", "--sandbox", "local", "-q",
        "--output", str(tmp / "run"),
        env={"GITHUB_API_URL": gh.url, "GITHUB_REPOSITORY": "octo/demo", "GH_TOKEN": TOKEN, "GITHUB_TOKEN": ""},
        timeout=400,
    )
    assert proc.returncode == 0, proc.stderr
    (pull,) = gh.created_pulls
    assert pull["draft"] is False and pull["head"] == "swebot/issue-5-add-subtracts-instead-of-adding"
    assert f"pull request {gh.pulls[0]['html_url']}" in proc.stdout
    assert TOKEN not in proc.stdout + proc.stderr + everything(tmp / "run")
    for line in dump.read_text().splitlines():
        assert TOKEN not in line
