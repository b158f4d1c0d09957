"""Opening the sandbox a repair asks for: ``--sandbox auto|docker|local``.

``auto`` prefers Docker and falls back to local processes with a visible warning when no
daemon answers (or the base image is missing); ``docker`` insists and raises
EnvironmentProblem (exit 3) with what to do. A Docker sandbox comes wrapped so that a
container lost mid-run (killed, removed) is brought back and the call retried once.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping, Sequence, TypeVar

from swebot.errors import BadInput, EnvironmentProblem
from swebot.leftovers import describe, remove_stale_containers
from swebot.sandbox.local import LocalSandbox
from swebot.types import ExecResult, Sandbox

if TYPE_CHECKING:
    import docker

    from swebot.sandbox.docker import DockerSandbox

KINDS = ("auto", "docker", "local")
SWEBENCH_KIND_PREFIX = "swebench:"  # "swebench:<image>": a SWE-bench instance image, repo in /testbed
SWEBENCH_ROOT = "/testbed"
# SWE-bench images keep the instance's interpreter in a conda env named testbed; the PATH covers
# commands that skip activation (swebot's own helper), every command activates it as the harness does.
SWEBENCH_ENV = {
    "PATH": "/opt/miniconda3/envs/testbed/bin:/opt/miniconda3/bin:"
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "HOME": "/root",
}
SWEBENCH_ACTIVATE = "source /opt/miniconda3/bin/activate && conda activate testbed"
SPECENV_KIND_PREFIX = "specenv:"  # "specenv:<image>": swebot's environment built from a harness spec
SPECENV_ENV = {"PATH": "/opt/testbed/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
               "HOME": "/root", "VIRTUAL_ENV": "/opt/testbed"}
SPECENV_ACTIVATE = ". /opt/testbed/bin/activate"
T = TypeVar("T")


def _warn(message: str) -> None:
    print(f"swebot: warning: {message}", file=sys.stderr)


def env_allowlist() -> tuple[str, ...]:
    """Host variables the user lets into Docker sandboxes: SWEBOT_SANDBOX_ENV="NAME1,NAME2"."""
    return tuple(n.strip() for n in os.environ.get("SWEBOT_SANDBOX_ENV", "").split(",") if n.strip())


class RetryingSandbox:
    """Wraps a DockerSandbox: on ContainerLost, recover() the container and retry once.

    A second loss in a row propagates as the SandboxError it is.
    """

    def __init__(self, inner: "DockerSandbox", on_warning: Callable[[str], None] = _warn) -> None:
        self.inner = inner
        self.root = inner.root
        self._on_warning = on_warning

    def _retry(self, call: Callable[[], T]) -> T:
        from swebot.sandbox.docker import ContainerLost

        try:
            return call()
        except ContainerLost as exc:
            self._on_warning(f"{exc}; starting it again and retrying once")
            self.inner.recover()
            return call()

    def execute(
        self,
        command: str | Sequence[str],
        *,
        timeout: float,
        cwd: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> ExecResult:
        return self._retry(lambda: self.inner.execute(command, timeout=timeout, cwd=cwd, env=env))

    def read_file(self, path: str) -> bytes:
        return self._retry(lambda: self.inner.read_file(path))

    def write_file(self, path: str, data: bytes) -> None:
        self._retry(lambda: self.inner.write_file(path, data))

    def copy_in(self, source: Path) -> None:
        self._retry(lambda: self.inner.copy_in(source))

    def copy_out(self, dest: Path) -> None:
        self._retry(lambda: self.inner.copy_out(dest))

    def clone(self) -> "RetryingSandbox":
        """A second container with a copy of the workspace (see DockerSandbox.clone)."""
        return RetryingSandbox(self._retry(self.inner.clone), self._on_warning)

    def close(self) -> None:
        self.inner.close()

    def __enter__(self) -> "RetryingSandbox":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_docker(
    workspace: Path,
    *,
    network: bool = False,
    on_warning: Callable[[str], None] = _warn,
    on_log: Callable[[str], None] | None = None,
    client: "docker.DockerClient | None" = None,
) -> RetryingSandbox:
    """A Docker sandbox on the workspace's environment image, with the workspace copied in."""
    from swebot.sandbox.docker import DockerSandbox, Limits, connect
    from swebot.sandbox.images import build_env_image

    client = client or connect()
    _remove_leftovers(client, on_warning)
    image = build_env_image(client, workspace, on_log=on_log)
    sandbox = DockerSandbox(client, image, network=network, limits=Limits.from_env(),
                            env_allowlist=env_allowlist())
    return _filled(sandbox, workspace, on_warning)


def _remove_leftovers(client: "docker.DockerClient", on_warning: Callable[[str], None]) -> None:
    """Containers of swebot runs killed outright (kill -9) go, and the user hears of it; a live
    run's never do."""
    leftovers = remove_stale_containers(client)
    if leftovers:
        on_warning(describe(0, len(leftovers)) + f": {', '.join(leftovers)}")


