"""A sandbox in one long-lived Docker container per repair.

Commands run through ``docker exec`` of a small helper (``inside_exec.py``) that enforces the
timeout inside the container, kills the command's whole process tree and bounds the output.
The user's files are copied in with put_archive and the results copied out with
get_archive; nothing on the host is mounted. The container has no network unless asked,
limits on memory, CPU and processes, an unprivileged user, no capabilities, and only the
environment variables on an explicit allowlist.
"""

from __future__ import annotations

import atexit
import base64
import copy
import io
import json
import os
import posixpath
import shutil
import socket
import tarfile
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Mapping, Sequence

from swebot.errors import EnvironmentProblem, SandboxError
from swebot.leftovers import owned_tempdir, owner_tag
from swebot.sandbox.images import KIND_LABEL, LABEL, OWNER_LABEL, OWNER_START_LABEL
from swebot.sandbox.tarpit import checked_addresses, route_tarpits
from swebot.secrets import is_secret_variable, sandbox_environment
from swebot.types import ExecResult

if TYPE_CHECKING:
    import docker

DEFAULT_OUTPUT_LIMIT = 1_000_000  # bytes kept per stream, as in the local sandbox
ROOT = "/workspace"
HELPER_PATH = "/opt/swebot/exec.py"
SANDBOX_UID = 1000  # the image's "swebot" user; copied-in files are owned by it
SPEC_ARG_LIMIT = 100_000  # bytes of JSON spec passed as an argument; larger goes via a file
MEMORY_SETTING = "SWEBOT_SANDBOX_MEMORY"  # the variable that sets the containers' memory limit
HOST_GRACE = 15.0  # seconds the host waits past the in-container timeout before stepping in

# The container's whole environment. Nothing from the host leaks in unless named in
# ``env_allowlist``: API keys and tokens in the user's shell stay out.
BASE_ENV = {
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "HOME": "/home/swebot",
    "LANG": "C.UTF-8",
    "PYTHONDONTWRITEBYTECODE": "1",  # keeps __pycache__ out of the diff the user gets back
    "PIP_DISABLE_PIP_VERSION_CHECK": "1",
}


@dataclass(frozen=True)
class Limits:
    """Resource limits for one sandbox container."""

    memory: str = "2g"  # also the swap limit: no swap
    cpus: float = float(min(2, os.cpu_count() or 1))
    pids: int = 1024  # stops fork bombs well before the host notices

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> "Limits":
        """Defaults, overridden by SWEBOT_SANDBOX_MEMORY (e.g. "4g"), _CPUS and _PIDS."""
        default = cls()
        try:
            return cls(
                memory=environ.get(MEMORY_SETTING, default.memory),
                cpus=float(environ.get("SWEBOT_SANDBOX_CPUS", default.cpus)),
                pids=int(environ.get("SWEBOT_SANDBOX_PIDS", default.pids)),
            )
        except ValueError as exc:
            raise EnvironmentProblem(f"bad SWEBOT_SANDBOX_* limit: {exc}") from None


def oom_note(limit: str) -> str:
    """What a command killed by the container's memory limit gets appended to its stderr."""
    return (f"swebot: the sandbox's memory limit ({limit}) killed this command (out of memory); "
            f"raise it with {MEMORY_SETTING}=<size>, e.g. {MEMORY_SETTING}=8g")


class ContainerLost(SandboxError):
    """The container stopped or vanished underneath a call (killed, removed, OOM of PID 1)."""


def connect(timeout: float = 5.0) -> docker.DockerClient:
    """A client for the daemon the environment points at; EnvironmentProblem if none answers."""
    import docker

    try:
        probe = docker.from_env(timeout=timeout)
        probe.ping()
        probe.close()
        # No client-side read timeout: a test run may print nothing for many minutes. Every
        # blocking call that matters (execute) has its own deadline.
        return docker.from_env(timeout=None)
    except Exception as exc:  # the SDK raises DockerException, requests and OS errors alike
        where = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
        raise EnvironmentProblem(
            f"the Docker daemon does not answer at {where} ({type(exc).__name__}: {exc})",
            hint="start Docker (e.g. `sudo systemctl start docker`, or `sudo dockerd &`), "
            "check DOCKER_HOST and that your user may use the socket, or run with --sandbox local",
        ) from None


