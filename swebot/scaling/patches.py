"""Unified diffs as swebot's engines write them (``git diff`` with a/ b/ prefixes): split by file,
files left out, size measured, and applied to or cleared from a sandbox."""

from __future__ import annotations

import re
import shlex
import uuid
from typing import Iterable

from swebot.errors import SandboxError
from swebot.types import Sandbox

_FILE_HEADER = re.compile(r"^diff --git a/(?P<a>.+?) b/(?P<b>.+)$")
SCRATCH = ".swebot"  # kept out of diffs by the workspace's git exclude


def file_sections(patch: str) -> list[tuple[str, str]]:
    """``[(path, section text)]`` in order; text before the first header is dropped."""
    sections: list[tuple[str, str]] = []
    for line in patch.splitlines(keepends=True):
        header = _FILE_HEADER.match(line.rstrip("\n"))
        if header:
            sections.append((header["b"], line))
        elif sections:
            path, text = sections[-1]
            sections[-1] = (path, text + line)
    return sections


def without_files(patch: str, paths: Iterable[str]) -> str:
    """``patch`` minus the sections for ``paths``."""
    drop = set(paths)
    return "".join(text for path, text in file_sections(patch) if path not in drop)


def changed_lines(patch: str) -> int:
    """Lines added or removed (headers not counted): the size a reviewer reads."""
    return sum(1 for line in patch.splitlines()
               if line[:1] in "+-" and not line.startswith(("+++ ", "--- ")))


def reset(sandbox: Sandbox) -> None:
    """Put the sandbox's workspace back at its baseline commit (untracked files removed;
    ignored ones such as swebot's scratch folder kept)."""
    res = sandbox.execute("git reset -q --hard HEAD && git clean -fdq", timeout=120)
    if res.exit_code != 0:
        raise SandboxError(f"could not reset the workspace: {res.stderr.strip()[:300]}")


def apply(sandbox: Sandbox, patch: str) -> str | None:
    """Apply ``patch`` to the workspace; None when it applied, else git's complaint."""
    if not patch.strip():
        return None
    name = f"{SCRATCH}/candidate-{uuid.uuid4().hex[:8]}.diff"
    sandbox.write_file(name, patch.encode("utf-8"))
    res = sandbox.execute(f"git apply --whitespace=nowarn {shlex.quote(name)}; status=$?; rm -f {shlex.quote(name)}; "
                          "exit $status", timeout=120)
    return None if res.exit_code == 0 else (res.stderr.strip() or "git apply failed")[:500]
