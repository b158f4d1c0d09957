"""One redaction rule set (swebot.redact) for tool observations, trajectories and GitHub
messages: before/after tables, each case run through every place that redacts."""

from __future__ import annotations

import base64
import json
import traceback
from typing import Callable
from urllib.parse import quote

import pytest

from swebot.agent.toolbox import Observation, Toolbox, ToolSpec
from swebot.github.secrets import redact as github_redact
from swebot.models import Message, ToolCall
from swebot.redact import MARK, forms, redact, redact_data
from swebot.trajectory import Trajectory

R = MARK
LONG = "sk-live-0123456789abcdef"
ODD = 'pa"ss\\wörd/+&=key'  # quotes, a backslash, non-ASCII, URL-special characters


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _traceback(secret: str) -> str:
    try:
        raise ValueError(f"bad key {secret!r}")
    except ValueError:
        return traceback.format_exc()


CASES = [
    # (secret, text, expected)
    ("k9Z", "key=k9Z; retry", f"key={R}; retry"),  # a short secret counts
    ("k9Z", "k9Zebra and ok9Z stay", "k9Zebra and ok9Z stay"),  # ...but only standing alone
    ("abc", f"Authorization: Basic {_b64('x-access-token:abc')}", f"Authorization: Basic {R}"),
    (LONG, f"curl -H 'Authorization: Bearer {LONG}'", f"curl -H 'Authorization: Bearer {R}'"),
    (LONG, f"token in base64: {_b64(LONG)}.", f"token in base64: {R}."),
    (LONG, f"basic auth: {_b64('x-access-token:' + LONG)}", f"basic auth: {R}"),
    (ODD, f"url: https://h/?key={quote(ODD, safe='')}&x=1", f"url: https://h/?key={R}&x=1"),
    (ODD, json.dumps({"command": f"echo {ODD}"}), json.dumps({"command": f"echo {R}"})),
    (ODD, json.dumps({"k": ODD}, ensure_ascii=False), json.dumps({"k": R}, ensure_ascii=False)),
    (LONG, "", ""),
    ("   ", "   spaces   ", "   spaces   "),  # a blank secret is no secret
    ("1", "     1\tdef add(a, b):", "     1\tdef add(a, b):"),  # nor a one- or two-character dummy key
    ("x9", "x9 = 2", "x9 = 2"),
]


def _through_toolbox(secret: str, text: str) -> str:
    spec = ToolSpec("say", "", {}, [], lambda ctx: Observation(text))
    return Toolbox([spec], None, limit=100_000, secrets=[secret]).call(ToolCall("c1", "say", "{}")).text


def _through_trajectory(secret: str, text: str) -> str:
    traj = Trajectory(None, {}, secrets=[secret])
    traj.add_message(Message("user", text))
    return str(json.loads(traj.dumps())["messages"][0]["content"])


CONSUMERS: dict[str, Callable[[str, str], str]] = {
    "redact": lambda secret, text: redact(text, [secret]),
    "toolbox": _through_toolbox,
    "trajectory": _through_trajectory,
    "github": lambda secret, text: github_redact(text, [secret]),
}


@pytest.mark.parametrize("consumer", list(CONSUMERS))
@pytest.mark.parametrize(("secret", "text", "expected"), CASES)
def test_one_rule_set_everywhere(consumer: str, secret: str, text: str, expected: str) -> None:
    assert CONSUMERS[consumer](secret, text) == expected


@pytest.mark.parametrize("consumer", list(CONSUMERS))
@pytest.mark.parametrize("secret", [LONG, ODD, "s3cr"])
def test_tracebacks_lose_the_secret(consumer: str, secret: str) -> None:
    text = _traceback(secret)
    out = CONSUMERS[consumer](secret, text)
    assert secret not in out and repr(secret)[1:-1] not in out
    assert "ValueError: bad key " in out and MARK in out


@pytest.mark.parametrize("user", ["alice", "x-access-token", "", "someone-else"])
def test_a_long_secret_inside_any_base64_text_is_found(user: str) -> None:
    blob = _b64(f"{user}:{LONG}")
    out = redact(f"Basic {blob}", [LONG])
    assert MARK in out and blob not in out
    # what is left around the mark cannot be decoded back into the secret
    assert all(len(piece) <= len(_b64(user + ":")) + 1 for piece in out.removeprefix("Basic ").split(MARK))


def test_nested_data_and_several_secrets() -> None:
    data = {"args": [f"--key={LONG}", ("abc", 3)], LONG: {"nested": f"x abc y {_b64(LONG)}"}}
    assert redact_data(data, [LONG, "abc", ""]) == {"args": [f"--key={R}", [R, 3]], R: {"nested": f"x {R} y {R}"}}
    assert redact_data(data, []) is data


def test_forms_are_longest_first() -> None:
    found = forms(LONG)
    assert LONG in found and _b64(LONG) in found
    assert [len(f) for f in found] == sorted((len(f) for f in found), reverse=True)
    assert forms("") == forms("  ") == forms("ab") == ()
    assert "abc" in forms("abc")
