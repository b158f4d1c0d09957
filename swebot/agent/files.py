"""File access for the tools: every path is checked to stay inside the workspace, and every
read and write goes through the ``Sandbox`` (so it works in a container too)."""

from __future__ import annotations

import posixpath
import shlex

from swebot.errors import SandboxError
from swebot.source_encoding import SourceDecodeError, decode_source
from swebot.types import Sandbox
from swebot.workspace import SCRATCH_DIR



class PathRefused(ValueError):
    """A path that points outside the workspace (or into places the agent must not touch)."""


def clean_path(path: str, root: str) -> str:
    """``path`` as a normalized path relative to the workspace root; PathRefused when it escapes."""
    text = str(path).strip()
    if not text:
        raise PathRefused("empty path")
    if text.startswith("/"):
        root = root.rstrip("/")
        if text == root or text.startswith(root + "/"):
            text = text[len(root) :].lstrip("/") or "."
        else:
            raise PathRefused(f"{path} is outside the workspace; use a path relative to the repository root")
    norm = posixpath.normpath(text)
    if norm == ".." or norm.startswith("../"):
        raise PathRefused(f"{path} is outside the workspace")
    first = norm.split("/", 1)[0]
    if first in (".git", SCRATCH_DIR):
        raise PathRefused(f"{path} is internal ({first}/); it cannot be read or edited")
    return norm


def _refuse_escapes(exc: SandboxError, path: str) -> None:
    """A sandbox refusing a path (a symlink leading out) is the model's problem, not a crash."""
    if "outside the workspace" in exc.message:
        raise PathRefused(f"{path} leads outside the workspace") from None


class Files:
    """Text files of the workspace, read and written through the sandbox."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    def path(self, path: str) -> str:
        return clean_path(path, self.sandbox.root)

    def read_bytes(self, path: str) -> bytes | None:
        """The file's bytes, or None when it does not exist."""
        rel = self.path(path)
        try:
            return self.sandbox.read_file(rel)
        except SandboxError as exc:
            _refuse_escapes(exc, path)
            raise
        except OSError:  # missing, a directory, unreadable
            return None

    def read_text(self, path: str) -> str | None:
        """The file as text, in the encoding it declares (PEP 263 for Python files)."""
        data = self.read_bytes(path)
        if data is None:
            return None
        try:
            return decode_source(data, path).text
        except SourceDecodeError:  # shown anyway; the edit tools refuse to write it back
            return data.decode("utf-8", "replace")

    def write_bytes(self, path: str, data: bytes) -> None:
        try:
            self.sandbox.write_file(self.path(path), data)
        except SandboxError as exc:
            _refuse_escapes(exc, path)
            raise

    def delete(self, path: str) -> None:
        self.sandbox.execute(["rm", "-f", "--", self.path(path)], timeout=30)

    def listing(self, pattern: str = "") -> list[str]:
        """Files of the repository (tracked and untracked-not-ignored), optionally one glob."""
        spec = [pattern] if pattern else []
        res = self.sandbox.execute(
            ["git", "ls-files", "-z", "-co", "--exclude-standard", "--", *spec], timeout=60
        )
        if res.exit_code == 0:
            return [p for p in res.stdout.split("\0") if p and not p.startswith(SCRATCH_DIR + "/")]
        name = f" -name {shlex.quote(pattern)}" if pattern else ""
        res = self.sandbox.execute(f"find . -type f{name} -not -path './.git/*'", timeout=60)
        return sorted(p[2:] for p in res.stdout.splitlines() if p.startswith("./"))
