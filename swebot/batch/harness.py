"""The SWE-bench harness's own knowledge: environment specs, test commands, log parsers, grading.

Two sources, neither of them a guess of swebot's:

- ``swebench_specs.json`` beside this file: the harness's ``MAP_REPO_VERSION_TO_SPECS`` (Python
  version, packages, pre-install and install steps, test command per repository and version),
  the requirements/environment file paths and ``NON_TEST_EXTS``, recorded from the ``swebench``
  package by ``bench/swebench/harness_data.py`` (its ``source`` field names the release and the
  wheel's digest).
- the ``swebench`` package itself (``pip install 'swebot[swebench]'``, or ``pip install --no-deps
  swebench``) for its log parsers and grading. Its ``swebench.harness`` package ``__init__``
  imports the Docker, datasets and Modal runners, none of which parsing a log needs, so the
  modules are loaded without running that ``__init__``. When the package is absent,
  ``harness_available()`` is False and swebot falls back to its own readers (``testspecs``).
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import re
import sys
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from swebot.batch.dataset import Instance, swebench_image_name
from swebot.errors import BadInput

SPECS_PATH = Path(__file__).with_name("swebench_specs.json")
StatusMap = dict[str, str]  # test id -> PASSED | FAILED | SKIPPED | ERROR | XFAIL (the harness's TestStatus)


class MissingSpec(BadInput):
    """The harness has no environment spec for an instance's (repository, version)."""


@dataclass(frozen=True)
class HarnessSpec:
    """One entry of the harness's MAP_REPO_VERSION_TO_SPECS."""

    repo: str
    version: str
    python: str
    test_cmd: str
    packages: str = ""
    install: str = ""
    pip_packages: tuple[str, ...] = ()
    pre_install: tuple[str, ...] = ()
    eval_commands: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.repo}@{self.version}"


@cache
def harness_data() -> dict[str, Any]:
    return json.loads(SPECS_PATH.read_text(encoding="utf-8"))


def known_versions(repo: str) -> list[str]:
    return list(harness_data()["specs"].get(repo, {}))


def spec_for(repo: str, version: str) -> HarnessSpec:
    """The harness's spec for (repo, version); MissingSpec naming the versions it does know."""
    by_version = harness_data()["specs"].get(repo)
    if by_version is None:
        raise MissingSpec(f"the SWE-bench harness has no environment spec for repository {repo}",
                          hint="known repositories: " + ", ".join(harness_data()["specs"]))
    raw = by_version.get(str(version))
    if raw is None:
        raise MissingSpec(f"the SWE-bench harness has no environment spec for {repo} version {version or '(none)'}",
                          hint=f"{repo} versions it knows: {', '.join(by_version)}")
    test_cmd = raw["test_cmd"]
    pre_install = with_download_standins(repo, tuple(raw.get("pre_install", ())))
    if isinstance(test_cmd, list):  # a few specs list several commands; the last one runs the tests
        test_cmd = " && ".join(test_cmd)
    return HarnessSpec(
        repo=repo, version=str(version), python=str(raw["python"]), test_cmd=test_cmd,
        packages=raw.get("packages", ""), install=raw.get("install", ""),
        pip_packages=tuple(raw.get("pip_packages", ())), pre_install=pre_install,
        eval_commands=tuple(raw.get("eval_commands", ())),
        extra={k: v for k, v in raw.items() if k not in {"python", "test_cmd", "packages", "install", "pip_packages",
                                                          "pre_install", "eval_commands"}},
    )


@dataclass(frozen=True)
class DownloadStandin:
    """Pre-install steps of a spec that download from a host other than the package registries,
    and what stands in for them: ``environment`` (an apt step, so it runs in the environment build)
    and ``tree`` (run in the tree before each install, as the dropped steps were)."""

    drop: str  # a regex: the pre_install steps it replaces
    environment: str
    tree: str


