"""The agent's tools on a real repository through a LocalSandbox."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import pytest

from swebot.agent.config import AgentSettings
from swebot.agent.files import Files, PathRefused, clean_path
from swebot.agent.toolbox import Observation, Toolbox, bound
from swebot.agent.tools import TOOLS, ToolContext
from swebot.models import ToolCall
from swebot.sandbox.local import LocalSandbox

FILES = {
    "pkg/__init__.py": "",
    "pkg/geometry.py": '''
        import math


        class Circle:
            def __init__(self, r):
                self.r = r

            def area(self):
                return math.pi * self.r


        def unit():
            return Circle(1)
        ''',
    "pkg/big.py": "".join(f"value_{i} = {i}  # needle\n" for i in range(300)),
    "README.md": "Geometry helpers. needle\n",
}


@pytest.fixture
def box(make_repo: Callable[..., Path]) -> Toolbox:
    repo = make_repo(FILES)
    sandbox = LocalSandbox(repo)
    ctx = ToolContext(sandbox=sandbox, files=Files(sandbox), settings=AgentSettings(bash_timeout=5))
    return Toolbox(TOOLS, ctx, limit=4000, secrets=["hunter2-secret"])


def call(box: Toolbox, tool: str, **args: object) -> Observation:
    return box.call(ToolCall("c1", tool, json.dumps(args)))


def test_schemas_are_function_tools_with_required_arguments(box: Toolbox) -> None:
    schemas = {s["function"]["name"]: s["function"] for s in box.schemas()}
    assert set(schemas) == {"search", "find_symbol", "view", "outline", "localize", "edit_symbol", "insert",
                            "str_replace", "create_file", "run_tests", "bash", "undo", "submit"}
    assert schemas["edit_symbol"]["parameters"]["required"] == ["path", "symbol", "code"]


def test_search_groups_matches_and_bounds_them(box: Toolbox) -> None:
    obs = call(box, "search", pattern="needle")
    assert obs.text.startswith("301 matches in 2 files for 'needle':")
    assert "pkg/big.py (300)\n  1: value_0 = 0  # needle" in obs.text
    assert "... 292 more in this file (search with path='pkg/big.py')" in obs.text
    assert "README.md (1)" in obs.text
    regex = call(box, "search", pattern=r"^value_(1|2) ", regex=True, path="pkg")
    assert regex.text.startswith("2 matches in 1 files")
    assert call(box, "search", pattern="nowhere-to-be-found").text == "no matches for 'nowhere-to-be-found'"


def test_find_symbol_view_and_outline(box: Toolbox) -> None:
    assert call(box, "find_symbol", name="Circle.area").text == \
        "pkg/geometry.py:8-9 method Circle.area: def area(self):"
    assert "pkg/geometry.py:12-13 function unit" in call(box, "find_symbol", name="unit").text
    view = call(box, "view", path="pkg/geometry.py", symbol="area").text
    assert view == "pkg/geometry.py lines 8-9 of 13\n     8\t    def area(self):\n     9\t        return math.pi * self.r\n[4 more lines; view with start=10]"
    window = call(box, "view", path="pkg/big.py", start=250).text
    assert window.startswith("pkg/big.py lines 250-300 of 300\n   250\tvalue_249 = 249")
    first = call(box, "view", path="pkg/big.py").text
    assert "lines 1-100 of 300" in first and first.endswith("[200 more lines; view with start=101]")
    outline = call(box, "outline", path="pkg/geometry.py").text
    assert "class Circle:  # lines 4-9\n    def __init__(self, r):  # lines 5-6" in outline
    assert "pkg/__init__.py" in call(box, "view", path="pkg").text  # a directory lists its files


def test_edit_then_undo_restores_the_file(box: Toolbox) -> None:
    files: Files = box.ctx.files
    before = files.read_text("pkg/geometry.py")
    obs = call(box, "edit_symbol", path="pkg/geometry.py", symbol="Circle.area",
               code="def area(self):\n    return math.pi * self.r ** 2")
    assert obs.ok and obs.edit == {"id": "e1", "path": "pkg/geometry.py",
                                   "summary": "replaced method Circle.area (lines 8-9 -> 8-9)"}
    assert "     9\t        return math.pi * self.r ** 2" in obs.text
    created = call(box, "create_file", path="pkg/extra.py", content="X = 1\n")
    assert created.ok and files.read_text("pkg/extra.py") == "X = 1\n"
    assert not call(box, "create_file", path="pkg/extra.py", content="Y = 2\n").ok
    assert "reverted e2" in call(box, "undo").text
    assert files.read_text("pkg/extra.py") is None
    assert call(box, "undo", to="start").ok
    assert files.read_text("pkg/geometry.py") == before


@pytest.mark.parametrize("path", ["../outside.py", "/etc/passwd", "pkg/../../x.py", ".git/config"])
def test_paths_outside_the_workspace_are_refused(box: Toolbox, path: str) -> None:
    obs = call(box, "create_file", path=path, content="x")
    assert not obs.ok and obs.text.startswith("refused:")
    assert not call(box, "view", path=path).ok


def test_symlink_leading_out_is_refused_not_a_crash(box: Toolbox, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("top secret")
    Path(box.ctx.sandbox.root, "link.txt").symlink_to(tmp_path / "secret.txt")
    obs = call(box, "view", path="link.txt")
    assert not obs.ok and obs.text == "refused: link.txt leads outside the workspace"
    assert not call(box, "str_replace", path="link.txt", old_str="top", new_str="bottom").ok
    assert (tmp_path / "secret.txt").read_text() == "top secret"


def test_absolute_path_inside_the_workspace_is_fine() -> None:
    assert clean_path("/ws/root/pkg/a.py", "/ws/root") == "pkg/a.py"
    with pytest.raises(PathRefused):
        clean_path("/ws/rootless/a.py", "/ws/root")


def test_bash_reports_exit_code_silence_timeouts_and_redacts(box: Toolbox) -> None:
    assert call(box, "bash", command="true").text == "exit code 0\n(the command printed nothing)"
    failing = call(box, "bash", command="echo out; echo err >&2; exit 3")
    assert failing.text == "exit code 3\nout\n[stderr]\nerr" and not failing.ok
    slow = call(box, "bash", command="sleep 30", timeout=1)
    assert "[killed after 1s timeout]" in slow.text
    assert call(box, "bash", command="echo hunter2-secret").text == "exit code 0\n[REDACTED]"
    long = call(box, "bash", command="seq 1 5000").text
    assert len(long) < 4200 and "characters cut by swebot" in long and long.rstrip().endswith("5000")


def test_malformed_calls_are_observations(box: Toolbox) -> None:
    bad_json = box.call(ToolCall("c", "view", '{"path": '))
    assert bad_json.malformed and "not valid JSON" in bad_json.text
    unknown = box.call(ToolCall("c", "rm_rf", "{}"))
    assert unknown.malformed and "unknown tool 'rm_rf'" in unknown.text
    missing = call(box, "str_replace", path="pkg/geometry.py", old_str="x")
    assert missing.malformed and "missing required argument(s): new_str" in missing.text
    wrong_type = call(box, "view", path="pkg/geometry.py", start="ten")
    assert wrong_type.malformed and "'start' of view must be integer" in wrong_type.text
    extra = call(box, "undo", force=True)
    assert extra.malformed and "unknown argument(s): force" in extra.text
    assert not call(box, "run_tests").malformed  # well formed, just unavailable here
    assert "no test command" in call(box, "run_tests").text


def test_bound_keeps_head_and_tail() -> None:
    text = "".join(f"line {i}\n" for i in range(1000))
    cut = bound(text, 600)
    assert cut.startswith("line 0\n") and cut.endswith("line 999\n") and "characters cut" in cut
    assert bound("short", 600) == "short"
