"""Shared helpers for the builtin benchmark (validate.py, run.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BUGS_DIR = HERE / "bugs"
REPO_ROOT = HERE.parent.parent

REQUIRED_FIELDS = ("name", "template_class", "description", "fix", "edits")

# The single-edit template classes the builtin engine searches (a two-edit bug joins two with "+").
TEMPLATE_CLASSES = (
    "comparison_operator",
    "arithmetic_operator",
    "boolean_operator",
    "negation",
    "off_by_one",
    "swapped_arguments",
    "wrong_name",
    "wrong_constant",
    "wrong_return",
    "extra_statement",
    "missing_statement",
    "missing_guard",
    "sibling_builtin",
    "unwrap_call",
)

# Files of a bug folder that are never shown to the repair tool.
HIDDEN_FILES = ("bug.json", "heldout_test.py")


def bug_dirs(pattern: str | None = None) -> list[Path]:
    import re

    dirs = sorted(p for p in BUGS_DIR.iterdir() if p.is_dir() and (p / "bug.json").exists())
    if pattern:
        rx = re.compile(pattern)
        dirs = [p for p in dirs if rx.search(p.name)]
    return dirs


def load_bug(bug_dir: Path) -> dict:
    return json.loads((bug_dir / "bug.json").read_text())


def copy_visible(bug_dir: Path, dest: Path) -> None:
    """Copy what a user's repository would hold: everything but the answer and held-out tests."""
    shutil.copytree(
        bug_dir,
        dest,
        ignore=shutil.ignore_patterns(*HIDDEN_FILES, "__pycache__", ".pytest_cache"),
    )


def clean_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_pytest(cwd: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=cwd,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def apply_patch(cwd: Path, patch: str) -> tuple[bool, str]:
    """Apply a unified diff (a/ b/ prefixes) in cwd: git apply, falling back to patch -p1."""
    if not patch.strip():
        return False, "empty patch"
    if not patch.endswith("\n"):
        patch += "\n"
    proc = subprocess.run(
        ["git", "apply", "--whitespace=nowarn", "-"],
        cwd=cwd, input=patch, capture_output=True, text=True,
    )
    if proc.returncode == 0:
        return True, ""
    proc2 = subprocess.run(
        ["patch", "-p1", "--batch", "--forward", "--no-backup-if-mismatch"],
        cwd=cwd, input=patch, capture_output=True, text=True,
    )
    if proc2.returncode == 0:
        return True, ""
    return False, (proc.stderr + proc2.stdout + proc2.stderr).strip()[-500:]


def summary_line(proc: subprocess.CompletedProcess) -> str:
    lines = [ln for ln in proc.stdout.strip().splitlines() if ln.strip()]
    return lines[-1].strip("= ") if lines else f"exit {proc.returncode}"
