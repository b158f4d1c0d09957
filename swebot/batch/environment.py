"""Where an instance runs: its SWE-bench image (present locally or pulled), else swebot's sandbox.

The SWE-bench harness publishes one image per instance, ``<namespace>/sweb.eval.x86_64.<id>:latest``
(``__`` in the id spelled ``_1776_``; namespace ``swebench``), with the repository in ``/testbed``
and a conda environment named ``testbed``. In order:

1. a local image the harness built (``sweb.eval.x86_64.<id>:latest``) or pulled before
   (``<namespace>/sweb.eval...``);
2. the official image, pulled from the registry (progress shown); a refused or failed pull is a
   note, never a crash;
3. the requested ``--sandbox`` (which may build an environment from the harness's spec).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from typing import TYPE_CHECKING

from swebot.batch.dataset import swebench_image_name
from swebot.errors import EnvironmentProblem
from swebot.sandbox.factory import SPECENV_KIND_PREFIX, SWEBENCH_KIND_PREFIX

if TYPE_CHECKING:
    from swebot.batch.dataset import Instance
    from swebot.batch.repos import RepoCache

IMAGE_KINDS = (SWEBENCH_KIND_PREFIX, SPECENV_KIND_PREFIX)  # sandboxes that are the instance's environment
# "" pulls nothing (local images only); the test suite sets that so it never leaves loopback.
OFFICIAL_NAMESPACE = "swebench"
DEFAULT_NAMESPACE = os.environ.get("SWEBOT_IMAGE_NAMESPACE", OFFICIAL_NAMESPACE)
PULL_TIMEOUT = 3600.0  # seconds for one pull; official images are 1-3 GB
Progress = Callable[[str], None]


class PullFailed(EnvironmentProblem):
    """An image could not be pulled (refused, absent, no registry, no engine)."""


@dataclass(frozen=True)
class ImagePolicy:
    """Whether and where swebot looks for SWE-bench instance images."""

    use_images: bool = True
    namespace: str = field(default_factory=lambda: DEFAULT_NAMESPACE)
    pull: bool = True


def official_image_name(instance_id: str, namespace: str = OFFICIAL_NAMESPACE) -> str:
    """``<namespace>/sweb.eval.x86_64.<id>:latest`` as the harness names its published images."""
    return f"{namespace.rstrip('/')}/{swebench_image_name(instance_id)}" if namespace else swebench_image_name(instance_id)


def docker_image_exists(name: str) -> bool:
    """True when the local Docker engine has image ``name``; False when absent or no engine answers."""
    from swebot.sandbox.docker import connect  # the Docker SDK: only when a batch asks
    from swebot.sandbox.images import image_exists

    try:
        client = connect()
    except EnvironmentProblem:
        return False
    try:
        return image_exists(client, name)
    except Exception:  # the SDK raises DockerException, requests and OS errors alike
        return False
    finally:
        client.close()


def _size(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"


class _PullMeter:
    """Turns the engine's per-layer pull events into a few progress lines."""

    def __init__(self, name: str, on_progress: Progress | None, every: float = 5.0) -> None:
        self.name, self.on_progress, self.every = name, on_progress, every
        self.layers: dict[str, tuple[int, int]] = {}
        self.last = 0.0

    def update(self, event: dict) -> None:
        detail = event.get("progressDetail") or {}
        layer = event.get("id")
        if layer and detail.get("total"):
            self.layers[layer] = (int(detail.get("current", 0)), int(detail["total"]))
        elif layer and event.get("status") in ("Download complete", "Pull complete", "Already exists"):
            _, total = self.layers.get(layer, (0, 0))
            self.layers[layer] = (total, total)
        now = time.monotonic()
        if self.on_progress and self.layers and now - self.last >= self.every:
            self.last = now
            done = sum(c for c, _ in self.layers.values())
            total = sum(t for _, t in self.layers.values()) or 1
            self.on_progress(f"pulling {self.name}: {100 * done / total:.0f}% of {_size(total)} "
                             f"({len(self.layers)} layers)")


