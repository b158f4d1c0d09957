"""A sandbox that runs commands as local processes in the workspace directory.

No isolation beyond a private copy of the files and a process group per command, so a
command that times out is killed together with every process it started.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import uuid
from pathlib import Path
from typing import Callable, Mapping, Sequence

from swebot.errors import SandboxError
from swebot.leftovers import owned_scratch, owned_tempdir
from swebot.secrets import sandbox_environment
from swebot.types import ExecResult

DEFAULT_OUTPUT_LIMIT = 1_000_000  # bytes kept per stream
SETTINGS_PREFIX = "SWEBOT_"


def scrubbed_environment(env: Mapping[str, str]) -> dict[str, str]:
    """The inherited environment without secrets and without swebot's own settings: code under
    repair is not trusted with the user's credentials, even without a container (see
    swebot.secrets: held secrets, the variables they came from or were copied to, and names that
    look like credentials), and a project's tests that run pytest or swebot themselves must not
    pick up the SWEBOT_* configuration of the run that repairs them."""
    inherited = {name: value for name, value in env.items() if not name.startswith(SETTINGS_PREFIX)}
    return sandbox_environment(inherited, by_name_pattern=True)


LONG_COMMAND = 100_000  # characters; longer shell commands go through a script file (ARG_MAX)
_MARKER = "_SWEBOT_EXEC_ID"  # private: not one of the SWEBOT_ settings tests must not see


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _kill_marked(marker: str) -> None:
    """Kill every process that inherited this command's marker variable.

    A process that left the process group (setsid, double fork) still carries the environment
    it was started with, so it is found here even after it was reparented.
    """
    needle = f"{_MARKER}={marker}".encode()
    for _ in range(3):  # a fork racing the scan is caught by the next pass
        found = False
        for entry in os.scandir("/proc") if os.path.isdir("/proc") else ():
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                with open(f"/proc/{entry.name}/environ", "rb") as fh:
                    if needle not in fh.read().split(b"\0"):
                        continue
                os.kill(int(entry.name), signal.SIGKILL)
                found = True
            except (OSError, ValueError):
                continue
        if not found:
            return


def _read_bounded(path: Path, limit: int) -> tuple[str, bool]:
    size = path.stat().st_size
    with path.open("rb") as fh:
        if size <= limit:
            return fh.read().decode("utf-8", "replace"), False
        head = fh.read(limit // 2)
        fh.seek(size - limit // 2)
        tail = fh.read()
    cut = size - len(head) - len(tail)
    note = f"\n[... {cut} bytes of output cut by swebot ...]\n".encode()
    return (head + note + tail).decode("utf-8", "replace"), True


def _skip_scratch(root: Path) -> Callable[[str, list[str]], set[str]]:
    """Caches, and the test runs' scratch output under ``.swebot/runs``, are not copied."""
    scratch = root / ".swebot"

    def ignore(directory: str, names: list[str]) -> set[str]:
        skipped = {n for n in names if n in ("__pycache__", ".pytest_cache")}
        if Path(directory) == scratch and "runs" in names:
            skipped.add("runs")
        return skipped

    return ignore


class LocalSandbox:
    """Runs commands with ``root`` as the workspace; the files are the host's own copy."""

    def __init__(
        self,
        root: Path,
        *,
        env: Mapping[str, str] | None = None,
        output_limit: int = DEFAULT_OUTPUT_LIMIT,
    ) -> None:
        self.root = str(Path(root).resolve())
        self._env = scrubbed_environment(os.environ if env is None else env)  # again before each command
        self._output_limit = output_limit
        self._closed = False
        self._procs: set[subprocess.Popen[bytes]] = set()
        self._holder: Path | None = None  # a clone's private folder, removed on close

    def execute(
        self,
        command: str | Sequence[str],
        *,
        timeout: float,
        cwd: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> ExecResult:
        if self._closed:
            raise SandboxError("the sandbox is closed")
        workdir = Path(self.root, cwd or ".")
        marker = uuid.uuid4().hex
        # Filtered at each command: a secret may have been held since the sandbox was opened.
        full_env = {**scrubbed_environment(self._env), **sandbox_environment(env or {}), _MARKER: marker}
        start = time.monotonic()
        # Output goes to files, not pipes: a command printing gigabytes must not fill memory.
        with owned_scratch("swebot-exec-") as tmp:
            if isinstance(command, str) and len(command) > LONG_COMMAND:
                script = Path(tmp, "command.sh")
                script.write_text(command)
                command = ["/bin/sh", str(script)]
            out_path, err_path = Path(tmp, "out"), Path(tmp, "err")
            with out_path.open("wb") as out, err_path.open("wb") as err:
                proc = subprocess.Popen(
                    command,
                    shell=isinstance(command, str),
                    cwd=workdir,
                    env=full_env,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=err,
                    start_new_session=True,
                )
                self._procs.add(proc)
                timed_out = False
                try:
                    proc.wait(timeout=timeout if timeout > 0 else None)
                except subprocess.TimeoutExpired:
                    timed_out = True
                finally:
                    # Children may outlive the main process; they go either way.
                    _kill_group(proc)
                    _kill_marked(marker)
                    proc.wait()
                    self._procs.discard(proc)
            stdout, cut_out = _read_bounded(out_path, self._output_limit)
            stderr, cut_err = _read_bounded(err_path, self._output_limit)
        return ExecResult(
            exit_code=proc.returncode if not timed_out else -signal.SIGKILL,
            stdout=stdout,
            stderr=stderr,
            timed_out=timed_out,
            duration=time.monotonic() - start,
            truncated=cut_out or cut_err,
        )

    def _path(self, path: str) -> Path:
        full = Path(self.root, path).resolve()
        if not full.is_relative_to(self.root):
            raise SandboxError(f"path outside the workspace: {path}")
        return full

    def read_file(self, path: str) -> bytes:
        return self._path(path).read_bytes()

    def write_file(self, path: str, data: bytes) -> None:
        target = self._path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    def copy_in(self, source: Path) -> None:
        if Path(source).resolve() == Path(self.root):
            return
        shutil.copytree(source, self.root, dirs_exist_ok=True, symlinks=True)

    def copy_out(self, dest: Path) -> None:
        if Path(dest).resolve() == Path(self.root):
            return
        shutil.copytree(self.root, dest, dirs_exist_ok=True, symlinks=True)

    def clone(self) -> "LocalSandbox":
        """A sandbox on a private copy of this workspace (files and git baseline; caches and the
        test runs' scratch output left out), removed when the clone is closed."""
        holder = owned_tempdir("swebot-clone-")
        try:
            copy = holder / Path(self.root).name
            shutil.copytree(self.root, copy, symlinks=True, ignore=_skip_scratch(Path(self.root)))
            twin = LocalSandbox(copy, env=self._env, output_limit=self._output_limit)
        except BaseException:
            shutil.rmtree(holder, ignore_errors=True)
            raise
        twin._holder = holder
        return twin

    def close(self) -> None:
        for proc in list(self._procs):
            _kill_group(proc)
        self._closed = True
        if self._holder is not None:
            shutil.rmtree(self._holder, ignore_errors=True)
            self._holder = None

    def __enter__(self) -> "LocalSandbox":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
