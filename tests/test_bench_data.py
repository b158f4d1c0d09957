"""The builtin benchmark's data: every bug folder is well formed (fast), and validates (slow)."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "builtin"
BUGS = BENCH / "bugs"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _load_common():
    spec = importlib.util.spec_from_file_location("swebot_bench_common", BENCH / "common.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_common = _load_common()
REQUIRED_FIELDS = _common.REQUIRED_FIELDS
TEMPLATE_CLASSES = _common.TEMPLATE_CLASSES

BUG_DIRS = sorted(p for p in BUGS.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))


def _meta(bug_dir: Path) -> dict:
    return json.loads((bug_dir / "bug.json").read_text())


def test_enough_bugs():
    assert len(BUG_DIRS) >= 34


@pytest.mark.parametrize("bug_dir", BUG_DIRS, ids=lambda p: p.name)
def test_bug_folder_is_well_formed(bug_dir: Path):
    assert (bug_dir / "bug.json").is_file()
    meta = _meta(bug_dir)
    for field in REQUIRED_FIELDS:
        assert field in meta, f"bug.json lacks {field}"
    assert meta["name"] == bug_dir.name
    assert isinstance(meta["description"], str) and meta["description"].strip()
    classes = meta["template_class"].split("+")
    assert all(c in TEMPLATE_CLASSES for c in classes), meta["template_class"]
    assert meta["edits"] in (1, 2)
    assert len(classes) in (1, meta["edits"])
    fix = meta["fix"]
    assert fix.startswith("--- a/") and "\n+++ b/" in fix and "\n@@ " in fix
    for path in re.findall(r"^\+\+\+ b/(\S+)", fix, flags=re.M):
        assert (bug_dir / path).is_file(), f"fix touches missing file {path}"
    assert "[pytest]" in (bug_dir / "pytest.ini").read_text()
    assert list((bug_dir / "tests").glob("test_*.py"))
    assert (bug_dir / "heldout_test.py").is_file()


def test_every_template_class_covered_twice():
    counts = Counter()
    two_edit = 0
    for bug_dir in BUG_DIRS:
        meta = _meta(bug_dir)
        if meta["edits"] == 2:
            two_edit += 1
        else:
            counts[meta["template_class"]] += 1
    for cls in TEMPLATE_CLASSES:
        assert counts[cls] >= 2, f"{cls}: only {counts[cls]} single-edit bug(s)"
    assert two_edit >= 5


@pytest.mark.parametrize("name", ["calculator", "inventory", "textwrap_lite"])
def test_example_layout(name: str):
    root = EXAMPLES / name
    assert (root / "README.md").read_text().strip()
    assert 'testpaths = ["tests"]' in (root / "pyproject.toml").read_text()
    assert list((root / "tests").glob("test_*.py"))


@pytest.mark.slow
def test_validate_passes():
    proc = subprocess.run([sys.executable, str(BENCH / "validate.py")], capture_output=True, text=True,
                          timeout=1800)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["calculator", "inventory", "textwrap_lite"])
def test_example_has_failing_and_passing_tests(name: str):
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                          cwd=EXAMPLES / name, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stdout[-2000:]
    assert re.search(r"\d+ failed, \d+ passed", proc.stdout), proc.stdout[-2000:]
