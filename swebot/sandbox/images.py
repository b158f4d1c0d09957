"""The images swebot runs sandboxes from: the base image and per-repository environment images.

An environment image is the base plus the repository's declared dependencies, tagged by a
hash of the files that declare them (and of the base image and the install recipe), so a
second run on the same repository finds it and starts in seconds. Everything swebot creates
carries the label ``swebot=1`` so ``swebot sandbox prune`` can find it.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tarfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from swebot.errors import EnvironmentProblem

if TYPE_CHECKING:
    import docker

LABEL = "swebot"
KIND_LABEL = "swebot.kind"
OWNER_LABEL = "swebot.owner"  # host:pid of the swebot process, so prune can spot orphans
OWNER_START_LABEL = "swebot.owner_start"  # when that pid started: a reused pid is not the owner
DEPS_LABEL = "swebot.deps"
# Host names an image's tests reach on the internet, served inside the sandbox on loopback
# instead (space-separated); see DockerSandbox's ``loopback_hosts``.
LOOPBACK_HOSTS_LABEL = "swebot.loopback_hosts"
# IPv4 addresses an image's tests expect a connect to time out on (space-separated): the sandbox
# routes them to loopback, where they are dropped (swebot.sandbox.tarpit).
TARPIT_ADDRESSES_LABEL = "swebot.tarpit_addresses"
# Values of KIND_LABEL for images that cache an environment (a repository's dependencies, or one
# built from SWE-bench specs by swebot.batch.specenv): `sandbox prune` may remove them.
ENV_IMAGE_KIND = "env"
SPECENV_IMAGE_KIND = "specenv"
ENVIRONMENT_KINDS = (ENV_IMAGE_KIND, SPECENV_IMAGE_KIND)
BASE_IMAGE = os.environ.get("SWEBOT_BASE_IMAGE", "swebot/base:latest")
ENV_REPOSITORY = "swebot/env"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")  # docker colours a build step's stderr
BUILD_LOG_TAIL = 40  # lines of a failed build's log shown to the user

BASE_IMAGE_HINT = (
    "build it once: `sudo sandboxes/build-base-image.sh` (from Debian packages, no registry needed) "
    "or `docker build -t swebot/base:latest sandboxes/` (needs a registry), or use --sandbox local"
)

# Files that declare a Python repository's dependencies. Top level only: nested projects
# are rare, and hashing the whole tree would rebuild the image on every source edit.
_DEP_PATTERNS = (
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "requirements*.txt",
    "requirements/*.txt",
    "constraints*.txt",
)

# Runs inside the image build. Installs what the files declare, not the project itself
# (its source is not in the build context; tests import it from /workspace).
_INSTALL_SCRIPT = r'''
import ast, configparser, glob, os, subprocess, sys

TEST_EXTRAS = ("test", "tests", "testing", "dev")
reqs, req_files = [], []

def from_pyproject():
    try:
        import tomllib
    except ImportError:
        return
    if not os.path.exists("pyproject.toml"):
        return
    with open("pyproject.toml", "rb") as fh:
        project = tomllib.load(fh).get("project", {})
    reqs.extend(project.get("dependencies", []))
    for extra in TEST_EXTRAS:
        reqs.extend(project.get("optional-dependencies", {}).get(extra, []))

def from_setup_cfg():
    if not os.path.exists("setup.cfg"):
        return
    cfg = configparser.ConfigParser()
    cfg.read("setup.cfg")
    lines = cfg.get("options", "install_requires", fallback="").splitlines()
    for extra in TEST_EXTRAS:
        lines += cfg.get("options.extras_require", extra, fallback="").splitlines()
    reqs.extend(line.strip() for line in lines if line.strip())

def from_setup_py():
    # Static reading only: running setup.py needs the whole source tree.
    if not os.path.exists("setup.py"):
        return
    tree = ast.parse(open("setup.py", encoding="utf-8").read())
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for kw in node.keywords:
            try:
                value = ast.literal_eval(kw.value)
            except ValueError:
                continue
            if kw.arg in ("install_requires", "tests_require") and isinstance(value, (list, tuple)):
                reqs.extend(v for v in value if isinstance(v, str))
            if kw.arg == "extras_require" and isinstance(value, dict):
                for extra in TEST_EXTRAS:
                    reqs.extend(v for v in value.get(extra, []) if isinstance(v, str))

def from_requirement_files():
    for path in sorted(glob.glob("requirements*.txt") + glob.glob("requirements/*.txt")):
        kept = []
        for line in open(path, encoding="utf-8"):
            bare = line.strip()
            # Editable and path installs point at the project's source, absent here.
            if bare.startswith(("-e", "--editable", ".", "/", "file:")):
                continue
            kept.append(line)
        filtered = path + ".swebot"
        with open(filtered, "w", encoding="utf-8") as fh:
            fh.writelines(kept)
        req_files.append(filtered)

from_pyproject(); from_setup_cfg(); from_setup_py(); from_requirement_files()
base = [sys.executable, "-m", "pip", "install", "--no-cache-dir", "--progress-bar", "off"]
if os.path.exists("ca-bundle.crt"):
    base += ["--cert", os.path.abspath("ca-bundle.crt")]
args = list(base)
for f in req_files:
    args += ["-r", f]
args += reqs
if args == base:
    print("swebot: no dependencies declared")
    sys.exit(0)
print("swebot:", " ".join(args[3:]), flush=True)
sys.exit(subprocess.call(args))
'''

_ENV_DOCKERFILE = """\
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
ARG SWEBOT_DEPS
# First, so intermediate images of a failed build carry them too and can be cleaned up.
LABEL swebot=1 swebot.kind=env swebot.deps=${SWEBOT_DEPS}
USER root
COPY deps/ /tmp/swebot-deps/
RUN cd /tmp/swebot-deps && python3 install.py && rm -rf /tmp/swebot-deps
USER 1000:1000
WORKDIR /workspace
"""

_RECIPE_VERSION = hashlib.sha256((_INSTALL_SCRIPT + _ENV_DOCKERFILE).encode()).hexdigest()


def dependency_files(workspace: Path) -> list[Path]:
    """The files under ``workspace`` that declare dependencies, sorted, relative paths."""
    root = Path(workspace)
    found = {p.relative_to(root) for pattern in _DEP_PATTERNS for p in root.glob(pattern) if p.is_file()}
    return sorted(found)


def dependency_hash(workspace: Path, base_image_id: str) -> str:
    """A hex digest that changes when a dependency file, the base image or the recipe changes."""
    digest = hashlib.sha256()
    digest.update(_RECIPE_VERSION.encode())
    digest.update(base_image_id.encode())
    for rel in dependency_files(workspace):
        data = (Path(workspace) / rel).read_bytes()
        digest.update(f"\0{rel.as_posix()}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def ensure_base_image(client: docker.DockerClient, name: str | None = None) -> str:
    """The base image's id (default: BASE_IMAGE); EnvironmentProblem with build instructions if absent."""
    import docker.errors

    name = name or BASE_IMAGE

    try:
        return client.images.get(name).id
    except docker.errors.ImageNotFound:
        raise EnvironmentProblem(f"the sandbox base image {name} is missing", hint=BASE_IMAGE_HINT) from None