def _rel(path: str) -> str:
    """``path`` normalised relative to the root; SandboxError if it leaves the root."""
    norm = posixpath.normpath(path.replace("\\", "/"))
    if posixpath.isabs(norm) or norm == ".." or norm.startswith("../"):
        raise SandboxError(f"path outside the workspace: {path}")
    return norm


_GO_SYMLINK = 1 << 27  # os.ModeSymlink in the mode of Docker's path stat (a Go FileMode)


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def _data_filter(member: tarfile.TarInfo, dest: str) -> tarfile.TarInfo:
    """tarfile's "data" filter (Python >= 3.11.4, 3.12): the member as it is safe to extract into
    ``dest``, or an error. Older interpreters (Debian 12's 3.11.2) lack it; there the same rules are
    applied here: an absolute name taken as relative, nothing that lands outside ``dest`` (also through a link placed
    earlier), no link pointing out of it, no device or pipe; ownership left to the host user, no
    setuid/setgid/sticky or group/other write bits."""
    data_filter = getattr(tarfile, "data_filter", None)
    if data_filter is not None:
        return data_filter(member, dest)
    root = os.path.realpath(dest)

    def inside(path: str) -> bool:
        return os.path.commonpath([root, os.path.realpath(path)]) == root

    safe = copy.copy(member)
    safe.name = member.name.lstrip("/" + os.sep)  # an absolute name lands under ``dest``, as Python's does
    if not inside(os.path.join(root, safe.name)):
        raise tarfile.TarError(f"{member.name!r} would be extracted outside {dest}")
    if member.isdev() or member.isfifo():
        raise tarfile.TarError(f"{member.name!r} is a special file")
    if member.islnk() and not inside(os.path.join(root, member.linkname)):
        raise tarfile.TarError(f"{member.name!r} links outside {dest}")
    if member.issym() and not inside(os.path.join(root, os.path.dirname(member.name), member.linkname)):
        raise tarfile.TarError(f"{member.name!r} links outside {dest}")
    safe.uid, safe.gid, safe.uname, safe.gname = os.getuid(), os.getgid(), "", ""
    if safe.mode is not None:
        safe.mode &= 0o755
        if safe.isfile():
            safe.mode |= 0o600
    return safe


def _extract(tar: tarfile.TarFile, member: tarfile.TarInfo, dest: Path) -> None:
    """Extract ``member`` into ``dest`` through the "data" filter (``_data_filter``)."""
    if hasattr(tarfile, "data_filter"):
        tar.extract(member, dest, filter="data")
    else:
        tar.extract(_data_filter(member, str(dest)), dest, set_attrs=True)


def _place_link(dest: Path, member: tarfile.TarInfo) -> None:
    """Recreate a symbolic link from the container as it is, whatever it points at: a link is
    content of the repository (``outside -> /etc`` included), and the "data" filter would refuse
    it. Nothing is written through it: later members that lead through a link out of ``dest``
    are still refused by that filter."""
    as_file = copy.copy(member)
    as_file.type, as_file.linkname = tarfile.REGTYPE, ""
    _data_filter(as_file, str(dest))  # the link's own name must be safe
    target = dest / member.name
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    elif target.is_symlink() or target.exists():
        target.unlink()
    target.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(member.linkname, target)


