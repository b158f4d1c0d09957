"""Images in the SWE-bench harness's layout, built from swebot/base for tests, and a local registry.

The official images keep the repository in /testbed and its interpreter in a conda env named
``testbed`` that the harness's eval script activates (``source /opt/miniconda3/bin/activate &&
conda activate testbed``). These stand-ins make that very command work with a small shim instead
of a real conda: ``conda activate NAME`` puts /opt/miniconda3/envs/NAME/bin first on PATH.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import tarfile
import time
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

CONDA_SHIM = """\
# Stand-in for conda's activate script (tests): only `conda activate NAME` is supported.
conda() {
    if [ "$1" = activate ] && [ -d "/opt/miniconda3/envs/$2" ]; then
        export CONDA_DEFAULT_ENV="$2" PATH="/opt/miniconda3/envs/$2/bin:$PATH"
    else
        echo "conda shim: cannot '$*'" >&2
        return 1
    fi
}
"""

OFFICIAL_LAYOUT = """\
FROM swebot/base:latest
USER root
LABEL swebot=1 swebot.kind=test
COPY activate /opt/miniconda3/bin/activate
RUN mkdir -p /opt/miniconda3/envs/testbed/bin \\
 && ln -s /usr/bin/python3 /opt/miniconda3/envs/testbed/bin/python \\
 && printf '#!/bin/sh\\nexec python -m pytest "$@"\\n' > /opt/miniconda3/envs/testbed/bin/pytest \\
 && chmod +x /opt/miniconda3/envs/testbed/bin/pytest
COPY testbed/ /testbed/
WORKDIR /testbed
"""


def build_official_layout_image(client: object, tag: str, files: Mapping[str, str] | None = None) -> str:
    """Build ``tag`` in the harness's layout with ``files`` in /testbed; returns the tag."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        def add(name: str, data: str, mode: int = 0o644) -> None:
            raw = data.encode()
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(raw), mode
            tar.addfile(info, io.BytesIO(raw))

        add("Dockerfile", OFFICIAL_LAYOUT)
        add("activate", CONDA_SHIM)
        if not files:
            add("testbed/.keep", "")
        for name, content in (files or {}).items():
            add(f"testbed/{name}", content)
    buf.seek(0)
    client.images.build(fileobj=buf, custom_context=True, tag=tag, rm=True, forcerm=True)  # type: ignore[attr-defined]
    return tag


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


REGISTRY_CONFIG = """\
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: {root}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:{port}
"""


def registry_binary() -> str | None:
    return shutil.which("docker-registry") or shutil.which("registry")


def start_registry(workdir: Path) -> Iterator[str]:
    """A Docker registry (Debian's docker-registry) on 127.0.0.1; yields its host:port."""
    binary = registry_binary()
    if binary is None:
        message = "Debian's docker-registry is not installed (.ci/setup-docker.sh installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / "config.yml"
    config.write_text(REGISTRY_CONFIG.format(root=workdir / "storage", port=port))
    log = open(workdir / "registry.log", "wb")
    proc = subprocess.Popen([binary, "serve", str(config)], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the registry did not start: "
                                       + (workdir / "registry.log").read_text(errors="replace")[-2000:])
                time.sleep(0.2)
        yield f"127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
