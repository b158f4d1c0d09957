"""What a swebot process killed outright (``kill -9``, power loss) leaves behind, and removing it.

Every temporary folder swebot makes (workspace copies, lane and attempt clones, command scratch)
holds an owner file naming the process (host, pid and the pid's start time, so a reused pid is not
taken for the owner); containers carry the same in their labels. The next run and
``swebot sandbox prune`` remove what belongs to a process that is gone, and never what belongs to
a live one.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Mapping

if TYPE_CHECKING:
    import docker

OWNER_FILE = ".swebot-owner"
PREFIX = "swebot-"


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (/proc/PID/stat field 22), or None."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
        return fields[19].decode()
    except (OSError, IndexError):
        return None


def owner_tag() -> dict[str, str]:
    """This process as an owner: host, pid, start time."""
    pid = os.getpid()
    return {"host": socket.gethostname(), "pid": str(pid), "start": _start_time(pid) or ""}


def owner_alive(host: str, pid: str, start: str = "") -> bool | None:
    """Whether the owning process still runs; None when that cannot be known (another host,
    no pid). A pid now held by a process that started at another time is a dead owner."""
    if host != socket.gethostname() or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, under another user
        pass
    if start and _start_time(int(pid)) not in (None, start):
        return False
    return True


def owned_tempdir(prefix: str, dir: str | Path | None = None) -> Path:
    """``tempfile.mkdtemp`` whose folder names this process as its owner."""
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=dir))
    (folder / OWNER_FILE).write_text(json.dumps(owner_tag()))
    return folder


@contextmanager
def owned_scratch(prefix: str) -> Iterator[Path]:
    """An ``owned_tempdir`` removed when the block ends (a TemporaryDirectory with an owner)."""
    folder = owned_tempdir(prefix)
    try:
        yield folder
    finally:
        remove_folder(folder)


def _owner_of(folder: Path) -> Mapping[str, str] | None:
    try:
        data = json.loads((folder / OWNER_FILE).read_text())
    except (OSError, ValueError):
        return None  # not ours, or still being made
    return data if isinstance(data, dict) else None


def stale_folders(root: str | Path | None = None) -> list[Path]:
    """swebot's temporary folders under ``root`` (default: the temp dir) whose owner is dead."""
    base = Path(root or tempfile.gettempdir())
    try:
        entries = [e for e in os.scandir(base) if e.name.startswith(PREFIX) and e.is_dir(follow_symlinks=False)]
    except OSError:
        return []
    stale = []
    for entry in entries:
        owner = _owner_of(Path(entry.path))
        if owner and owner_alive(str(owner.get("host", "")), str(owner.get("pid", "")),
                                 str(owner.get("start", ""))) is False:
            stale.append(Path(entry.path))
    return sorted(stale)


def _force_writable(func: Callable[..., object], path: str, _exc: object) -> None:
    # Copied-out trees may hold read-only folders; their entries cannot go until they are writable.
    try:
        os.chmod(os.path.dirname(path), stat.S_IRWXU)
        os.chmod(path, stat.S_IRWXU)
        func(path)
    except OSError:
        pass


def remove_folder(folder: Path) -> None:
    shutil.rmtree(folder, onerror=_force_writable)


def remove_stale_folders(root: str | Path | None = None) -> list[Path]:
    """Remove the folders ``stale_folders`` finds; the ones removed."""
    removed = []
    for folder in stale_folders(root):
        remove_folder(folder)
        if not folder.exists():
            removed.append(folder)
    return removed


def describe(folders: int, containers: int) -> str:
    parts = [f"{folders} temporary folder(s)" if folders else "", f"{containers} container(s)" if containers else ""]
    return (f"removed {' and '.join(p for p in parts if p)} left behind by swebot runs that were killed "
            "(their processes are gone)")


def container_owner_alive(labels: Mapping[str, str]) -> bool | None:
    """``owner_alive`` for a container, from its owner labels."""
    from swebot.sandbox.images import OWNER_LABEL, OWNER_START_LABEL

    host, _, pid = labels.get(OWNER_LABEL, "").rpartition(":")
    return owner_alive(host, pid, labels.get(OWNER_START_LABEL, ""))


def stale_containers(client: "docker.DockerClient") -> list:
    """swebot's sandbox containers (running or not) whose owning process is dead."""
    from swebot.sandbox.images import LABEL

    # Another run may remove a container between the listing and its inspection: gone, not an error.
    return [c for c in client.containers.list(all=True, filters={"label": f"{LABEL}=1"},
                                                ignore_removed=True)
            if container_owner_alive(c.labels) is False]


def remove_stale_containers(client: "docker.DockerClient") -> list[str]:
    """Remove the containers ``stale_containers`` finds; the short ids removed."""
    removed = []
    for container in stale_containers(client):
        try:
            container.remove(force=True)
        except Exception:  # removed meanwhile (prune, another run): nothing left to do
            continue
        removed.append(container.short_id)
    return removed
