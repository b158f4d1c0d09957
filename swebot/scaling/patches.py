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


def _split(patch: str) -> tuple[str, list[tuple[frozenset[str], str, str]]]:
    """(text before the first header, ``[(both paths, target path, section text)]`` in order)."""
    preamble, sections = "", []
    for line in patch.splitlines(keepends=True):
        header = _FILE_HEADER.match(line.rstrip("\n"))
        if header:
            sections.append((frozenset((header["a"], header["b"])), header["b"], line))
        elif sections:
            names, path, text = sections[-1]
            sections[-1] = (names, path, text + line)
        else:
            preamble += line
    return preamble, sections


def file_sections(patch: str) -> list[tuple[str, str]]:
    """``[(path, section text)]`` in order; text before the first header is dropped."""
    return [(path, text) for _, path, text in _split(patch)[1]]


def without_files(patch: str, paths: Iterable[str]) -> str:
    """``patch`` minus every file section that names one of ``paths`` on either side."""
    drop = set(paths)
    if not drop:
        return patch
    preamble, sections = _split(patch)
    return preamble + "".join(text for names, _, text in sections if not names & drop)


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