# matplotlib 3.x's specs fetch qhull's source from www.qhull.org into build/, and its setup fetches
# FreeType 2.6.1 (the version its image tests were drawn with) from savannah; neither host is
# reachable from the builds or the sandboxes. Debian's libqhull-dev is the same qhull (2020.2);
# its libfreetype-dev is 2.12 (bookworm), so image comparisons of text may differ. The build reads
# them through mplsetup.cfg (matplotlib's own switch; the file is in its .gitignore, as build/ is).
DOWNLOAD_STANDINS: dict[str, DownloadStandin] = {
    "matplotlib/matplotlib": DownloadStandin(
        drop=r"\bQHULL_|qhull-20",
        environment="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "
                    "libfreetype-dev libqhull-dev pkg-config",
        tree="printf '[libs]\\nsystem_freetype = true\\nsystem_qhull = true\\n' > mplsetup.cfg"),
}


def with_download_standins(repo: str, pre_install: tuple[str, ...]) -> tuple[str, ...]:
    """``pre_install`` with the steps DOWNLOAD_STANDINS names for ``repo`` replaced by its stand-in."""
    standin = DOWNLOAD_STANDINS.get(repo)
    if standin is None or not any(re.search(standin.drop, step) for step in pre_install):
        return pre_install
    kept = tuple(step for step in pre_install if not re.search(standin.drop, step))
    return (*kept, standin.environment, standin.tree)


def instance_spec(instance: Instance) -> HarnessSpec:
    if not instance.version:
        raise MissingSpec(f"{instance.instance_id}: the instance has no 'version', so its SWE-bench "
                          "environment spec cannot be chosen")
    return spec_for(instance.repo, instance.version)


def requirements_paths(repo: str) -> list[str]:
    return list(harness_data()["requirements_paths"].get(repo, ()))


def environment_yml_paths(repo: str) -> list[str]:
    return list(harness_data()["environment_yml_paths"].get(repo, ()))


def patch_paths(patch: str) -> list[str]:
    """The ``b/`` paths of a diff's files, in order (the harness reads them with this pattern)."""
    return re.findall(r"diff --git a/.* b/(.*)", patch)


def test_directives(instance: Instance) -> list[str]:
    """What the harness appends to the test command: the test_patch's files, minus non-test
    extensions; for Django, as runtests.py module labels (harness: test_spec/python.py)."""
    non_test = tuple(harness_data()["non_test_exts"])
    directives = [d for d in patch_paths(instance.test_patch) if not d.endswith(non_test)]
    if instance.repo == "django/django":
        labels = []
        for d in directives:
            d = d[: -len(".py")] if d.endswith(".py") else d
            d = d[len("tests/"):] if d.startswith("tests/") else d
            labels.append(d.replace("/", "."))
        directives = labels
    return directives


def test_command(instance: Instance, spec: HarnessSpec | None = None) -> str:
    """The harness's test command for ``instance``: the spec's test_cmd and the test directives."""
    import shlex

    spec = spec or instance_spec(instance)
    return " ".join([spec.test_cmd, *(shlex.quote(d) for d in test_directives(instance))])


def offline_install(install: str, *, legacy: bool = False) -> str:
    """The spec's install command made to work in a sandbox without network: the dependencies
    are in the image already, so pip neither resolves them nor builds in isolation. ``legacy``:
    the environment has the pip of before 25.3 for the spec's setup.py paths (``legacy_tools``),
    which --config-settings would switch off (pip then forces PEP 517)."""
    if re.search(r"\bpip install\b", install) and "--no-deps" not in install:
        offline = f"{install} --no-deps --no-build-isolation"
        if legacy:
            # setuptools >= 80's `setup.py develop` hands the work to a pip of its own
            # (`pip install -e . --use-pep517`), which builds in isolation and so fetches setuptools
            # from PyPI: offline it fails, and the tree is left unbuilt (scikit-learn-25747, whose
            # environment has setuptools 82). pip reads the switch from the environment as well, so
            # the nested one also builds with what the image has (pip's inverted spelling: 0 = off).
            return f"PIP_NO_BUILD_ISOLATION=0 {offline}"
        if re.search(r"\s-e\s", f" {install} "):
            # setuptools >= 64 installs editable through an import hook by default, under which
            # pylint 2.15 registers none of its checkers ("No such message id 'C0301'"); compat mode
            # is the path entry setup.py develop made. Older setuptools and other backends ignore it.
            return f"{offline} --config-settings editable_mode=compat"
        return offline
    return install


