"""Where an instance runs: its SWE-bench image when one is present locally, else swebot's sandbox.

The SWE-bench harness builds one image per instance (``sweb.eval.x86_64.<id>:latest``) with the
repository in ``/testbed`` and its conda environment ready. When such an image exists locally and
the sandbox factory knows how to open it (the ``swebench:`` kind), the instance runs inside it;
otherwise the requested ``--sandbox`` is used unchanged.
"""

from __future__ import annotations

from collections.abc import Callable

from swebot.batch.dataset import swebench_image_name

SWEBENCH_KIND_PREFIX = "swebench:"


def docker_image_exists(name: str) -> bool:
    """True when the local Docker engine has image ``name``; False when absent or no engine answers."""
    try:
        import docker
        from docker.errors import DockerException, ImageNotFound
    except ImportError:
        return False
    try:
        client = docker.from_env(timeout=5)
        try:
            client.images.get(name)
            return True
        finally:
            client.close()
    except ImageNotFound:
        return False
    except (DockerException, OSError):
        return False


def factory_supports_swebench() -> bool:
    try:
        from swebot.sandbox import factory
    except ImportError:
        return False
    return bool(getattr(factory, "SWEBENCH_KIND_PREFIX", None))


def choose_sandbox(
    instance_id: str,
    requested: str,
    *,
    use_images: bool = True,
    image_exists: Callable[[str], bool] = docker_image_exists,
    supported: Callable[[], bool] = factory_supports_swebench,
) -> tuple[str, str]:
    """(sandbox kind for FixRequest, a note for the log)."""
    if requested == "local" or not use_images:
        return requested, f"sandbox {requested}"
    image = swebench_image_name(instance_id)
    if not image_exists(image):
        return requested, f"no local image {image}; sandbox {requested}"
    if not supported():
        return requested, f"image {image} is present but this swebot cannot open it; sandbox {requested}"
    return SWEBENCH_KIND_PREFIX + image, f"SWE-bench image {image} (/testbed)"