def docker_pull(name: str, on_progress: Progress | None = None, timeout: float = PULL_TIMEOUT) -> None:
    """Pull ``name`` with progress; PullFailed saying why (refused, absent, unreachable)."""
    import docker  # the SDK: only when a batch pulls
    from docker.errors import DockerException

    repository, _, tag = name.rpartition(":")
    if "/" in tag or not repository:  # a registry port, not a tag
        repository, tag = name, "latest"
    started = time.monotonic()
    meter = _PullMeter(name, on_progress)
    try:
        client = docker.from_env(timeout=int(timeout))
    except DockerException as exc:
        raise PullFailed(f"cannot pull {name}: no Docker engine answers ({exc})") from exc
    try:
        if on_progress:
            on_progress(f"pulling {name} (not present locally)")
        for event in client.api.pull(repository, tag=tag, stream=True, decode=True):
            if "error" in event:
                raise PullFailed(f"pulling {name} failed: {str(event['error']).strip()}")
            meter.update(event)
    except DockerException as exc:
        raise PullFailed(f"pulling {name} failed: {getattr(exc, 'explanation', None) or exc}") from exc
    except OSError as exc:  # the engine went away mid-stream
        raise PullFailed(f"pulling {name} failed: {exc}") from exc
    finally:
        client.close()
    if not docker_image_exists(name):
        raise PullFailed(f"pulling {name} ended without the image")
    if on_progress:
        on_progress(f"pulled {name} in {time.monotonic() - started:.0f}s")


def image_policy(use_images: bool, namespace: str | None) -> ImagePolicy:
    """The policy from settings: ``namespace`` None means the default (``swebench``)."""
    return ImagePolicy(use_images=use_images, namespace=DEFAULT_NAMESPACE if namespace is None else namespace)


def choose_sandbox(
    instance_id: str,
    requested: str,
    *,
    use_images: bool = True,
    policy: ImagePolicy | None = None,
    image_exists: Callable[[str], bool] = docker_image_exists,
    pull: Callable[[str, Progress | None], None] = docker_pull,
    on_progress: Progress | None = None,
) -> tuple[str, str]:
    """(sandbox kind for FixRequest, a note for the log). ``policy`` overrides ``use_images``."""
    policy = policy or ImagePolicy(use_images=use_images)
    if requested == "local" or not policy.use_images:
        return requested, f"sandbox {requested}"
    local = swebench_image_name(instance_id)
    official = official_image_name(instance_id, policy.namespace)
    for name in dict.fromkeys([local, official]):
        if image_exists(name):
            return SWEBENCH_KIND_PREFIX + name, f"SWE-bench image {name} (/testbed)"
    if not policy.pull or not policy.namespace:
        return requested, f"no local image {local} (pulling is off); sandbox {requested}"
    try:
        pull(official, on_progress)
    except EnvironmentProblem as exc:
        return requested, f"no local image {local}; {exc}; sandbox {requested}"
    return SWEBENCH_KIND_PREFIX + official, f"SWE-bench image {official} (/testbed), pulled"


def environment_for(instance: "Instance", requested: str, policy: ImagePolicy, cache: "RepoCache", *,
                    on_progress: Progress | None = None,
                    docker_ready: Callable[[], bool] | None = None) -> tuple[str, str]:
    """Where ``instance`` runs: its SWE-bench image (local or pulled); else, for a Docker sandbox
    and a (repo, version) the harness has a spec for, swebot's environment built from that spec
    (see ``specenv``); else the requested sandbox. EnvironmentProblem when the build fails."""
    from swebot.batch import harness
    from swebot.batch.specenv import ensure_spec_env

    kind, note = choose_sandbox(instance.instance_id, requested, policy=policy, on_progress=on_progress)
    if kind.startswith(SWEBENCH_KIND_PREFIX) or kind not in ("docker", "auto"):
        return kind, note
    try:
        harness.instance_spec(instance)
    except harness.MissingSpec as exc:
        return kind, f"{note}; {exc}"
    if kind == "auto" and not (docker_ready or _docker_ready)():
        return kind, f"{note}; no Docker engine to build its environment in"
    env = ensure_spec_env(instance, cache, on_progress=on_progress)
    return SPECENV_KIND_PREFIX + env.tag, f"{note}; {env.note}"


def sandbox_setup(instance: "Instance", kind: str) -> tuple[str, ...]:
    """What the SWE-bench harness did to the tree when it built the instance image, to redo on
    the workspace in an environment swebot built from the instance's spec (``kind`` from
    ``environment_for``): the spec's install, offline. The environment was installed from another
    tree, since removed; files the install writes into the tree (pytest's ``_pytest/_version.py``,
    by setuptools_scm) exist only once it has run on this one. An official instance image has its
    tree installed already, and other sandboxes are not the instance's environment: nothing."""
    from swebot.batch import harness

    if not kind.startswith(SPECENV_KIND_PREFIX):
        return ()
    try:
        return tuple(harness.instance_setup(harness.instance_spec(instance)))
    except harness.MissingSpec:
        return ()


def _docker_ready() -> bool:
    try:
        from swebot.sandbox.docker import connect

        connect().close()
        return True
    except Exception:  # noqa: BLE001 - any failure means: no engine to use
        return False