def is_apt(command: str) -> bool:
    return bool(re.search(r"\bapt(-get)?\b", command))


def instance_setup(spec: HarnessSpec) -> list[str]:
    """What the harness did to the tree when it built the instance image, redone on a fresh
    tree: pre_install steps that edit it (apt-get ones belong to the environment), then the
    install (offline)."""
    steps = [c for c in spec.pre_install if not is_apt(c)]
    if spec.install:
        steps.append(offline_install(spec.install, legacy=bool(legacy_tools_reason(spec))))
    return steps


@dataclass(frozen=True)
class LocalService:
    """A network service a repository's tests use, run inside the sandbox instead (sandboxes have
    no network; the harness's containers had). swebot's addition, not the harness's."""

    install: tuple[str, ...]  # environment build steps (as root, with network)
    start: str  # shell run before the tests; exports what points the tests at it
    # Names the tests call literally, answered on 127.0.0.1 inside the sandbox (ports 80 and 443,
    # TLS with a CA made at build time): the image is labelled with them (LOOPBACK_HOSTS_LABEL).
    hosts: tuple[str, ...] = ()
    # IPv4 addresses the tests connect to expecting a timeout: the image is labelled with them
    # (TARPIT_ADDRESSES_LABEL) and the sandbox drops what is sent there (swebot.sandbox.tarpit).
    tarpits: tuple[str, ...] = ()


_HTTPBIN_PORT = 8765
_HTTPBIN_HOSTS = ("httpbin.org", "www.google.co.uk")
_TLS = "/opt/httpbin/tls"


def certificate_commands(folder: str, hosts: Sequence[str]) -> str:
    """Shell making ``folder``/{ca.pem, cert.pem, key.pem}: a CA that signs one certificate for
    ``hosts`` (and 127.0.0.1) and is then thrown away, so nothing else can pass for them."""
    names = ",".join([*(f"DNS:{h}" for h in hosts), "IP:127.0.0.1"])
    return (f"mkdir -p {folder} && cd {folder} && "
            "openssl req -x509 -newkey rsa:2048 -nodes -days 36500 -subj '/CN=swebot loopback CA' "
            "-keyout ca.key -out ca.pem && "
            f"openssl req -newkey rsa:2048 -nodes -subj '/CN={hosts[0]}' -keyout key.pem -out host.csr && "
            f"printf 'subjectAltName={names}\\n' > host.ext && "
            "openssl x509 -req -in host.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 36500 -extfile host.ext "
            "-out cert.pem && rm -f ca.key ca.srl host.csr host.ext && cd /")


_WAIT = ("for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do "
         "/opt/httpbin/bin/python -c 'import socket, urllib.request as u; u.urlopen(\"{url}\"){also}' "
         "2>/dev/null && {then} && break; sleep 0.5; done")