def host_ca_bundle() -> Path | None:
    """The CA bundle the host trusts, handed to pip in the build (TLS-intercepting proxies)."""
    for var in ("SWEBOT_CA_BUNDLE", "PIP_CERT", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"):
        value = os.environ.get(var)
        if value and Path(value).is_file():
            return Path(value)
    default = Path("/etc/ssl/certs/ca-certificates.crt")
    return default if default.is_file() else None


def _context(workspace: Path, files: Iterable[Path]) -> io.BytesIO:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        def add(name: str, data: bytes) -> None:
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o644, 0  # mtime 0: same context, same cache
            tar.addfile(info, io.BytesIO(data))

        add("Dockerfile", _ENV_DOCKERFILE.encode())
        add("deps/install.py", _INSTALL_SCRIPT.encode())
        for rel in files:
            add(f"deps/{rel.as_posix()}", (Path(workspace) / rel).read_bytes())
        ca = host_ca_bundle()
        if ca is not None:  # not part of the hash: a new CA must not force a rebuild
            add("deps/ca-bundle.crt", ca.read_bytes())
    buf.seek(0)
    return buf


def build_env_image(
    client: docker.DockerClient,
    workspace: Path,
    *,
    base: str | None = None,
    on_log: Callable[[str], None] | None = None,
) -> str:
    """Build (or find) the environment image for ``workspace``; returns the image reference.

    With no dependency files the base image itself is the environment. A failed build raises
    EnvironmentProblem carrying the tail of the build log.
    """
    base = base or BASE_IMAGE
    base_id = ensure_base_image(client, base)
    files = dependency_files(workspace)
    if not files:
        return base
    deps = dependency_hash(workspace, base_id)
    tag = f"{ENV_REPOSITORY}:{deps[:16]}"
    if image_exists(client, tag):
        return tag
    log: list[str] = []
    started = time.monotonic()
    stream = client.api.build(
        fileobj=_context(workspace, files),
        custom_context=True,
        tag=tag,
        buildargs={"BASE_IMAGE": base, "SWEBOT_DEPS": deps},
        labels={LABEL: "1", KIND_LABEL: ENV_IMAGE_KIND, DEPS_LABEL: deps},
        rm=True,
        forcerm=True,  # no intermediate containers left behind by a failed step
        decode=True,
    )
    error = None
    for chunk in stream:
        text = _ANSI.sub("", chunk.get("stream") or chunk.get("status") or "")
        if text.strip():
            log.extend(line for line in text.rstrip("\n").splitlines() if line.strip())
            if on_log:
                on_log(text)
        if "error" in chunk:
            error = chunk["error"]
            log.append(error)
    if error is not None or not image_exists(client, tag):
        _remove_partial_build(client, deps)
        tail = "\n".join(log[-BUILD_LOG_TAIL:])
        raise EnvironmentProblem(
            f"building the environment image for {workspace} failed after "
            f"{time.monotonic() - started:.0f}s\n--- build log (last {BUILD_LOG_TAIL} lines) ---\n{tail}",
            hint="check the repository's dependency files (" + ", ".join(str(f) for f in files) + ")"
            " or run with --sandbox local",
        )
    return tag


def _remove_partial_build(client: docker.DockerClient, deps: str) -> None:
    """Drop the untagged layers a failed build left (they carry its deps label)."""
    filters = {"label": f"{DEPS_LABEL}={deps}", "dangling": True}
    for image in client.images.list(filters=filters):
        try:
            client.images.remove(image.id, force=True)
        except Exception:  # shared with another build, or already gone: prune will see to it
            pass


def image_exists(client: docker.DockerClient, ref: str) -> bool:
    import docker.errors

    try:
        client.images.get(ref)
        return True
    except docker.errors.ImageNotFound:
        return False
