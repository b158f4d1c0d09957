"""`swebot localize` as a user runs it: text and JSON output, @FILE issues, exit statuses."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Callable

import pytest

from swebot.commands.localize import read_issue_arg
from swebot.errors import BadInput
from tests.conftest import write_files

Cli = Callable[..., subprocess.CompletedProcess]

FILES = {
    "src/calc/ops.py": '''
        def divide(a, b):
            """Divide a by b; b must not be zero."""
            return a / b


        def multiply(a, b):
            return a * b
        ''',
    "src/calc/__init__.py": "from .ops import divide, multiply\n",
    "tests/test_ops.py": "from calc.ops import divide\n\ndef test_divide():\n    assert divide(4, 2) == 2\n",
}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "calc"
    write_files(root, FILES)
    return root


def env(tmp_path: Path) -> dict[str, str]:
    return {"SWEBOT_CACHE_DIR": str(tmp_path / "cache")}


def test_json_output(swebot_cli: Cli, tree: Path, tmp_path: Path) -> None:
    proc = swebot_cli("localize", str(tree), "--issue", "`divide` by zero gives inf instead of raising",
                      "--json", "--top", "2", env=env(tmp_path))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert len(data["files"]) == 2
    first = data["files"][0]
    assert first["path"] == "src/calc/ops.py"
    assert first["symbols"][0]["name"] == "divide"
    assert first["symbols"][0]["start"] == 1 and first["symbols"][0]["end"] == 3
    assert any("identifier in issue: divide" in e for e in first["symbols"][0]["evidence"])


def test_text_output_from_an_issue_file(swebot_cli: Cli, tree: Path, tmp_path: Path) -> None:
    issue = tmp_path / "issue.md"
    issue.write_text("Multiplying two numbers returns the wrong product")
    proc = swebot_cli("localize", str(tree), "--issue", f"@{issue}", env=env(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0].startswith(" 1. src/calc/ops.py")
    assert "multiply  lines 6-7" in proc.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["--issue", "@/nonexistent/issue.md"], "does not exist"),
        (["--issue", ""], "empty"),
        (["--issue", "divide is wrong", "--top", "0"], "--top"),
        ([], "say what is wrong"),
    ],
)
def test_bad_input_exits_2(swebot_cli: Cli, tree: Path, tmp_path: Path, args: list[str], message: str) -> None:
    proc = swebot_cli("localize", str(tree), *args, env=env(tmp_path))
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_missing_path_and_tree_without_python(swebot_cli: Cli, tmp_path: Path) -> None:
    proc = swebot_cli("localize", str(tmp_path / "nope"), "--issue", "x is wrong", env=env(tmp_path))
    assert proc.returncode == 2 and "does not exist" in proc.stderr
    (tmp_path / "empty").mkdir()
    proc = swebot_cli("localize", str(tmp_path / "empty"), "--issue", "x is wrong", env=env(tmp_path))
    assert proc.returncode == 2 and "no Python files" in proc.stderr


def test_read_issue_arg(tmp_path: Path) -> None:
    assert read_issue_arg("plain text") == "plain text"
    f = tmp_path / "i.txt"
    f.write_bytes("caf\xe9 crash".encode("latin-1"))
    assert read_issue_arg(f"@{f}") == "caf\xe9 crash"  # latin-1 reads as its author wrote it
    with pytest.raises(BadInput):
        read_issue_arg(f"@{tmp_path / 'missing.txt'}")
    with pytest.raises(BadInput):
        read_issue_arg(f"@{tmp_path}")