# gunicorn's threaded worker answers HTTP/1.1 and keeps connections alive unless the client
# asks to close, as httpbin.org did (requests 0.14's tests check both); the development server
# of httpbin's own __main__ closes every connection.
_GUNICORN = "/opt/httpbin/bin/gunicorn -k gthread --threads 8 --keep-alive 30 --timeout 120"
# requests' tests read HTTPBIN_URL (2.x) and otherwise call httpbin.org; some call
# https://httpbin.org and http://www.google.co.uk literally. Where the sandbox answers those
# names on loopback (ports 80/443) the tests get them; else a plain httpbin on a high port.
LOCAL_SERVICES: dict[str, LocalService] = {
    "psf/requests": LocalService(
        install=("python3 -m venv /opt/httpbin",
                 "/opt/httpbin/bin/python -m pip install --progress-bar off httpbin==0.10.4 gunicorn==23.0.0",
                 certificate_commands(_TLS, _HTTPBIN_HOSTS),
                 # requests >= 2.4 verifies against certifi's bundle when certifi is installed (as
                 # in the harness's conda environments), else its own cacert.pem; Session.send
                 # ignores REQUESTS_CA_BUNDLE. certifi's bundle, in the environment and not the
                 # tree under test, also trusts the loopback CA. (requests 2.3 knows only its own.)
                 "python -m pip install --progress-bar off certifi && "
                 f"cat {_TLS}/ca.pem >> \"$(python -c 'import certifi; print(certifi.where())')\""),
        start=("if [ -x /opt/httpbin/bin/python ]; then "
               "if [ -x /opt/httpbin/bin/gunicorn ] && [ -f {tls}/cert.pem ] && grep -q 'httpbin.org' /etc/hosts; then "
               "({g} -b 127.0.0.1:80 httpbin:app >/tmp/httpbin.log 2>&1 &); "
               "({g} -b 127.0.0.1:443 --certfile {tls}/cert.pem --keyfile {tls}/key.pem httpbin:app "
               ">/tmp/httpbin-tls.log 2>&1 &); ".format(g=_GUNICORN, tls=_TLS)
               + _WAIT.format(url="http://127.0.0.1:80/get", also='; socket.create_connection((\"127.0.0.1\", 443))',
                              then=f"export HTTPBIN_URL=http://httpbin.org/ REQUESTS_CA_BUNDLE={_TLS}/ca.pem")
               + "; fi; "
               "if [ -z \"${HTTPBIN_URL:-}\" ]; then "
               f"(/opt/httpbin/bin/python -m httpbin.core --host 127.0.0.1 --port {_HTTPBIN_PORT} "
               f">>/tmp/httpbin.log 2>&1 &); "
               + _WAIT.format(url=f"http://127.0.0.1:{_HTTPBIN_PORT}/get", also="",
                              then=f"export HTTPBIN_URL=http://127.0.0.1:{_HTTPBIN_PORT}/")
               + "; fi; fi"),
        hosts=_HTTPBIN_HOSTS,
        # requests 2.x's TARPIT = "http://10.255.255.1" (test_connect_timeout, test_total_timeout_connect)
        tarpits=("10.255.255.1",)),
}


# Releases made after the harness's images were built (2024) that drop what a repository's old
# versions import. The harness pins such drift itself where it met it (its sphinx specs sed
# Jinja2<3.0, alabaster<0.7.12, markupsafe<=2.0.1 into setup.py); these are the same kind of pin
# for drift that came later, so an environment built today gets what the images got.
@dataclass(frozen=True)
class DriftPin:
    requirement: str
    before: str | None = None  # only for the repository's versions below this one (X.Y)


DRIFT_PINS: dict[str, tuple[DriftPin, ...]] = {
    # docutils 0.22 (2025) removed docutils.utils.roman, which Sphinx 3.x's LaTeX writer imports
    # (ModuleNotFoundError in every 3.x instance), and 0.21 (2024-04) changed the HTML and man page
    # output the datasets' PASS_TO_PASS lists (recorded with 0.20) expect: footnote references,
    # scaled images, captioned code blocks (sphinx-8474, -8273); Sphinx 4+ caps docutils below
    # 0.18 itself. sphinxcontrib-jsmath 2.0 (2026-10) refuses Sphinx < 5 (VersionRequirementError
    # in the math renderer tests of 3.x). Pygments 2.14 writes whitespace as its own token
    # (``<span class="w"> </span>``, ``\PYG{w}{ }``); the tests of Sphinx 5.x and older expect the
    # output before it (6.0.1 adapted them: Verified's sphinx-10323 test_linenothreshold, -10435
    # test_latex_code_role).
    "sphinx-doc/sphinx": (DriftPin("docutils<0.21"), DriftPin("sphinxcontrib-jsmath<2"),
                          DriftPin("Pygments<2.14", before="6.0")),
}


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", version))


