"""action.yml and the ready-to-copy workflow: structure, minimal permissions, no shell interpolation."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import yaml

from swebot.commands.action import register, settings_from

ROOT = Path(__file__).resolve().parent.parent


def load(path: str) -> dict:
    data = yaml.safe_load((ROOT / path).read_text())
    # YAML 1.1 reads the key `on` as True
    if True in data:
        data["on"] = data.pop(True)
    return data


def test_action_is_composite_and_runs_swebot_action():
    action = load("action.yml")
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    assert steps[0]["uses"].startswith("actions/setup-python@")
    assert any("pip install" in s.get("run", "") for s in steps)
    run_step = next(s for s in steps if s.get("id") == "swebot")
    assert run_step["run"].strip().splitlines()[-1] == "swebot action"
    for name in ("model", "label", "trigger", "time-limit", "max-candidates", "max-cost", "github-token"):
        assert name in action["inputs"], name
    assert set(action["outputs"]) == {"pr_url", "status", "cost"}
    assert run_step["env"]["GITHUB_TOKEN"] == "${{ inputs.github-token }}"


def test_no_expression_is_interpolated_into_a_shell():
    for path in ("action.yml", ".github/workflows/swebot.yml"):
        data = load(path)
        steps = data["runs"]["steps"] if "runs" in data else [s for j in data["jobs"].values() for s in j["steps"]]
        for step in steps:
            assert "${{" not in step.get("run", ""), (path, step)


def test_workflow_triggers_and_minimal_permissions():
    workflow = load(".github/workflows/swebot.yml")
    assert workflow["on"] == {"issues": {"types": ["labeled"]}, "issue_comment": {"types": ["created"]}}
    assert workflow["permissions"] == {"contents": "write", "pull-requests": "write", "issues": "write"}
    (job,) = workflow["jobs"].values()
    assert "permissions" not in job
    assert job["steps"][0]["uses"].startswith("actions/checkout@")
    swebot_step = next(s for s in job["steps"] if s.get("id") == "swebot")
    assert re.fullmatch(r"[\w.-]+/swebot@\S+", swebot_step["uses"])
    assert swebot_step["with"]["github-token"] == "${{ secrets.GITHUB_TOKEN }}"


def test_action_inputs_map_to_settings():
    """Every SWEBOT_* variable action.yml sets is one `swebot action` reads."""
    action = load("action.yml")
    env = {k: v for k, v in next(s for s in action["runs"]["steps"] if s.get("id") == "swebot")["env"].items()}
    assert {k for k in env if k.startswith("SWEBOT_")} <= {
        "SWEBOT_MODEL", "SWEBOT_BASE_URL", "SWEBOT_MODEL_API_KEY", "SWEBOT_ENGINE", "SWEBOT_LABEL",
        "SWEBOT_TRIGGER", "SWEBOT_TEST_COMMAND", "SWEBOT_TIME_LIMIT", "SWEBOT_MAX_CANDIDATES",
        "SWEBOT_MAX_COST", "SWEBOT_MAX_STEPS", "SWEBOT_SANDBOX", "SWEBOT_READY",
    }
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    args = parser.parse_args(["action"])
    defaults = {"SWEBOT_LABEL": "autofix", "SWEBOT_TRIGGER": "@bot go", "SWEBOT_TIME_LIMIT": "60",
                "SWEBOT_MAX_CANDIDATES": "7", "SWEBOT_MAX_COST": "0.5", "SWEBOT_READY": "true",
                "SWEBOT_TEST_COMMAND": "pytest -x", "SWEBOT_SANDBOX": "local", "SWEBOT_MODEL": "",
                "SWEBOT_ENGINE": "", "SWEBOT_MAX_STEPS": ""}
    settings = settings_from(args, defaults)
    assert (settings.label, settings.trigger, settings.ready, settings.test_command, settings.sandbox) == (
        "autofix", "@bot go", True, "pytest -x", "local")
    assert (settings.budget.time_limit, settings.budget.max_candidates, settings.budget.max_cost) == (60.0, 7, 0.5)
    assert settings.engine == "builtin" and settings.engine_settings is None
    flags = parser.parse_args(["action", "--label", "x", "--time-limit", "5"])
    assert settings_from(flags, defaults).label == "x" and settings_from(flags, defaults).budget.time_limit == 5.0