def _owner(uid: int) -> Callable[[tarfile.TarInfo], tarfile.TarInfo]:
    """A tar filter giving every entry to ``uid`` (numeric: the image may not know our names)."""

    def own(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = uid
        info.uname = info.gname = ""
        return info

    return own


def _dir_entry(name: str, mode: int = 0o755, uid: int = SANDBOX_UID) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.mode, info.mtime = tarfile.DIRTYPE, mode, int(time.time())
    info.uid = info.gid = uid
    return info


# Strong references: a sandbox dropped without close() must still lose its container at exit.
_live: "set[DockerSandbox]" = set()


@atexit.register
def _close_leftovers() -> None:
    # Safety net for callers that never reached close(): no container outlives swebot.
    for sandbox in list(_live):
        sandbox.close()


class DockerSandbox:
    """Commands run in a container started from ``image``; ``root`` (``/workspace``) is the workspace inside."""

    def __init__(
        self,
        client: docker.DockerClient,
        image: str,
        *,
        network: bool = False,
        limits: Limits = Limits(),
        env_allowlist: Sequence[str] = (),
        output_limit: int = DEFAULT_OUTPUT_LIMIT,
        root: str = ROOT,
        uid: int = SANDBOX_UID,
        env: Mapping[str, str] | None = None,
        activate: str = "",
        loopback_hosts: Sequence[str] = (),
        tarpits: Sequence[str] = (),
    ) -> None:
        """``root``/``uid``/``env`` suit images laid out differently (SWE-bench: /testbed, root);
        ``env`` replaces BASE_ENV entries, ``env_allowlist`` names host variables to pass.
        ``activate`` is a bash snippet every command runs after (SWE-bench: ``source
        /opt/miniconda3/bin/activate && conda activate testbed``, as its harness does).
        ``loopback_hosts``: names that resolve to 127.0.0.1 inside, where the image serves them
        itself (requests' tests call https://httpbin.org): the sandbox may then listen on ports
        below 1024, a setting of its own network namespace; no capability is given and nothing
        leaves the container. ``tarpits``: IPv4 addresses a connect to must hang until its timeout
        (requests' tests expect that of 10.255.255.1), routed to loopback and dropped there
        (swebot.sandbox.tarpit); still no capability and no way out."""
        self.root = posixpath.normpath(root)
        self._activate = activate
        self._uid = uid
        self._client = client
        self._image = image
        self._network = network
        self._limits = limits
        self._loopback_hosts = tuple(loopback_hosts)
        self._tarpits = checked_addresses(tarpits)
        # A secret swebot holds stays out even when the allowlist names its variable.
        self._env = sandbox_environment(
            {**BASE_ENV, **(env or {}), **{k: os.environ[k] for k in env_allowlist if k in os.environ}})
        self._output_limit = output_limit
        self._closed = False
        # What was put in, so a container removed from outside can be rebuilt (see recover()).
        self._sources: list[Path] = []
        self._writes: dict[str, bytes] = {}
        # Setup steps run on the workspace (see run_setup), with their timeouts, to redo in a new container.
        self._setup: list[tuple[str, float]] = []
        self._holder: Path | None = None  # a clone's host copy of the workspace, removed on close
        self.container = self._start()
        _live.add(self)

    # -- lifecycle ---------------------------------------------------------------

    def _start(self) -> "docker.models.containers.Container":
        import docker.errors

        try:
            container = self._client.containers.run(
                self._image,
                command=["sleep", "infinity"],
                detach=True,
                init=True,  # reaps orphans, so killed process trees do not linger as zombies
                user=f"{self._uid}:{self._uid}",
                working_dir=self.root,
                environment=self._env,
                labels={LABEL: "1", KIND_LABEL: "sandbox", OWNER_LABEL: f"{socket.gethostname()}:{os.getpid()}",
                        OWNER_START_LABEL: owner_tag()["start"]},
                network_mode="bridge" if self._network else "none",
                mem_limit=self._limits.memory,
                memswap_limit=self._limits.memory,
                nano_cpus=int(self._limits.cpus * 1e9),
                pids_limit=self._limits.pids,
                cap_drop=["ALL"],
                security_opt=["no-new-privileges"],
                **self._loopback_settings(),
            )
        except docker.errors.ImageNotFound:
            raise EnvironmentProblem(f"the sandbox image {self._image} is missing") from None
        except docker.errors.DockerException as exc:
            raise SandboxError(f"could not start a sandbox container from {self._image}: {exc}") from None
        try:
            self._install_helper(container)
            route_tarpits(self._client, container, self._image, self._tarpits)
        except BaseException:
            container.remove(force=True)
            raise
        return container

    def _loopback_settings(self) -> dict[str, dict[str, str]]:
        if not self._loopback_hosts:
            return {}
        # Docker >= 20.10 sets this sysctl by default; older engines need it said.
        return {"extra_hosts": {name: "127.0.0.1" for name in self._loopback_hosts},
                "sysctls": {"net.ipv4.ip_unprivileged_port_start": "0"}}

    def _install_helper(self, container: "docker.models.containers.Container") -> None:
        # Shipped with every container rather than baked into the image, so any image with
        # python3 works and the helper always matches this swebot.
        source = Path(__file__).with_name("inside_exec.py").read_bytes()
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as tar:
            tar.addfile(_dir_entry("opt", uid=0))
            tar.addfile(_dir_entry("opt/swebot", uid=0))
            info = tarfile.TarInfo(HELPER_PATH.lstrip("/"))
            info.size, info.mode = len(source), 0o644
            tar.addfile(info, io.BytesIO(source))
            # /workspace must belong to the sandbox user whatever the image did.
            tar.addfile(_dir_entry(self.root.lstrip("/"), uid=self._uid))
        container.put_archive("/", buf.getvalue())

    def clone(self) -> "DockerSandbox":
        """A second container from the same image and settings holding a copy of this workspace,
        for attempts that run side by side. Same image means same root and environment, so an
        editable install pointing at the root (SWE-bench's /testbed) stays right in the copy.
        The host copy it was filled from is kept until it closes, so it can recover() too."""
        self._check_open()
        holder = owned_tempdir("swebot-clone-")
        try:
            self.copy_out(holder / "workspace")
            twin = DockerSandbox(self._client, self._image, network=self._network, limits=self._limits,
                                 output_limit=self._output_limit, root=self.root, uid=self._uid, env=self._env,
                                 activate=self._activate, loopback_hosts=self._loopback_hosts,
                                 tarpits=self._tarpits)
        except BaseException:
            shutil.rmtree(holder, ignore_errors=True)
            raise
        twin._holder = holder
        try:
            twin.copy_in(holder / "workspace")
            twin._redo_setup(self._setup)
        except BaseException:
            twin.close()
            raise
        return twin

    def close(self) -> None:
        """Remove the container. Idempotent; safe from exception handlers and atexit."""
        if self._closed:
            return
        self._closed = True
        _live.discard(self)
        try:
            self.container.remove(force=True)
        except Exception:  # already gone (removed from outside, daemon restarted): nothing to do
            pass
        if self._holder is not None:
            shutil.rmtree(self._holder, ignore_errors=True)

    def __enter__(self) -> "DockerSandbox":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check_open(self) -> None:
        if self._closed:
            raise SandboxError("the sandbox is closed")

    @contextmanager
    def _docker_errors(self, during: str, failure: str, *, not_found: Exception | None = None) -> Iterator[None]:
        """The one mapping of the SDK's errors inside a call: ContainerLost when the container is
        gone, else ``not_found`` for a missing path (when given), else SandboxError("<failure>: ...")."""
        import docker.errors

        try:
            yield
        except docker.errors.NotFound as exc:
            raise self._lost(during) or not_found or SandboxError(f"{failure}: {exc}") from None
        except docker.errors.DockerException as exc:
            raise self._lost(during) or SandboxError(f"{failure}: {exc}") from None

    def _lost(self, during: str, settle: float = 0.0) -> ContainerLost | None:
        """A ContainerLost if the container is no longer running, else None.

        ``settle``: how long to keep looking. A killed container's exec streams end before
        the daemon marks it stopped, so a broken stream alone is not yet proof.
        """
        deadline = time.monotonic() + settle
        while True:
            lost = self._check_lost(during)
            if lost is not None or time.monotonic() >= deadline:
                return lost
            time.sleep(0.1)

    def _check_lost(self, during: str) -> ContainerLost | None:
        import docker.errors

        try:
            self.container.reload()
        except docker.errors.NotFound:
            return ContainerLost(f"the sandbox container was removed during {during}")
        except docker.errors.DockerException as exc:
            return ContainerLost(f"the Docker daemon failed during {during}: {exc}")
        state = self.container.attrs.get("State", {})
        if state.get("Running"):
            return None
        why = "killed by the kernel's OOM killer" if state.get("OOMKilled") else f"exit code {state.get('ExitCode')}"
        return ContainerLost(f"the sandbox container stopped during {during} ({why})")

    def recover(self) -> None:
        """Bring the sandbox back after ContainerLost: restart the stopped container (its files
        survive), or start a new one, put back what was copied in, run the setup steps again (what
        they wrote was in the lost container only), then put back what was written."""
        import docker.errors

        self._check_open()
        try:
            self.container.reload()
            self.container.start()
            self._install_helper(self.container)  # /opt is intact, but cheap and certain
            return
        except docker.errors.NotFound:
            pass
        except docker.errors.DockerException as exc:
            raise ContainerLost(f"could not restart the sandbox container: {exc}") from None
        self.container = self._start()
        sources, writes = list(self._sources), dict(self._writes)
        self._sources, self._writes = [], {}
        for source in sources:
            self.copy_in(source)
        setup, self._setup = self._setup, []
        self._redo_setup(setup)
        for path, data in writes.items():
            self.write_file(path, data)

    def run_setup(self, command: str, *, timeout: float) -> ExecResult:
        """Run a step that prepares the workspace (an environment's instance setup), remembered
        when it succeeds: what it writes (pytest's ``_pytest/_version.py``, the installed package's
        metadata) lives only in this container, so a container recover() starts anew, or a clone,
        gets the step run again once the workspace is back in it."""
        result = self.execute(command, timeout=timeout)
        if result.ok:
            self._setup.append((command, timeout))
        return result

    def _redo_setup(self, steps: Sequence[tuple[str, float]]) -> None:
        for command, timeout in steps:
            result = self.run_setup(command, timeout=timeout)
            if not result.ok:
                raise SandboxError(f"the setup step `{command}` failed in a new container (exit {result.exit_code}):"
                                   f"\n{(result.stdout + result.stderr)[-2000:]}")

    # -- commands ----------------------------------------------------------------

    def execute(
        self,
        command: str | Sequence[str],
        *,
        timeout: float,
        cwd: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> ExecResult:
        self._check_open()
        if self._activate:
            command = (["bash", "-c", f"{self._activate} && {command}"] if isinstance(command, str)
                       else ["bash", "-c", f'{self._activate} && exec "$@"', "bash", *command])
        marker = uuid.uuid4().hex
        workdir = posixpath.join(self.root, _rel(cwd or "."))
        spec = {
            "command": command if isinstance(command, str) else list(command),
            "cwd": workdir,
            "timeout": timeout,
            "limit": self._output_limit,
            "marker": marker,
        }
        # The container's environment was fixed at start; a secret held since is unset per command.
        unset = sorted(k for k, v in self._env.items() if is_secret_variable(k, v))
        if unset:
            spec["unset"] = unset
        start = time.monotonic()
        api = self._client.api
        spec_arg = json.dumps(spec)
        if len(spec_arg) > SPEC_ARG_LIMIT:
            spec_arg = self._stage_spec(spec_arg, marker)
        with self._docker_errors("execute", "docker exec failed"):
            exec_id = api.exec_create(
                self.container.id,
                ["python3", HELPER_PATH, spec_arg],
                environment=sandbox_environment(env or {}),
                workdir=self.root,  # the helper changes to cwd itself and reports a missing one
            )["Id"]

        outcome: dict[str, object] = {}

        def run() -> None:
            try:
                outcome["output"] = api.exec_start(exec_id, demux=True)
            except BaseException as exc:  # reported to the caller's thread below
                outcome["error"] = exc

        # exec_start blocks; a worker thread lets the host keep its own deadline and lets
        # Ctrl-C reach the caller (and so close()) while a command runs.
        worker = threading.Thread(target=run, daemon=True, name="swebot-exec")
        worker.start()
        host_deadline = timeout + HOST_GRACE if timeout > 0 else None
        worker.join(host_deadline)
        host_killed = worker.is_alive()
        if host_killed:
            # The in-container timeout did not come back (daemon stalled, helper starved):
            # kill by marker from a second exec and report a timeout.
            self._kill_marker(marker)
            worker.join(HOST_GRACE)
            if worker.is_alive():
                raise self._lost("execute") or SandboxError(
                    f"a command did not stop {HOST_GRACE:.0f}s after its {timeout}s timeout"
                )
        if "error" in outcome:
            raise self._lost("execute", settle=3.0) or SandboxError(f"docker exec failed: {outcome['error']}")
        raw_out: bytes | None
        raw_err: bytes | None
        raw_out, raw_err = outcome["output"]  # type: ignore[misc]  # demux=True: a (stdout, stderr) pair
        try:
            result = json.loads((raw_out or b"").decode("utf-8"))
        except ValueError:
            lost = self._lost("execute", settle=3.0)
            if lost:
                raise lost from None
            tail = (raw_err or raw_out or b"").decode("utf-8", "replace")[-2000:]
            raise SandboxError(f"the sandbox helper failed (does the image have python3?): {tail}") from None
        exit_code = int(result["exit_code"])
        oom_killed = result.get("oom_killed")
        if oom_killed is None and exit_code in (-9, 128 + 9):  # no cgroup counter: ask the daemon
            oom_killed = self._state_oom_killed()
        stderr = result["stderr"]
        if oom_killed:
            stderr += ("\n" if stderr and not stderr.endswith("\n") else "") + oom_note(self._limits.memory) + "\n"
        return ExecResult(
            exit_code=exit_code,
            stdout=result["stdout"],
            stderr=stderr,
            timed_out=bool(result["timed_out"]) or host_killed,
            duration=time.monotonic() - start,
            truncated=bool(result["truncated"]),
            oom_killed=bool(oom_killed),
        )

    def _state_oom_killed(self) -> bool:
        try:
            self.container.reload()
        except Exception:  # the caller's result stands either way
            return False
        return bool(self.container.attrs.get("State", {}).get("OOMKilled"))

    def _stage_spec(self, spec_arg: str, marker: str) -> str:
        """Put a large spec in a file: one exec argument may not exceed 128 KiB (MAX_ARG_STRLEN),
        and a heredoc writing a big file easily does. Returns the helper's ``@path`` argument."""
        data = spec_arg.encode()
        name = f"tmp/swebot-spec-{marker}.json"
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as tar:
            info = _owner(self._uid)(tarfile.TarInfo(name))
            info.size, info.mode = len(data), 0o600
            tar.addfile(info, io.BytesIO(data))
        with self._docker_errors("execute", "staging a command failed"):
            self.container.put_archive("/", buf.getvalue())
        return "@/" + name

    def _kill_marker(self, marker: str) -> None:
        try:
            # As the sandbox user: root in here has no CAP_KILL over other users' processes.
            self.container.exec_run(["python3", HELPER_PATH, "--kill", marker])
        except Exception:  # best effort; the caller reports the outcome either way
            pass

    # -- files -------------------------------------------------------------------

    def read_file(self, path: str) -> bytes:
        self._check_open()
        rel = _rel(path)
        for _ in range(8):  # follow a few symlinks, as reading a host file would
            with self._docker_errors("read_file", f"reading {path} failed",
                                     not_found=FileNotFoundError(f"{path} (in the sandbox)")):
                stream, _stat = self.container.get_archive(posixpath.join(self.root, rel))
            with tarfile.open(fileobj=io.BytesIO(b"".join(stream)), mode="r") as tar:
                member = tar.next()
                if member is None:
                    raise FileNotFoundError(path)
                if member.issym():
                    rel = _rel(posixpath.join(posixpath.dirname(rel), member.linkname))
                    continue
                if member.isdir():
                    raise IsADirectoryError(path)
                handle = tar.extractfile(member)
                return handle.read() if handle else b""
        raise SandboxError(f"too many symbolic links: {path}")

    def _stat(self, path: str) -> dict[str, object] | None:
        """Docker's stat of an absolute path in the container (None when missing), without
        fetching its content: a HEAD on the archive endpoint."""
        api = self._client.api
        response = api.head(api._url("/containers/{0}/archive", self.container.id), params={"path": path})
        if response.status_code == 404:
            return None
        api._raise_for_status(response)
        header = response.headers.get("X-Docker-Container-Path-Stat", "")
        return json.loads(base64.b64decode(header)) if header else {}

    def _resolve(self, rel: str, path: str) -> tuple[str, list[str], int | None]:
        """Where writing ``rel`` lands once symbolic links are followed, as the host's file
        system would: (deepest existing directory, the parts still to create under it, the
        mode of the existing file or None). SandboxError when a link leads out of the root.

        Tar entries never follow links (a file or directory entry replaces the link), so the
        caller writes the missing parts under a directory that is real.
        """
        current, parts = self.root, rel.split("/")
        for i, part in enumerate(parts):
            candidate = posixpath.join(current, part)
            stat = self._stat(candidate)
            for _ in range(40):  # as the kernel's ELOOP limit
                if stat is None or not int(stat.get("mode", 0)) & _GO_SYMLINK:  # type: ignore[call-overload]  # the archive's stat header is JSON: mode is a number
                    break
                # Docker resolves the whole chain in the container's own scope.
                candidate = posixpath.normpath(str(stat.get("linkTarget") or ""))
                if not _inside(candidate, self.root):
                    raise SandboxError(f"path outside the workspace: {path} (a symbolic link leads out)")
                stat = self._stat(candidate)
            else:
                raise SandboxError(f"too many symbolic links: {path}")
            if stat is None:
                return posixpath.dirname(candidate), [posixpath.basename(candidate), *parts[i + 1:]], None
            if i == len(parts) - 1:
                return posixpath.dirname(candidate), [posixpath.basename(candidate)], \
                    int(stat.get("mode", 0o644)) & 0o777  # type: ignore[call-overload]  # the archive's stat header is JSON: mode is a number
            current = candidate
        raise SandboxError(f"not a file path: {path}")

    def write_file(self, path: str, data: bytes) -> None:
        self._check_open()
        rel = _rel(path)
        if rel == ".":
            raise IsADirectoryError(path)
        with self._docker_errors("write_file", f"writing {path} failed"):
            # Through a symbolic link the target is written, as locally; an existing file keeps
            # its mode (an executable script must stay executable in the diff).
            where, missing, mode = self._resolve(rel, path)
            buf = io.BytesIO()
            with tarfile.open(fileobj=buf, mode="w") as tar:
                for i in range(1, len(missing)):
                    tar.addfile(_dir_entry("/".join(missing[:i]), uid=self._uid))
                info = _owner(self._uid)(tarfile.TarInfo("/".join(missing)))
                info.size, info.mode, info.mtime = len(data), mode or 0o644, int(time.time())
                tar.addfile(info, io.BytesIO(data))
            self.container.put_archive(where, buf.getvalue())
        self._writes[rel] = data

    def copy_in(self, source: Path) -> None:
        """Copy the tree at ``source`` (with its .git) over the workspace."""
        self._check_open()
        with tempfile.TemporaryFile(prefix="swebot-copy-in-") as fh:
            with tarfile.open(fileobj=fh, mode="w") as tar:
                tar.add(str(source), arcname=self.root.lstrip("/"), filter=_owner(self._uid))
            fh.seek(0)
            with self._docker_errors("copy_in", f"copying {source} in failed"):
                self.container.put_archive("/", fh)
        self._sources.append(Path(source))
        self._writes.clear()  # later sources supersede earlier single-file writes

    def copy_out(self, dest: Path) -> None:
        """Write the container's workspace over the host folder ``dest``."""
        self._check_open()
        dest = Path(dest)
        dest.mkdir(parents=True, exist_ok=True)
        with self._docker_errors("copy_out", "copying the workspace out failed"):
            stream, _stat = self.container.get_archive(self.root)
            with tempfile.TemporaryFile(prefix="swebot-copy-out-") as fh:
                for chunk in stream:
                    fh.write(chunk)
                fh.seek(0)
                with tarfile.open(fileobj=fh, mode="r") as tar:
                    top = posixpath.basename(self.root)
                    for member in tar:
                        if member.name == top:
                            continue
                        member.name = member.name[len(top) + 1 :]
                        target = dest / member.name
                        if member.issym():
                            _place_link(dest, member)
                            continue
                        if member.isfile() and target.is_file() and not target.is_symlink():
                            target.unlink()  # git objects are read-only; replace, do not rewrite
                        # The "data" filter refuses absolute names, escapes (also through a link
                        # placed earlier) and device files, and leaves ownership to the host user.
                        _extract(tar, member, dest)