def drift_pins(repo: str, version: str) -> tuple[str, ...]:
    """The DRIFT_PINS requirements that apply to the repository's ``version``."""
    return tuple(pin.requirement for pin in DRIFT_PINS.get(repo, ())
                 if pin.before is None or _version_key(version) < _version_key(pin.before))


# Git submodules a tree's install needs, and the PyPI release standing in for each. The harness cloned
# the repository and the install fetched them itself (astropy's ah_bootstrap runs `git submodule
# update` or downloads astropy-helpers with easy_install); here the tree is an archive without its
# submodules, and easy_install no longer reads PyPI ("Could not find suitable distribution for
# Requirement.parse('astropy-helpers')": astropy 1.3's environment build, 2026-12-06). With the
# release installed, ah_bootstrap takes it from the environment. astropy 1.3's environment commit
# (2018-09-30) pins the submodule at 7f11678c, of the 3.0 series (3.1 came in 2018-12).
SUBMODULE_STANDINS: dict[str, dict[str, str]] = {
    "astropy/astropy": {"astropy_helpers": "astropy-helpers>=3.0,<3.1"},
}


def submodule_standins(repo: str, submodules: Sequence[str]) -> list[str]:
    """The requirements standing in for the tree's ``submodules`` (paths from its .gitmodules)."""
    known = SUBMODULE_STANDINS.get(repo, {})
    return [known[path] for path in submodules if path in known]


# pip 25.3 (2025-10) removed what specs written for older pips rely on: ``--no-use-pep517``, and
# the setup.py paths (``setup.py develop`` for editable installs of a setuptools without PEP 660
# hooks, < 64; ``setup.py bdist_wheel`` with the environment's own setuptools for sdists without a
# pyproject.toml, such as MarkupSafe 1.0, whose setup.py needs setuptools < 46). wheel 0.46 left
# bdist_wheel to setuptools >= 70.1. Such specs get the last tools that still had those paths.
LEGACY_TOOLS = ("pip<25.3", "wheel<0.46")
PEP660_SETUPTOOLS = (64,)


def _setuptools_pins(spec: HarnessSpec) -> list[str]:
    texts = [spec.packages, *spec.pip_packages]
    return re.findall(r"\bsetuptools\s*==\s*([0-9][0-9.]*)", " ".join(texts))


def legacy_tools_reason(spec: HarnessSpec) -> str:
    """Why the spec needs the pip and wheel of before 25.3/0.46 (``LEGACY_TOOLS``); "" when it does not."""
    if "--no-use-pep517" in spec.install:
        return "its install uses --no-use-pep517, which pip 25.3 removed"
    old = [v for v in _setuptools_pins(spec) if _version_key(v) < PEP660_SETUPTOOLS]
    if old:
        return (f"it pins setuptools=={old[0]} (no PEP 660 hooks), whose editable installs and legacy sdist "
                "builds need the setup.py paths pip 25.3 removed")
    return ""


def legacy_tools(spec: HarnessSpec) -> tuple[str, ...]:
    return LEGACY_TOOLS if legacy_tools_reason(spec) else ()


def eval_script(instance: Instance, spec: HarnessSpec | None = None, *, setup: bool = True) -> str:
    """The harness's eval script from the point where the repository is in place: the spec's
    eval_commands (locale exports and the like), the instance setup and local services
    (``setup``: in an image of the environment), the test command."""
    spec = spec or instance_spec(instance)
    service = LOCAL_SERVICES.get(instance.repo) if setup else None
    steps = [*spec.eval_commands, *(instance_setup(spec) if setup else ()), *([service.start] if service else ()),
             test_command(instance, spec)]
    return "\n".join(steps)


# --- the swebench package: log parsers and grading --------------------------------------------


