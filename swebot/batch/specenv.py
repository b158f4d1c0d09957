"""Environments built from the SWE-bench harness's specs, for when no instance image can be had.

One image per (repository, version), shared by every instance of it:

- a Debian base of the spec's Python (debootstrap suites: bullseye 3.9, bookworm 3.11, trixie
  3.13; another version gets the nearest of those, and the note says so);
- a virtualenv at /opt/testbed instead of the harness's conda env ``testbed``; pip installs what
  the spec lists (its ``packages``: a requirements file of the repository, an environment.yml
  turned into pip requirements, or package names; then ``pip_packages``); ``apt-get`` steps of
  ``pre_install`` run in the image;
- ``coverage`` (swebot's builtin engine measures per-test coverage; nothing of the harness's needs it);
- the repository at its ``environment_setup_commit`` is installed with the spec's install command
  (so its dependencies are in the image) and removed again: each instance copies its own tree
  into /testbed and reinstalls it offline (``--no-deps --no-build-isolation``).

The image is tagged only when its build succeeded, so an interrupted or failed build leaves no
tag to reuse (its untagged layers carry the build's label and are removed); builds of one tag
are serialized by a file lock. A failed build raises EnvironmentProblem with the log's tail.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shlex
import tarfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from swebot import vcs
from swebot.batch import harness
from swebot.batch.dataset import Instance
from swebot.batch.repos import RepoCache
from swebot.errors import EnvironmentProblem
from swebot.sandbox.images import SPECENV_IMAGE_KIND

if TYPE_CHECKING:
    from docker import DockerClient

SPECENV_REPOSITORY = "swebot/specenv"
VENV = "/opt/testbed"
ACTIVATE = f". {VENV}/bin/activate"
SPEC_LABEL = "swebot.spec"
BUILD_LOG_TAIL = 40
# Debian suites whose python3 is the given version (what debootstrap can make without a registry).
SUITES: dict[tuple[int, int], str] = {(3, 9): "bullseye", (3, 11): "bookworm", (3, 13): "trixie"}
BASE_IMAGE_FOR_SUITE = {"bookworm": os.environ.get("SWEBOT_BASE_IMAGE", "swebot/base:latest")}
Progress = Callable[[str], None]


def base_image_for(suite: str) -> str:
    return BASE_IMAGE_FOR_SUITE.get(suite, f"swebot/base-{suite}:latest")


@dataclass(frozen=True)
class PythonChoice:
    wanted: str
    version: str
    suite: str
    note: str  # "" when exact


def choose_python(wanted: str) -> PythonChoice:
    """The supported Python nearest to ``wanted`` (a tie goes to the older: old pins build there)."""
    match = re.match(r"(\d+)\.(\d+)", wanted or "")
    if not match:
        raise EnvironmentProblem(f"the spec's Python version {wanted!r} is not of the form X.Y")
    target = (int(match[1]), int(match[2]))
    best = min(SUITES, key=lambda v: (abs((v[0] - target[0]) * 100 + v[1] - target[1]), v))
    version = f"{best[0]}.{best[1]}"
    note = "" if best == target else (f"Python {wanted} is not available from Debian here; using {version} "
                                      f"(Debian {SUITES[best]}), the nearest")
    return PythonChoice(wanted, version, SUITES[best], note)


# --- the repository's requirement files, read from the mirror --------------------------------

def _git_show(bare: Path, commit: str, path: str) -> str | None:
    proc = vcs.run(None, "--git-dir", str(bare), "show", f"{commit}:{path}")
    # the file as pip reads it: a requirements file committed with CRLF line ends is still lines
    return proc.stdout.replace("\r\n", "\n") if proc.returncode == 0 else None


def requirements_text(repo: str, bare: Path, commit: str) -> str:
    """The harness's get_requirements_by_commit, reading the mirror instead of GitHub: the first
    requirements path that exists, ``-r`` includes inlined, ``-e .``/comments/``.[test`` dropped."""
    def keep(line: str) -> bool:
        return not any(line.strip().startswith(x) for x in ("-e .", "#", ".[test"))

    for path in harness.requirements_paths(repo):
        text = _git_show(bare, commit, path)
        if text is None:
            continue
        folder = path.rpartition("/")[0]
        included: list[str] = []
        own: list[str] = []
        for line in text.split("\n"):
            if line.strip().startswith("-r"):
                name = line.strip()[2:].strip()
                extra = _git_show(bare, commit, f"{folder}/{name}" if folder else name) or ""
                included.extend(x for x in extra.split("\n") if keep(x))
            elif keep(line):
                own.append(line)
        return "\n".join([*included, "\n".join(own)])
    raise EnvironmentProblem(f"no requirements file of {repo} at {commit[:12]} "
                             f"(looked for {', '.join(harness.requirements_paths(repo)) or 'none known'})")


_NOT_ON_PYPI = {"python", "pip", "setuptools-scm-git-archive"}
# conda packages whose PyPI distribution has another name, or that are no Python package at all
# (C libraries the PyPI wheels bundle). Names PyPI lacks entirely are left out at install time
# (``pipretry``). conda's ``pyqt`` is Qt 5's PyQt5; its ``wxpython`` and ``pygobject`` come built,
# while PyPI has only their sources for Linux, which pip would compile against GTK's headers (an
# hour of wxWidgets, or a failed build): left out, as matplotlib's tests of those backends skip
# without them.
_CONDA_NAMES: dict[str, str | None] = {"matplotlib-base": "matplotlib", "iris": "scitools-iris", "hdf5": None,
                                       "pyqt": "PyQt5", "wxpython": None, "pygobject": None}


def _conda_to_pip(spec: str) -> str | None:
    """A conda package spec as a pip requirement (``numpy=1.2`` -> ``numpy==1.2.*``); None for
    names that are not Python packages on PyPI."""
    spec = spec.strip().strip("'\"")
    if not spec or "::" in spec:
        spec = spec.split("::")[-1]
    match = re.match(r"([A-Za-z0-9_.\-]+)\s*(.*)", spec)
    if not match or match[1].lower() in _NOT_ON_PYPI:
        return None
    name, rest = _CONDA_NAMES.get(match[1].lower(), match[1]), match[2].replace(" ", "")
    if name is None:
        return None
    if re.fullmatch(r"=[^=<>!]+", rest):  # conda's single = is a prefix match
        rest = f"=={rest[1:]}" if rest.count(".") >= 2 or "*" in rest else f"=={rest[1:]}.*"
    return name + rest


def environment_yml_requirements(text: str) -> list[str]:
    import yaml

    data = yaml.safe_load(text) or {}
    found: list[str] = []
    for dep in data.get("dependencies", []) or []:
        if isinstance(dep, dict):
            found.extend(str(p) for p in dep.get("pip", []) or [])
        else:
            converted = _conda_to_pip(str(dep))
            if converted:
                found.append(converted)
    return found


def package_requirements(spec: harness.HarnessSpec, bare: Path, commit: str) -> list[str]:
    """The spec's ``packages`` as pip requirement lines."""
    if spec.packages == "requirements.txt":
        return [line for line in requirements_text(spec.repo, bare, commit).split("\n") if line.strip()]
    if spec.packages == "environment.yml":
        for path in harness.environment_yml_paths(spec.repo):
            text = _git_show(bare, commit, path)
            if text is not None:
                return environment_yml_requirements(text)
        raise EnvironmentProblem(f"no environment.yml of {spec.repo} at {commit[:12]}")
    return [c for c in (_conda_to_pip(p) for p in shlex.split(spec.packages or "")) if c]


# --- the image -------------------------------------------------------------------------------

_DOCKERFILE = """\
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
ARG SWEBOT_DEPS
ARG SWEBOT_SPEC
ARG SWEBOT_KIND
ARG SWEBOT_SCM_VERSION
# The tree comes without git tags (an archive here, a fresh repository in the sandbox): projects
# versioned by setuptools_scm (pytest, xarray, ...) get the spec's version instead.
ENV SETUPTOOLS_SCM_PRETEND_VERSION=${SWEBOT_SCM_VERSION}
LABEL swebot=1 swebot.kind=${SWEBOT_KIND} swebot.deps=${SWEBOT_DEPS} swebot.spec=${SWEBOT_SPEC}
USER root
COPY setup/ /tmp/swebot-setup/
RUN sh /tmp/swebot-setup/setup.sh && rm -rf /tmp/swebot-setup
ENV PATH=/opt/testbed/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin VIRTUAL_ENV=/opt/testbed
WORKDIR /testbed
"""


_PIP = "python -m pip install --progress-bar off"
_PIP_CERT = '[ -f /tmp/swebot-setup/ca-bundle.crt ] && export PIP_CERT=/tmp/swebot-setup/ca-bundle.crt || true'
_COMPILER = "apt-get update && apt-get install -y --no-install-recommends build-essential python3-dev"
# Sources of extension modules; under a tests or docs folder they are fixtures (sphinx's
# autodoc tests read a .pyx), not something the install compiles.
_EXTENSION_SUFFIXES = (".c", ".cc", ".cpp", ".cxx", ".pyx", ".f", ".f90")
_FIXTURE_FOLDERS = {"tests", "test", "testing", "doc", "docs"}


def extension_sources(bare: Path, commit: str) -> list[str]:
    """The tree's sources of extension modules (C, C++, Cython, Fortran) outside tests and docs:
    installing such a tree compiles, in the environment build and again in each instance's
    offline reinstall, so the image needs a compiler and the Python headers."""
    proc = vcs.run(None, "--git-dir", str(bare), "ls-tree", "-r", "--name-only", commit)
    if proc.returncode != 0:
        return []
    return [name for name in proc.stdout.splitlines()
            if name.endswith(_EXTENSION_SUFFIXES) and not _FIXTURE_FOLDERS & set(name.split("/")[:-1])]


def submodule_paths(bare: Path, commit: str) -> list[str]:
    """The paths of the tree's git submodules, as its .gitmodules names them."""
    return re.findall(r"^\s*path\s*=\s*(\S+)", _git_show(bare, commit, ".gitmodules") or "", re.MULTILINE)


def setup_script(spec: harness.HarnessSpec, requirements: list[str], *, pep660: bool = False,
                 compiles: bool = False, submodules: Sequence[str] = ()) -> str:
    """The environment's build steps. ``pep660``: the tree has no setup.py, so an editable install
    needs a build backend with PEP 660's hooks (see ``_tree_install``). ``compiles``: the tree has
    extension modules to build (``extension_sources``), so the image gets a compiler.
    ``submodules``: the paths of its git submodules, which the archive leaves out
    (``harness.SUBMODULE_STANDINS``)."""
    q = shlex.quote
    pip = _PIP
    lines = ["set -eux", "export DEBIAN_FRONTEND=noninteractive PIP_DISABLE_PIP_VERSION_CHECK=1", _PIP_CERT]
    if compiles:  # the harness's base image has build-essential; ours has no compiler
        lines.append(_COMPILER)
    lines += [c for c in spec.pre_install if harness.is_apt(c)]
    if any("locale" in c for c in spec.eval_commands):  # Django's eval commands run locale-gen
        lines.append("apt-get update && apt-get install -y locales && sed -i '/en_US.UTF-8/s/^# //g' /etc/locale.gen"
                     " && locale-gen")
    lines += [f"python3 -m venv {VENV}", f". {VENV}/bin/activate"]
    legacy = harness.legacy_tools_reason(spec)
    if legacy:
        lines.append("echo " + q(f"swebot: {', '.join(harness.LEGACY_TOOLS)} in this environment: {legacy}"))
    pins = (*harness.drift_pins(spec.repo, spec.version), *harness.legacy_tools(spec))
    if pins:  # every pip call of the build keeps to them (harness.DRIFT_PINS, harness.LEGACY_TOOLS)
        lines += [f"printf '%s\\n' {' '.join(q(p) for p in pins)} > /tmp/swebot-drift-pins.txt",
                  "export PIP_CONSTRAINT=/tmp/swebot-drift-pins.txt"]
    if "--current-env" in spec.test_cmd:
        lines += _BASE_SEES_VENV
    if requirements or spec.pip_packages or "pip install" in spec.install:
        # A conda env has setuptools and wheel; pins below may move them.
        lines += [f"{pip} --upgrade pip", f"{pip} --upgrade setuptools wheel"]
    if requirements:
        requirements_line = f"{pip} -r /tmp/swebot-setup/requirements.txt"
        if spec.packages == "environment.yml":
            # conda solved the environment file and the pins together; pip gets the pins as
            # constraints (else it takes today's releases, built against another numpy) and
            # leaves out the conda packages PyPI does not have.
            requirements_line = ("python /tmp/swebot-setup/pipretry.py /tmp/swebot-setup/requirements.txt "
                                 "--progress-bar off -c /tmp/swebot-setup/constraints.txt")
        lines.append(_with_fallbacks(requirements_line, "/tmp/swebot-setup/requirements.txt", nearest=bool(legacy),
                                     compiler=compiles))
    if spec.pip_packages and legacy:
        lines.append(_with_fallbacks(f"{pip} -r {_PIP_PACKAGES}", _PIP_PACKAGES, nearest=True, compiler=compiles))
    elif spec.pip_packages:
        lines.append(f"{pip} " + " ".join(q(p) for p in spec.pip_packages))
    service = harness.LOCAL_SERVICES.get(spec.repo)
    if service is not None:
        lines += list(service.install)
    standins = harness.submodule_standins(spec.repo, submodules)
    if standins:
        lines.append(f"{pip} " + " ".join(q(r) for r in standins))
    lines += _tree_install(spec, pip, pep660=pep660)
    # swebot's builtin engine ranks code by per-test coverage (the harness's images lack it);
    # without it only that engine suffers, and says so.
    lines.append(f"{pip} coverage || echo 'swebot: coverage could not be installed'")
    lines += _TREE_GONE
    return "\n".join(lines) + "\n"


_PIP_PACKAGES = "/tmp/swebot-setup/pip_packages.txt"


def _with_fallbacks(install: str, requirements: str, *, nearest: bool, compiler: bool = False) -> str:
    """``install``, retried with a compiler when it fails (a requirement without a wheel for this
    Python is compiled: the harness's base image has build-essential, ours gets it, and the Python
    headers, only when a build needs them). ``nearest``: then retried once more with the exact
    pins of ``requirements`` that have no wheel for this Python moved to the nearest release that
    has one (``nearestwheel``; the build log names each). ``compiler``: the image has one already,
    so only that last retry is left (compiling the same sdists twice fails twice)."""
    if not nearest:
        return f"{install} || {{ {_COMPILER} && {install}; }}"
    moved = f"python /tmp/swebot-setup/nearestwheel.py {requirements} --progress-bar off && {install}"
    if compiler:
        return f"{install} || {{ {moved}; }}"
    return f"{install} || {{ {_COMPILER} && {{ {install} || {{ {moved}; }}; }}; }}"


# tox-current-env runs the tests with {envpython}, a symlink to the interpreter tox runs under.
# A conda env's python is a real installation and works through a symlink; a venv's is not: a
# link outside the venv starts the bare Debian Python without the venv's packages (sphinx's
# conftest: "No module named 'docutils'"). So the base Python is made to see the venv's packages.
_BASE_SEES_VENV = [
    "SWEBOT_VENV_SITE=$(python -c 'import sysconfig; print(sysconfig.get_paths()[\"purelib\"])')",
    "SWEBOT_BASE_SITE=$(/usr/bin/python3 -c 'import site; print(site.getsitepackages()[0])')",
    "mkdir -p \"$SWEBOT_BASE_SITE\" && echo \"import site; site.addsitedir('$SWEBOT_VENV_SITE')\" "
    "> \"$SWEBOT_BASE_SITE/swebot-testbed.pth\"",
]


def _tree_install(spec: harness.HarnessSpec, pip: str, *, pep660: bool = False) -> list[str]:
    """The repository's tree (setup/repo.tar) in /testbed, installed with the spec's steps.

    ``pep660``: without a setup.py, today's pip installs editable only through a backend's PEP 660
    hooks, which setuptools has from 64 on; a project pinning an older one to build (pylint 2.15:
    setuptools~=62.6) is then installed with the environment's newer setuptools, as pip did
    through setup.py develop when the harness recorded its specs."""
    lines = ["mkdir -p /testbed", "tar -C /testbed -xf /tmp/swebot-setup/repo.tar", "cd /testbed"]
    lines += [c for c in spec.pre_install if not harness.is_apt(c)]
    if "pip install" in spec.install:
        # Each instance reinstalls offline without build isolation: the build backend's own
        # requirements (setuptools_scm, hatchling, ...) must be in the environment.
        lines.append(f"python /tmp/swebot-setup/build_requires.py | xargs -r {pip}")
    if spec.install and pep660 and re.search(r"\bpip install\b.*\s-e\s", f"{spec.install} "):
        lines.append(f"{spec.install} || {{ {pip} 'setuptools>=64' && {spec.install} --no-build-isolation "
                     "--config-settings editable_mode=compat; }")
    elif spec.install:
        lines.append(spec.install)
    return lines


# The tree goes; what the install put in the venv (dependencies, an editable link to /testbed)
# stays. Each instance brings its own tree.
_TREE_GONE = ["cd /", "find /testbed -mindepth 1 -delete", "chmod 777 /testbed"]


def dependencies_script(spec: harness.HarnessSpec, *, pep660: bool = False) -> str:
    """The instance layer's setup: the spec's install run on the instance's own tree, with the
    network, so what its base commit declares beyond the environment's commit gets installed."""
    lines = ["set -eux", "export PIP_DISABLE_PIP_VERSION_CHECK=1", _PIP_CERT, ACTIVATE,
             *_tree_install(spec, _PIP, pep660=pep660), *_TREE_GONE]
    return "\n".join(lines) + "\n"


BUILD_REQUIRES = """\
import sys
try:
    from pip._vendor import tomli
    with open("pyproject.toml", "rb") as fh:
        requires = tomli.load(fh).get("build-system", {}).get("requires", [])
except Exception:  # no pyproject.toml, or an old pip: nothing to add
    requires = []
sys.stdout.write("".join(repr(r)[1:-1].join("''") + "\\n" for r in requires))
"""
# The same for xargs, which ends a single-quoted word at the next single quote: scikit-learn's
# `oldest-supported-numpy; python_version!='3.10' or ...` came out with its marker's quotes gone
# ("Expected a marker variable or quoted string"). Used only for trees whose [build-system] holds a
# single quote, so the environments of every other tree keep their image tags.
BUILD_REQUIRES_QUOTED = BUILD_REQUIRES.replace(
    """repr(r)[1:-1].join("''")""",
    """(r.join("''") if "'" not in r else r.join('""') if '"' not in r else "".join("\\\\" + c for c in r))""")
# TOML's basic ("...", with escapes) and literal ('...') strings
_TOML_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"|\'([^\']*)\'')
# the [build-system] table's requires array: strings, commas, blanks and comments (extras' brackets are inside strings)
_BUILD_REQUIRES_LIST = re.compile(r"""^\[build-system\][^\[]*?^requires\s*=\s*\[((?:\s|,|#[^\n]*|"(?:[^"\\]|\\.)*"|'[^']*')*)\]""",
                                  re.MULTILINE)


def build_requires_script(pyproject: str | None) -> str:
    """The script that lists the build requirements of a tree with this pyproject.toml: the one
    that quotes for xargs only when a requirement holds a single quote."""
    listed = _BUILD_REQUIRES_LIST.search(pyproject or "")
    strings = _TOML_STRING.findall(listed.group(1)) if listed else []
    return BUILD_REQUIRES_QUOTED if any("'" in basic for basic, _literal in strings) else BUILD_REQUIRES


def scm_version(version: str) -> str:
    """A version setuptools_scm accepts for the spec's X.Y: X.Y.0."""
    return f"{version}.0" if re.fullmatch(r"\d+\.\d+", version) else version or "0.0.0"


def constraints(spec: harness.HarnessSpec) -> list[str]:
    """The spec's pip_packages as pip constraints (which take no extras)."""
    return [re.sub(r"\[[^\]]*\]", "", p) for p in spec.pip_packages if not p.startswith(("-", "git+", "http"))]


def context_files(spec: harness.HarnessSpec) -> dict[str, str]:
    """Files some environments' build steps need beside the repository: installing an
    environment.yml with pip needs ``pipretry`` and the pins as constraints; a spec for the pip
    before 25.3 (``harness.legacy_tools``) gets its pip_packages as a file ``nearestwheel`` can
    rewrite (see setup_script)."""
    files: dict[str, str] = {}
    if spec.packages == "environment.yml":
        from swebot.batch import pipretry

        files |= {"setup/pipretry.py": Path(pipretry.__file__).read_text(encoding="utf-8"),
                  "setup/constraints.txt": "\n".join(constraints(spec)) + "\n"}
    if harness.legacy_tools_reason(spec):
        from swebot.batch import nearestwheel

        files |= {"setup/nearestwheel.py": Path(nearestwheel.__file__).read_text(encoding="utf-8"),
                  "setup/pip_packages.txt": "".join(f"{p}\n" for p in spec.pip_packages)}
    return files


def dockerfile(spec: harness.HarnessSpec) -> str:
    """The environment's Dockerfile; an image serving names on loopback says which (the sandbox
    resolves them there), one whose tests expect connects to some addresses to time out names
    those (the sandbox drops what is sent there)."""
    from swebot.sandbox.images import LOOPBACK_HOSTS_LABEL, TARPIT_ADDRESSES_LABEL

    service = harness.LOCAL_SERVICES.get(spec.repo)
    labels = [(LOOPBACK_HOSTS_LABEL, service.hosts if service else ()),
              (TARPIT_ADDRESSES_LABEL, service.tarpits if service else ())]
    return _DOCKERFILE + "".join(f'LABEL {name}="{" ".join(values)}"\n' for name, values in labels if values)


def _archive(bare: Path, commit: str) -> bytes:
    proc = vcs.run(None, "--git-dir", str(bare), "archive", "--format=tar", commit, text=False)
    if proc.returncode != 0:
        raise EnvironmentProblem(f"cannot archive {commit[:12]}: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout


def _context(files: dict[str, bytes]) -> io.BytesIO:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            tar.addfile(info, io.BytesIO(data))
    buf.seek(0)
    return buf


@dataclass(frozen=True)
class SpecEnv:
    tag: str
    note: str  # what the user should know (a Python version substituted, a reused image)
    built_seconds: float = 0.0  # 0 when reused


def ensure_spec_env(instance: Instance, cache: RepoCache, *, client: DockerClient | None = None,
                    on_progress: Progress | None = None, build_timeout: float = 3600.0,
                    spec: harness.HarnessSpec | None = None, network: str | None = None) -> SpecEnv:
    """The environment image for the instance: its (repo, version)'s, found or built now (``spec``
    replaces the harness's, ``network`` is the builds' network mode), with a layer on top when the
    instance's base commit declares dependencies the environment's commit did not (see
    ``with_instance_dependencies``). MissingSpec when the harness has no spec; EnvironmentProblem
    when an image cannot be built."""
    from swebot.sandbox.docker import connect

    spec = spec or harness.instance_spec(instance)
    # The builds fetch packages (PyPI, Debian); SWEBOT_SPECENV_NETWORK=none keeps them offline (tests).
    network = network or os.environ.get("SWEBOT_SPECENV_NETWORK", "bridge")
    client = client or connect()
    env = _version_env(instance, cache, client=client, on_progress=on_progress, build_timeout=build_timeout,
                       spec=spec, network=network)
    return with_instance_dependencies(instance, cache, env, spec, client=client, on_progress=on_progress,
                                      build_timeout=build_timeout, network=network)


DEPENDENCY_FILES = ("setup.py", "setup.cfg", "pyproject.toml")

_LAYER_DOCKERFILE = """\
ARG ENV_IMAGE
FROM ${ENV_IMAGE}
ARG SWEBOT_DEPS
ARG SWEBOT_SPEC
ARG SWEBOT_KIND
LABEL swebot=1 swebot.kind=${SWEBOT_KIND} swebot.deps=${SWEBOT_DEPS} swebot.spec=${SWEBOT_SPEC}
USER root
COPY setup/ /tmp/swebot-setup/
RUN sh /tmp/swebot-setup/setup.sh && rm -rf /tmp/swebot-setup
WORKDIR /testbed
"""


def dependency_files(bare: Path, commit: str) -> dict[str, str]:
    """The files that declare the repository's Python dependencies, at ``commit``."""
    return {path: text for path in DEPENDENCY_FILES if (text := _git_show(bare, commit, path)) is not None}


def with_instance_dependencies(instance: Instance, cache: RepoCache, env: SpecEnv, spec: harness.HarnessSpec, *,
                               client: DockerClient, on_progress: Progress | None, build_timeout: float,
                               network: str) -> SpecEnv:
    """``env``, or a layer on it when the instance's base commit declares its dependencies otherwise
    than the environment's commit (pytest 4.6.x came to require importlib-metadata, 5.4 wcwidth):
    the harness installs each instance's tree with the network when it builds the instance image;
    here the tests run offline, so the spec's install runs on the instance's tree in a layer,
    shared by the instances whose dependency files are the same."""
    from swebot.batch.store import locked
    from swebot.sandbox.images import host_ca_bundle, image_exists

    env_commit = instance.environment_setup_commit or instance.base_commit
    if not spec.install or env_commit == instance.base_commit:
        return env
    bare = cache.ensure(instance.repo, instance.base_commit)
    declared = dependency_files(bare, instance.base_commit)
    if declared == dependency_files(cache.ensure(instance.repo, env_commit), env_commit):
        return env
    script = dependencies_script(spec, pep660=_git_show(bare, instance.base_commit, "setup.py") is None)
    env_id = client.images.get(env.tag).id
    deps = hashlib.sha256(json.dumps([_LAYER_DOCKERFILE, script, env_id, declared]).encode()).hexdigest()
    tag = f"{env.tag}-deps-{deps[:10]}"
    lock = cache.cache_dir / "specenv-locks" / f"{tag.rpartition(':')[2]}.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with locked(lock):
        if image_exists(client, tag):
            return SpecEnv(tag, f"{env.note}; its dependencies at {instance.base_commit[:12]} in {tag} (reused)")
        if on_progress:
            on_progress(f"{instance.instance_id} declares other dependencies than {env_commit[:12]}: "
                        f"installing its tree on {env.tag} as {tag}")
        files = {"Dockerfile": _LAYER_DOCKERFILE.encode(), "setup/setup.sh": script.encode(),
                 "setup/build_requires.py": build_requires_script(declared.get("pyproject.toml")).encode(),
                 "setup/repo.tar": _archive(bare, instance.base_commit)}
        ca = host_ca_bundle()
        if ca is not None:
            files["setup/ca-bundle.crt"] = ca.read_bytes()
        seconds = _build(client, tag, deps, files, {
            "ENV_IMAGE": env.tag, "SWEBOT_DEPS": deps, "SWEBOT_SPEC": spec.key, "SWEBOT_KIND": SPECENV_IMAGE_KIND},
            what=f"the dependencies of {instance.instance_id}", network=network, build_timeout=build_timeout,
            on_progress=on_progress)
    return SpecEnv(tag, f"{env.note}; its dependencies at {instance.base_commit[:12]} in {tag} "
                        f"(built in {seconds:.0f}s)", env.built_seconds + seconds)


def _version_env(instance: Instance, cache: RepoCache, *, client: DockerClient, on_progress: Progress | None,
                 build_timeout: float, spec: harness.HarnessSpec, network: str) -> SpecEnv:
    """The environment image of the instance's (repo, version), found or built now."""
    import docker.errors

    from swebot.batch.store import locked
    from swebot.sandbox.images import host_ca_bundle, image_exists

    python = choose_python(spec.python)
    commit = instance.environment_setup_commit or instance.base_commit
    bare = cache.ensure(instance.repo, commit)
    requirements = package_requirements(spec, bare, commit)
    script = setup_script(spec, requirements, pep660=_git_show(bare, commit, "setup.py") is None,
                          compiles=bool(extension_sources(bare, commit)), submodules=submodule_paths(bare, commit))
    base = base_image_for(python.suite)
    try:
        base_id = client.images.get(base).id
    except docker.errors.ImageNotFound:
        raise EnvironmentProblem(
            f"the Debian {python.suite} base image {base} (Python {python.version}) is missing",
            hint=f"build it once: `sudo env SUITE={python.suite} sandboxes/build-base-image.sh {base}`") from None
    extra_files = context_files(spec)
    build_requires = build_requires_script(_git_show(bare, commit, "pyproject.toml"))
    hashed: list[object] = [dockerfile(spec), build_requires, script, requirements, base_id, commit, spec.key]
    if extra_files:  # only then: the images of the other specs keep their tags
        hashed.append(sorted(extra_files.items()))
    digest = hashlib.sha256(json.dumps(hashed).encode())
    deps = digest.hexdigest()
    slug = re.sub(r"[^a-z0-9_.-]+", "_", f"{spec.repo}-{spec.version}".lower())
    tag = f"{SPECENV_REPOSITORY}:{slug}-{deps[:12]}"
    notes = [n for n in (python.note,) if n]
    lock = cache.cache_dir / "specenv-locks" / f"{slug}-{deps[:12]}.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with locked(lock):
        if image_exists(client, tag):
            return SpecEnv(tag, "; ".join([f"environment {tag} (reused)", *notes]))
        if on_progress:
            on_progress(f"building the environment of {spec.key} (Python {python.version}) as {tag}")
        files = {"Dockerfile": dockerfile(spec).encode(), "setup/setup.sh": script.encode(),
                 "setup/build_requires.py": build_requires.encode(),
                 "setup/requirements.txt": ("\n".join(requirements) + "\n").encode(),
                 "setup/repo.tar": _archive(bare, commit),
                 **{name: text.encode() for name, text in extra_files.items()}}
        ca = host_ca_bundle()
        if ca is not None:
            files["setup/ca-bundle.crt"] = ca.read_bytes()
        seconds = _build(client, tag, deps, files, {
            "BASE_IMAGE": base, "SWEBOT_DEPS": deps, "SWEBOT_SPEC": spec.key, "SWEBOT_KIND": SPECENV_IMAGE_KIND,
            "SWEBOT_SCM_VERSION": scm_version(spec.version)}, what=f"the environment of {spec.key}",
            network=network, build_timeout=build_timeout, on_progress=on_progress)
        return SpecEnv(tag, "; ".join([f"environment {tag} (built in {seconds:.0f}s)", *notes]), seconds)


def _build(client: DockerClient, tag: str, deps: str, files: dict[str, bytes], buildargs: dict[str, str], *,
           what: str, network: str, build_timeout: float, on_progress: Progress | None) -> float:
    """Build ``tag`` from ``files``; its seconds. EnvironmentProblem with the log's tail when it
    fails (no half-built image is left: its untagged layers carry the ``deps`` label)."""
    import docker.errors

    from swebot.sandbox.images import image_exists

    started = time.monotonic()
    log: list[str] = []
    error = None
    try:
        stream = client.api.build(
            fileobj=_context(files), custom_context=True, tag=tag, rm=True, forcerm=True, decode=True,
            buildargs=buildargs, timeout=build_timeout, network_mode=network)
        last_note = 0.0
        for chunk in stream:
            text = chunk.get("stream") or chunk.get("status") or ""
            if text.strip():
                log.extend(line for line in text.rstrip("\n").splitlines() if line.strip())
                if on_progress and time.monotonic() - last_note > 30:
                    last_note = time.monotonic()
                    on_progress(f"building {tag}: {log[-1][:120]}")
            if "error" in chunk:
                error = str(chunk["error"])
                log.append(error)
    except docker.errors.DockerException as exc:
        error = f"{exc}"
        log.append(error)
    finally:
        if error is not None or not image_exists(client, tag):
            _remove_untagged(client, deps)
    seconds = time.monotonic() - started
    if error is not None or not image_exists(client, tag):
        tail = "\n".join(log[-BUILD_LOG_TAIL:])
        raise EnvironmentProblem(
            f"building {what} failed after {seconds:.0f}s\n"
            f"--- build log (last {BUILD_LOG_TAIL} lines) ---\n{tail}",
            hint="the spec comes from the SWE-bench harness; an official image (--image-namespace) avoids the build")
    if on_progress:
        on_progress(f"built {tag} in {seconds:.0f}s")
    return seconds


def _remove_untagged(client: DockerClient, deps: str) -> None:
    """Untagged layers of a failed or interrupted build (they carry its deps label)."""
    try:
        images = client.images.list(filters={"label": f"swebot.deps={deps}", "dangling": True})
    except Exception:  # noqa: BLE001 - cleanup is best effort; `swebot sandbox prune` finds the rest
        return
    for image in images:
        try:
            client.images.remove(image.id, force=True)
        except Exception:  # noqa: BLE001, S110
            pass
