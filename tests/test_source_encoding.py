"""Source files in the encoding they declare (PEP 263): read, edited and written back byte for byte
by both engines (issue 12)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from swebot.agent.config import AgentSettings
from swebot.agent.files import Files
from swebot.agent.toolbox import Toolbox
from swebot.agent.tools import TOOLS, ToolContext
from swebot.models import ToolCall
from swebot.sandbox.local import LocalSandbox
from swebot.source_encoding import (SourceDecodeError, decode_source, encode_source, escape_surrogates,
                                    unencodable)
from tests.conftest import REPO_ROOT
from tests.gitrepo import git
from tests.test_cli_fix import fix

LATIN1_MODULE = (
    b'# -*- coding: latin-1 -*-\n'
    b'"""Prices in \xa3 for the caf\xe9."""\n'
    b'\n'
    b'CURRENCY = "\xa3"\n'
    b'\n'
    b'\n'
    b'def discount(total, is_member):\n'
    b'    # members get 10% off orders of 100 \xa3 or more\n'
    b'    if is_member and total > 100:\n'
    b'        return total * 0.9\n'
    b'    return total\n'
)
TESTS = (
    "from shop.pricing import CURRENCY, discount\n\n\n"
    "def test_member_exactly_100():\n    assert discount(100, True) == 90\n\n\n"
    "def test_big_order():\n    assert discount(200, True) == 180\n\n\n"
    "def test_currency():\n    assert CURRENCY == '\\xa3'\n"
)


def make_latin1_repo(make_repo) -> Path:
    repo = make_repo({"shop/__init__.py": "", "tests/test_pricing.py": TESTS,
                      "pytest.ini": "[pytest]\ntestpaths = tests\npythonpath = .\n"})
    (repo / "shop/pricing.py").write_bytes(LATIN1_MODULE)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "latin-1 module")
    return repo


# -- the codec rules ----------------------------------------------------------------------------

def test_python_files_decode_and_encode_in_their_declared_encoding() -> None:
    got = decode_source(LATIN1_MODULE, "shop/pricing.py")
    assert got.encoding == "iso-8859-1" and 'CURRENCY = "£"' in got.text
    assert encode_source(got.text, "shop/pricing.py", got.encoding) == LATIN1_MODULE
    bom = b"\xef\xbb\xbfx = '\xc3\xa9'\n"
    got = decode_source(bom, "m.py")
    assert (got.text, got.encoding) == ("x = 'é'\n", "utf-8-sig")
    assert encode_source(got.text, "m.py", got.encoding) == bom
    # A cookie the edit adds or removes decides the bytes written.
    assert encode_source("# coding: cp1252\nx = '€'\n", "m.py") == b"# coding: cp1252\nx = '\x80'\n"
    assert encode_source("x = '£'\n", "m.py", "iso-8859-1") == "x = '£'\n".encode()
    with pytest.raises(SourceDecodeError, match="declared encoding"):
        decode_source(b"# coding: utf-8\nx = '\xe9'\n", "bad.py")
    with pytest.raises(SourceDecodeError):
        decode_source(b"# coding: no-such-codec\n", "bad.py")


def test_other_files_keep_their_bytes() -> None:
    assert decode_source("naïve\n".encode(), "README.md").encoding == "utf-8"
    legacy = decode_source(b"caf\xe9\n", "notes.txt")
    assert legacy.text == "café\n" and encode_source(legacy.text, "notes.txt", legacy.encoding) == b"caf\xe9\n"


def test_unencodable_names_the_characters() -> None:
    text = "# -*- coding: latin-1 -*-\narrow = '→'\n"
    assert "cannot hold '→' (U+2192)" in unencodable(text, "m.py")
    assert unencodable("arrow = '→'\n", "m.py") is None


def test_escape_surrogates_round_trips_through_json() -> None:
    patch = "-x = '\udce9'\n"
    text = escape_surrogates(json.dumps({"patch": patch}, ensure_ascii=False))
    text.encode("utf-8")  # writable as UTF-8
    assert json.loads(text)["patch"] == patch


# -- the LLM engine's tools -----------------------------------------------------------------------

def _box(repo: Path) -> Toolbox:
    sandbox = LocalSandbox(repo)
    ctx = ToolContext(sandbox=sandbox, files=Files(sandbox), settings=AgentSettings(bash_timeout=5))
    return Toolbox(TOOLS, ctx, limit=4000)


def _call(box: Toolbox, tool: str, **args: object) -> str:
    return box.call(ToolCall("c1", tool, json.dumps(args))).text


def test_llm_tools_edit_a_latin1_module_keeping_its_bytes(make_repo) -> None:
    repo = make_latin1_repo(make_repo)
    box = _box(repo)
    view = _call(box, "view", path="shop/pricing.py")
    assert 'Prices in £ for the café.' in view and "\ufffd" not in view
    assert "def discount" in _call(box, "outline", path="shop/pricing.py")
    assert "shop/pricing.py:7-11 function discount" in _call(box, "find_symbol", name="discount")

    done = _call(box, "str_replace", path="shop/pricing.py", old_str="total > 100", new_str="total >= 100")
    assert done.startswith("edit e1 applied")
    assert (repo / "shop/pricing.py").read_bytes() == LATIN1_MODULE.replace(b"total > 100", b"total >= 100")

    replaced = _call(box, "edit_symbol", path="shop/pricing.py", symbol="discount",
                     code="def discount(total, is_member):\n    # 10% off from 100 £ on\n"
                          "    return total * 0.9 if is_member and total >= 100 else total\n")
    assert replaced.startswith("edit e2 applied"), replaced
    data = (repo / "shop/pricing.py").read_bytes()
    assert data.startswith(LATIN1_MODULE[:LATIN1_MODULE.index(b"def discount")])
    assert b"from 100 \xa3 on" in data

    refused = _call(box, "str_replace", path="shop/pricing.py", old_str="10% off", new_str="10% off →")
    assert "edit refused" in refused and "U+2192" in refused and "latin-1 (its coding declaration)" in refused
    assert (repo / "shop/pricing.py").read_bytes() == data

    _call(box, "undo", to="start")
    assert (repo / "shop/pricing.py").read_bytes() == LATIN1_MODULE
    created = _call(box, "create_file", path="shop/legacy.py",
                    content="# -*- coding: latin-1 -*-\nNAME = 'café'\n")
    assert created.startswith("edit"), created
    assert (repo / "shop/legacy.py").read_bytes() == b"# -*- coding: latin-1 -*-\nNAME = 'caf\xe9'\n"


# -- the builtin engine, end to end --------------------------------------------------------------

def test_builtin_engine_fixes_a_latin1_module(make_repo, swebot_cli, tmp_path) -> None:
    repo = make_latin1_repo(make_repo)
    run = tmp_path / "run"
    result = fix(swebot_cli, str(repo), "--json", "--output", str(run))
    assert result.returncode == 0, (result.stdout, result.stderr)
    data = json.loads(result.stdout)
    assert data["status"] == "fixed", data["description"]
    assert data["files_changed"] == ["shop/pricing.py"]
    patch = (run / "patch.diff").read_bytes()
    assert b"+    if is_member and total >= 100:" in patch
    assert b"100 \xa3 or more" in patch  # context lines keep the file's own bytes
    assert data["patch"].encode("utf-8", "surrogateescape") == patch
    assert json.loads((run / "report.json").read_text())["patch"] == data["patch"]

    # The human summary prints the patch's own bytes (as `git diff` would), and --apply writes them.
    env = {**os.environ, "SWEBOT_HOME": str(tmp_path / "home"), "PYTHONPATH": str(REPO_ROOT)}
    human = subprocess.run([sys.executable, "-m", "swebot", "fix", str(repo), "--sandbox", "local", "--apply"],
                           capture_output=True, env=env, timeout=300)
    assert human.returncode == 0, human.stderr
    assert b"\n     # members get 10% off orders of 100 \xa3 or more\n" in human.stdout
    assert (repo / "shop/pricing.py").read_bytes() == LATIN1_MODULE.replace(b"total > 100", b"total >= 100")


def test_unreadable_suspects_are_named_not_blamed_on_candidates() -> None:
    from swebot.engines.builtin import SearchState, _no_fix_description
    from swebot.types import Budget

    state = SearchState(Budget())
    assert _no_fix_description(state, {}) == "no candidate made any failing test pass"
    why = _no_fix_description(state, {"pkg/m.py": "pkg/m.py is not valid source in its declared encoding"})
    assert why.startswith("no candidate could be made: the suspicious files could not be read")
    assert "pkg/m.py" in why


@pytest.mark.docker
@pytest.mark.slow
def test_builtin_engine_fixes_a_latin1_module_in_docker(make_repo, swebot_cli, tmp_path) -> None:
    """The same repair in a container: candidates written by the fork server in the file's codec,
    and the diff read back from the container byte for byte."""
    from tests.docker_support import require_docker

    require_docker()
    repo = make_latin1_repo(make_repo)
    run = tmp_path / "run"
    result = swebot_cli("fix", str(repo), "--sandbox", "docker", "--json", "--output", str(run))
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert json.loads(result.stdout)["status"] == "fixed"
    patch = (run / "patch.diff").read_bytes()
    assert b"+    if is_member and total >= 100:" in patch and b"100 \xa3 or more" in patch
    git(repo, "apply", "--check", str(run / "patch.diff"))