@cache
def _harness_module(name: str) -> types.ModuleType | None:
    """``swebench.harness.<name>`` without running ``swebench/harness/__init__.py``; None when
    the package is not installed (or too old: 4.x has no separate log_parsers package)."""
    spec = importlib.util.find_spec("swebench")
    if spec is None or not spec.submodule_search_locations:
        return None
    harness_dir = Path(next(iter(spec.submodule_search_locations))) / "harness"
    if not (harness_dir / "log_parsers").is_dir() or not (harness_dir / "grading.py").is_file():
        return None
    if "swebench.harness" not in sys.modules:
        package = types.ModuleType("swebench.harness")
        package.__path__ = [str(harness_dir)]
        package.__package__ = "swebench.harness"
        sys.modules["swebench.harness"] = package
    try:
        return importlib.import_module(f"swebench.harness.{name}")
    except ImportError:
        return None


def harness_available() -> bool:
    return _harness_module("log_parsers") is not None and _harness_module("grading") is not None


def harness_version() -> str:
    try:
        from importlib.metadata import version

        return version("swebench")
    except Exception:  # noqa: BLE001 - not installed
        return ""


def harness_parser(repo: str, name: str = "") -> Callable[[str, Instance], StatusMap] | None:
    """The harness's log parser as ``(log, instance) -> status map``: the one ``name``d (5.x
    datasets carry a ``log_parser`` field), else the repository's. None when the package is
    absent or has no parser for it."""
    parsers = _harness_module("log_parsers")
    python_parsers = _harness_module("log_parsers.python")
    if parsers is None or python_parsers is None:
        return None
    parse = getattr(parsers, "PARSER_REGISTRY", {}).get(name) if name else None
    parse = parse or getattr(python_parsers, "MAP_REPO_TO_PARSER_PY", {}).get(repo)
    if parse is None:
        return None

    def run(log: str, instance: Instance) -> StatusMap:
        return dict(parse(log, _test_spec(instance)))

    return run


def _test_spec(instance: Instance) -> Any:
    """The harness's TestSpec for an instance, as its parsers take it (they read only a few fields)."""
    spec_types = importlib.import_module("swebench.types")
    return spec_types.TestSpec(
        instance_id=instance.instance_id, image=swebench_image_name(instance.instance_id), eval_script_list=[], repo=instance.repo,
        version=instance.version, FAIL_TO_PASS=list(instance.FAIL_TO_PASS), PASS_TO_PASS=list(instance.PASS_TO_PASS))


@dataclass(frozen=True)
class Grade:
    resolved: bool
    fail_to_pass_failing: tuple[str, ...]
    pass_to_pass_failing: tuple[str, ...]


def grade(status: Mapping[str, str], fail_to_pass: Sequence[str], pass_to_pass: Sequence[str]) -> Grade:
    """Grade a status map with the harness's ``get_eval_tests_report`` and ``get_resolution_status``
    (resolved = RESOLVED_FULL). Requires the package (``harness_available()``)."""
    grading = _harness_module("grading")
    if grading is None:
        raise RuntimeError("the swebench package is not installed")
    report = grading.get_eval_tests_report(dict(status), {"FAIL_TO_PASS": list(fail_to_pass),
                                                          "PASS_TO_PASS": list(pass_to_pass)})
    resolved = grading.get_resolution_status(report) == "RESOLVED_FULL"
    # An id graded neither success nor failure (not possible for PASS_AND_FAIL today) counts as failing.
    f2p_ok = set(report["FAIL_TO_PASS"]["success"])
    p2p_ok = set(report["PASS_TO_PASS"]["success"])
    return Grade(resolved,
                 tuple(t for t in fail_to_pass if t not in f2p_ok),
                 tuple(t for t in pass_to_pass if t not in p2p_ok))


def status_of(status: Mapping[str, str], test_id: str) -> str | None:
    """The status the harness would read for ``test_id`` (its truncated-id rule included)."""
    grading = _harness_module("grading")
    resolve = getattr(grading, "_resolve_case", None) if grading is not None else None
    key = resolve(test_id, dict(status)) if resolve is not None else (test_id if test_id in status else None)
    return status.get(key) if key is not None else None
