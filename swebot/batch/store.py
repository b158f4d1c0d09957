"""The batch output folder's durable files: ``preds.jsonl`` and small JSON documents.

``preds.jsonl`` is the source of truth for "finished": an instance is finished once its line is
in the file. Lines are appended whole (one ``write`` of the full line on an ``O_APPEND``
descriptor, then ``fsync``) under an exclusive ``fcntl`` lock, so a crash leaves at worst one
truncated last line, which ``repair`` cuts off before the next append.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from swebot.source_encoding import escape_surrogates


@contextmanager
def locked(lock_path: Path) -> Iterator[None]:
    """An exclusive advisory lock on ``lock_path`` (created when missing)."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON to a temporary sibling, fsync it, and rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, sort_keys=False, default=str)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def read_json(path: Path) -> Any | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


class PredictionStore:
    """``preds.jsonl`` in the SWE-bench predictions format, one line per finished instance."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = self.path.with_name(self.path.name + ".lock")

    def repair(self) -> int:
        """Cut a truncated last line (a crash mid-write); return how many bytes were dropped."""
        with locked(self._lock):
            return self._repair_unlocked()

    def _repair_unlocked(self) -> int:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return 0
        if not data or data.endswith(b"\n"):
            return 0
        keep = data.rfind(b"\n") + 1
        with open(self.path, "r+b") as fh:
            fh.truncate(keep)
            fh.flush()
            os.fsync(fh.fileno())
        return len(data) - keep

    def load(self) -> dict[str, dict[str, Any]]:
        """instance_id -> its (last) prediction; lines that do not parse are ignored."""
        found: dict[str, dict[str, Any]] = {}
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return found
        for line in text.splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and isinstance(record.get("instance_id"), str):
                found[record["instance_id"]] = record
        return found

    def append(self, record: Mapping[str, Any]) -> None:
        line = (escape_surrogates(json.dumps(dict(record), ensure_ascii=False)) + "\n").encode("utf-8")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with locked(self._lock):
            self._repair_unlocked()
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                written = os.write(fd, line)
                if written != len(line):  # a short write on a full disk: do not leave half a line
                    os.ftruncate(fd, os.fstat(fd).st_size - written)
                    raise OSError(f"short write to {self.path} ({written} of {len(line)} bytes)")
                os.fsync(fd)
            finally:
                os.close(fd)

    def drop(self, instance_ids: Iterable[str]) -> int:
        """Rewrite the file without the given instances (for ``--redo``); return lines dropped."""
        drop = set(instance_ids)
        with locked(self._lock):
            self._repair_unlocked()
            if not self.path.exists():
                return 0
            kept, dropped = [], 0
            for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
                try:
                    record = json.loads(line)
                except ValueError:
                    dropped += 1
                    continue
                if isinstance(record, dict) and record.get("instance_id") in drop:
                    dropped += 1
                else:
                    kept.append(line + "\n")
            tmp = self.path.with_name(f".{self.path.name}.tmp")
            with open(tmp, "w", encoding="utf-8") as fh:
                fh.writelines(kept)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
            return dropped