SETUP_TIMEOUT = 1800.0


def _filled(sandbox: "DockerSandbox", workspace: Path,
            on_warning: Callable[[str], None], setup: Sequence[str] = ()) -> RetryingSandbox:
    """The container with the workspace copied in and ``setup`` run on it, retried once when lost;
    closed if copying or the setup fails (EnvironmentProblem with the step's output)."""
    try:
        sandbox.copy_in(workspace)
        for step in setup:
            result = sandbox.run_setup(step, timeout=SETUP_TIMEOUT)
            if result.exit_code != 0:
                raise EnvironmentProblem(f"the environment's setup step `{step}` failed "
                                         f"(exit {result.exit_code}):\n{(result.stdout + result.stderr)[-2000:]}")
    except BaseException:
        sandbox.close()
        raise
    return RetryingSandbox(sandbox, on_warning)


def open_swebench(
    image: str,
    workspace: Path,
    *,
    network: bool = False,
    on_warning: Callable[[str], None] = _warn,
    env: Mapping[str, str] = SWEBENCH_ENV,
    activate: str = SWEBENCH_ACTIVATE,
    setup: Sequence[str] = (),
) -> RetryingSandbox:
    """A sandbox in a SWE-bench instance image (or swebot's environment built from a harness spec,
    laid out the same with a virtualenv for the conda env): runs as root in /testbed, its
    environment activated; the workspace is copied over /testbed."""
    from swebot.sandbox.docker import DockerSandbox, Limits, connect
    from swebot.sandbox.images import image_exists

    client = connect()
    _remove_leftovers(client, on_warning)
    if not image_exists(client, image):
        raise EnvironmentProblem(f"the SWE-bench image {image} is not present locally",
                                 hint="build it with the SWE-bench harness, or run with --sandbox docker")
    sandbox = DockerSandbox(client, image, network=network, limits=Limits.from_env(),
                            env_allowlist=env_allowlist(), root=SWEBENCH_ROOT, uid=0, env=env, activate=activate,
                            loopback_hosts=loopback_hosts(client, image), tarpits=tarpit_addresses(client, image))
    return _filled(sandbox, workspace, on_warning, setup)


def loopback_hosts(client: "docker.DockerClient", image: str) -> tuple[str, ...]:
    """The names the image serves on loopback itself (its LOOPBACK_HOSTS_LABEL); none for images
    swebot did not build."""
    from swebot.sandbox.images import LOOPBACK_HOSTS_LABEL

    labels = client.images.get(image).labels or {}
    return tuple(labels.get(LOOPBACK_HOSTS_LABEL, "").split())


def tarpit_addresses(client: "docker.DockerClient", image: str) -> tuple[str, ...]:
    """The addresses the image's tests expect a connect to time out on (its TARPIT_ADDRESSES_LABEL)."""
    from swebot.sandbox.images import TARPIT_ADDRESSES_LABEL

    labels = client.images.get(image).labels or {}
    return tuple(labels.get(TARPIT_ADDRESSES_LABEL, "").split())


def open_sandbox(
    kind: str,
    workspace: Path,
    *,
    on_warning: Callable[[str], None] = _warn,
    network: bool = False,
    setup: Sequence[str] = (),
) -> Sandbox:
    """Open a sandbox of ``kind`` ('auto', 'docker', 'local', 'swebench:<image>' or
    'specenv:<image>') on ``workspace``. ``setup``: shell steps run on the workspace in an image
    sandbox before anything else (for an environment built from a harness spec, the spec's
    instance setup: its caller knows the spec).

    Docker copies the workspace in; local uses it in place. EnvironmentProblem for 'docker'
    when no daemon answers or the base image is missing; 'auto' then warns and goes local.
    """
    workspace = Path(workspace)
    if kind.startswith(SWEBENCH_KIND_PREFIX):
        return open_swebench(kind[len(SWEBENCH_KIND_PREFIX):], workspace, network=network, on_warning=on_warning,
                             setup=setup)
    if kind.startswith(SPECENV_KIND_PREFIX):
        image = kind[len(SPECENV_KIND_PREFIX):]
        return open_swebench(image, workspace, network=network, on_warning=on_warning,
                             env=SPECENV_ENV, activate=SPECENV_ACTIVATE,
                             setup=setup)
    if kind not in KINDS:
        raise BadInput(f"unknown sandbox kind {kind!r}; choose one of {', '.join(KINDS)}")
    if kind == "local":
        return LocalSandbox(workspace)
    if kind == "docker":
        return open_docker(workspace, network=network, on_warning=on_warning)
    from swebot.sandbox.docker import connect
    from swebot.sandbox.images import ensure_base_image

    try:
        client = connect()
        ensure_base_image(client)
    except EnvironmentProblem as exc:
        on_warning(f"running tests as local processes, without isolation: {exc}")
        return LocalSandbox(workspace)
    return open_docker(workspace, network=network, on_warning=on_warning, client=client)
