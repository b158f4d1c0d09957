"""Environments built from the SWE-bench harness's specs: Python choice, requirements read from
the repository, the build (offline here: SWEBOT_SPECENV_NETWORK=none), its cache, its failures."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from swebot.batch import harness
from swebot.batch.dataset import Instance
from swebot.batch.repos import RepoCache
from swebot.batch.specenv import (
    build_requires_script,
    submodule_paths,
    choose_python,
    context_files,
    constraints,
    environment_yml_requirements,
    ensure_spec_env,
    extension_sources,
    package_requirements,
    requirements_text,
    setup_script,
)
from swebot.errors import EnvironmentProblem
from tests.docker_support import require_docker
from tests.swebench_fixtures import _commit, _side_diff, build_dataset, git


def test_python_is_debian_s_nearest_and_the_note_says_so() -> None:
    assert (choose_python("3.9").version, choose_python("3.9").note) == ("3.9", "")
    assert choose_python("3.11").suite == "bookworm" and choose_python("3.13").suite == "trixie"
    ten = choose_python("3.10")
    assert (ten.version, ten.suite) == ("3.9", "bullseye") and "Python 3.10 is not available" in ten.note
    assert choose_python("3.12").version == "3.11" and choose_python("3.5").version == "3.9"
    with pytest.raises(EnvironmentProblem):
        choose_python("latest")


def test_conda_specs_become_pip_requirements() -> None:
    yml = ("name: xarray-tests\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.10\n  - numpy=1.23\n"
           "  - pandas>=1.4\n  - conda-forge::scipy\n  - pip\n  - pip:\n      - pytest-env\n")
    assert environment_yml_requirements(yml) == ["numpy==1.23.*", "pandas>=1.4", "scipy", "pytest-env"]
    # conda names PyPI spells otherwise, and C libraries the wheels bundle
    renamed = "dependencies:\n  - matplotlib-base>=3.3\n  - iris\n  - hdf5\n  - cdms2\n"
    assert environment_yml_requirements(renamed) == ["matplotlib>=3.3", "scitools-iris", "cdms2"]
    # GUI toolkits: conda's PyQt is PyPI's PyQt5; wxPython and PyGObject exist on PyPI for Linux only
    # as sources to compile against GTK, so they are left out
    gui = "dependencies:\n  - pyqt\n  - wxpython\n  - pygobject\n  - cairocffi\n"
    assert environment_yml_requirements(gui) == ["PyQt5", "cairocffi"]
    spec = harness.HarnessSpec("acme/x", "1", "3.9", "pytest", packages="numpy scipy=1.5.2 'pytest<8'")
    assert package_requirements(spec, Path("/nonexistent"), "c0ffee") == ["numpy", "scipy==1.5.2", "pytest<8"]


def test_requirements_are_read_from_the_repository_as_the_harness_reads_them(tmp_path: Path) -> None:
    repo = tmp_path / "flask"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    commit = _commit(repo, {"requirements/dev.txt": "-r tests.txt\n-e .\n# pinned\nclick==8.1.3\n",
                            "requirements/tests.txt": "pytest==7.3.1\n"}, "reqs")
    assert requirements_text("pallets/flask", repo / ".git", commit).split("\n") == [
        "pytest==7.3.1", "", "click==8.1.3", ""]
    with pytest.raises(EnvironmentProblem, match="no requirements file of pylint-dev/pylint"):
        requirements_text("pylint-dev/pylint", repo / ".git", commit)


def test_the_setup_follows_the_spec() -> None:
    spec = harness.spec_for("pylint-dev/pylint", "2.8")
    script = setup_script(spec, ["astroid==2.5"])
    order = [script.index(s) for s in ("apt-get update && apt-get install -y libenchant-2-dev",
                                       "python3 -m venv /opt/testbed", "-r /tmp/swebot-setup/requirements.txt",
                                       "pyenchant==3.2", "python -m pip install -e .",
                                       "find /testbed -mindepth 1 -delete")]
    assert order == sorted(order)
    # compilers come only when a requirement has to be built (pywatchman for Django 3.1 on Python 3.9)
    assert ("|| { apt-get update && apt-get install -y --no-install-recommends build-essential python3-dev && "
            "python -m pip install --progress-bar off -r /tmp/swebot-setup/requirements.txt; }") in script
    assert "--no-build-isolation" not in script  # pylint 2.8's tree has a setup.py: pip's own way
    # without setup.py (pylint 2.15), an editable install needs setuptools' PEP 660 hooks (>= 64)
    pep660 = setup_script(harness.spec_for("pylint-dev/pylint", "2.15"), [], pep660=True)
    assert ("python -m pip install -e . || { python -m pip install --progress-bar off 'setuptools>=64' && "
            "python -m pip install -e . --no-build-isolation --config-settings editable_mode=compat; }") in pep660
    sphinx = harness.spec_for("sphinx-doc/sphinx", "7.2")
    assert harness.instance_setup(sphinx) == ["sed -i 's/pytest/pytest -rA/' tox.ini",
                                              "python -m pip install -e .[test] --no-deps --no-build-isolation "
                                              "--config-settings editable_mode=compat"]
    assert harness.offline_install("python setup.py install") == "python setup.py install"


def test_matplotlib_s_downloads_are_replaced_by_debian_s_libraries(tmp_path: Path) -> None:
    """matplotlib 3.x's spec fetches qhull from www.qhull.org and its setup FreeType from savannah,
    hosts neither the builds nor the sandboxes reach: Debian's libraries stand in, chosen through
    matplotlib's mplsetup.cfg, written in the tree before every install."""
    import configparser

    spec = harness.spec_for("matplotlib/matplotlib", "3.7")
    assert not any("qhull.org" in step or "QHULL_" in step for step in spec.pre_install)
    script = setup_script(spec, []).splitlines()
    libraries = next(i for i, line in enumerate(script) if "libqhull-dev" in line)
    assert "libfreetype-dev" in script[libraries] and libraries < script.index("python3 -m venv /opt/testbed")
    written = next(i for i, line in enumerate(script) if "> mplsetup.cfg" in line)
    assert script.index("cd /testbed") < written < script.index("python -m pip install -e .")
    setup = harness.instance_setup(spec)
    assert setup[0] == script[written] and setup[1].startswith("python -m pip install -e .")
    subprocess.run(["sh", "-c", setup[0]], cwd=tmp_path, check=True)
    config = configparser.ConfigParser()
    config.read(tmp_path / "mplsetup.cfg")
    assert config.getboolean("libs", "system_freetype") and config.getboolean("libs", "system_qhull")
    # specs without such downloads keep their steps (and their images' tags)
    assert harness.spec_for("matplotlib/matplotlib", "2.2").pre_install == (
        harness.harness_data()["specs"]["matplotlib/matplotlib"]["2.2"]["pre_install"][0],)
    assert harness.with_download_standins("acme/x", ("wget -O /tmp/qhull-2020.tgz x",)) == (
        "wget -O /tmp/qhull-2020.tgz x",)


def test_a_tree_with_extension_modules_gets_a_compiler_before_anything_is_installed(tmp_path: Path) -> None:
    """astropy, matplotlib and scikit-learn compile C/C++/Cython when installed (and again in each
    instance's offline reinstall); the Debian base has no compiler. A .pyx under tests/ is a
    fixture (sphinx's autodoc tests), not a reason for one."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    fixture_only = _commit(repo, {"setup.py": "", "tests/roots/target/cython.pyx": "", "docs/ex.c": "",
                                  "pkg/__init__.py": ""}, "pure")
    compiled = _commit(repo, {"pkg/_fast.pyx": "", "src/wrap.cpp": ""}, "extensions")
    assert extension_sources(repo / ".git", fixture_only) == []
    assert extension_sources(repo / ".git", compiled) == ["pkg/_fast.pyx", "src/wrap.cpp"]
    assert extension_sources(repo / ".git", "0" * 40) == []  # an unknown commit: nothing known to compile

    astropy = harness.spec_for("astropy/astropy", "5.1")
    script = setup_script(astropy, [], compiles=True).splitlines()
    compiler = script.index("apt-get update && apt-get install -y --no-install-recommends build-essential python3-dev")
    assert compiler < script.index("python3 -m venv /opt/testbed")
    assert compiler < next(i for i, line in enumerate(script) if "pip install" in line)
    # a pure tree's script is as before: its image keeps its tag
    assert "build-essential" not in setup_script(astropy, [])


def test_tox_current_env_s_interpreter_link_sees_the_environment_s_packages() -> None:
    sphinx = setup_script(harness.spec_for("sphinx-doc/sphinx", "3.5"), [])
    assert "/usr/bin/python3 -c 'import site; print(site.getsitepackages()[0])'" in sphinx
    assert "site.addsitedir('$SWEBOT_VENV_SITE')" in sphinx
    assert sphinx.index("swebot-testbed.pth") < sphinx.index("tox==4.16.0")
    assert "swebot-testbed.pth" not in setup_script(harness.spec_for("pytest-dev/pytest", "5.4"), [])


def test_drift_pins_bind_every_pip_call_of_the_build(tmp_path: Path) -> None:
    import subprocess

    sphinx = setup_script(harness.spec_for("sphinx-doc/sphinx", "3.5"), [])
    lines = sphinx.splitlines()
    export = lines.index("export PIP_CONSTRAINT=/tmp/swebot-drift-pins.txt")
    first_pip = next(i for i, line in enumerate(lines) if "pip install" in line)
    assert export < first_pip
    # the pins file the script writes is what pip reads: run the line that writes it
    writer = lines[export - 1].replace("/tmp/swebot-drift-pins.txt", str(tmp_path / "pins.txt"))
    subprocess.run(["bash", "-c", writer], check=True)
    assert (tmp_path / "pins.txt").read_text().splitlines() == list(harness.drift_pins("sphinx-doc/sphinx", "3.5"))
    assert "docutils<0.21" in harness.drift_pins("sphinx-doc/sphinx", "3.5")
    # a pin bound to old versions: Sphinx 6.0.1 adapted its tests to Pygments 2.14's output
    assert "Pygments<2.14" in (tmp_path / "pins.txt").read_text().splitlines()
    assert "Pygments<2.14" in harness.drift_pins("sphinx-doc/sphinx", "5.0")
    assert harness.drift_pins("sphinx-doc/sphinx", "7.2") == ("docutils<0.21", "sphinxcontrib-jsmath<2")
    assert "Pygments" not in setup_script(harness.spec_for("sphinx-doc/sphinx", "7.2"), [])
    assert harness.drift_pins("pytest-dev/pytest", "5.4") == ()
    assert "PIP_CONSTRAINT" not in setup_script(harness.spec_for("pytest-dev/pytest", "5.4"), [])


def test_an_environment_file_is_installed_under_the_spec_s_pins_without_what_pypi_lacks() -> None:
    xarray = harness.spec_for("pydata/xarray", "0.12")
    script = setup_script(xarray, ["numpy", "cdms2"])
    assert ("python /tmp/swebot-setup/pipretry.py /tmp/swebot-setup/requirements.txt --progress-bar off "
            "-c /tmp/swebot-setup/constraints.txt") in script
    files = context_files(xarray)
    assert "numpy==1.23.0" in files["setup/constraints.txt"].split("\n")
    assert "def install(" in files["setup/pipretry.py"]
    odd = harness.HarnessSpec("acme/x", "1", "3.9", "pytest", packages="environment.yml",
                              pip_packages=("dask[array]==2022.8.1", "git+https://example.invalid/x.git", "pint"))
    assert constraints(odd) == ["dask==2022.8.1", "pint"]
    # a requirements.txt spec is installed as before (its images keep their tags)
    flask = harness.spec_for("pallets/flask", "2.0")
    assert context_files(flask) == {} and "pipretry" not in setup_script(flask, ["click"])


def test_a_version_the_harness_has_no_spec_for_runs_in_the_requested_sandbox(tmp_path: Path) -> None:
    from swebot.batch.environment import ImagePolicy, environment_for

    instance = Instance(instance_id="psf__requests-1", repo="psf/requests", base_commit="abcd1234",
                        problem_statement="", version="9.9")
    kind, note = environment_for(instance, "docker", ImagePolicy(namespace=""), RepoCache(tmp_path, "/x/{repo}"))
    assert kind == "docker" and "no environment spec for psf/requests version 9.9" in note


# --- builds (Docker) -------------------------------------------------------------------------

TINY = harness.HarnessSpec("acme/shop", "1.0", "3.11", "pytest -rA", install="true")


@pytest.fixture
def shop(tmp_path: Path):
    require_docker()
    dataset = build_dataset(tmp_path / "data")
    instance = Instance.model_validate(dataset.by_id("acme__shop-1"))
    return dataset, instance, RepoCache(tmp_path / "cache", dataset.repo_source)


def _remove(tag: str) -> None:
    subprocess.run(["docker", "image", "rm", "-f", tag], capture_output=True)


@pytest.mark.docker
@pytest.mark.slow
def test_an_environment_is_built_once_and_reused(shop, tmp_path: Path) -> None:
    from swebot.sandbox.factory import open_sandbox

    _, instance, cache = shop
    spec = harness.HarnessSpec("acme/shop", "1.0", "3.10", "pytest -rA", install="touch /opt/testbed/installed")
    notes: list[str] = []
    first = ensure_spec_env(instance, cache, spec=spec, on_progress=notes.append)
    try:
        assert first.built_seconds > 0 and "built in" in first.note
        assert "Python 3.10 is not available from Debian here; using 3.9" in first.note
        assert any(n.startswith("building the environment of acme/shop@1.0") for n in notes)
        again = ensure_spec_env(instance, cache, spec=spec)
        assert again.tag == first.tag and again.built_seconds == 0 and "(reused)" in again.note
        work = tmp_path / "work"
        work.mkdir()
        (work / "a.txt").write_text("x\n")
        box = open_sandbox("specenv:" + first.tag, work)
        try:
            result = box.execute("echo $VIRTUAL_ENV $(pwd); python --version; ls /opt/testbed/installed a.txt",
                                 timeout=60)
            assert result.stdout.startswith("/opt/testbed /testbed\nPython 3.9."), result
            assert "/opt/testbed/installed\na.txt" in result.stdout, result
        finally:
            box.close()
    finally:
        _remove(first.tag)


@pytest.mark.docker
@pytest.mark.slow
def test_an_instance_declaring_other_dependencies_gets_a_layer_shared_by_its_like(tmp_path: Path) -> None:
    """pytest 5.4's base commits import wcwidth, which its environment_setup_commit did not
    declare: the spec's install runs again on such an instance's own tree, in a layer."""
    from swebot.sandbox.factory import open_sandbox

    require_docker()
    repo = tmp_path / "mirrors" / "acme" / "deps"
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    env_commit = _commit(repo, {"pyproject.toml": "dependencies = []\n", "deps/a.py": "A = 1\n"}, "setup")
    same = _commit(repo, {"deps/a.py": "A = 2\n"}, "code only")
    wider = _commit(repo, {"pyproject.toml": "dependencies = ['wcwidth']\n"}, "declares wcwidth")
    later = _commit(repo, {"deps/a.py": "A = 3\n"}, "code again")
    cache = RepoCache(tmp_path / "cache", f"{tmp_path}/mirrors/{{repo}}")
    spec = harness.HarnessSpec("acme/deps", "1.0", "3.9", "pytest -rA",
                               install="cp pyproject.toml /opt/testbed/declared.toml")

    def instance(n: int, base: str) -> Instance:
        return Instance.model_validate({"instance_id": f"acme__deps-{n}", "repo": "acme/deps", "base_commit": base,
                                        "environment_setup_commit": env_commit, "version": "1.0",
                                        "problem_statement": "x"})

    tags: set[str] = set()
    try:
        plain = ensure_spec_env(instance(1, same), cache, spec=spec)
        tags.add(plain.tag)
        assert "-deps-" not in plain.tag  # same dependency files: the (repo, version) environment itself
        notes: list[str] = []
        layered = ensure_spec_env(instance(2, wider), cache, spec=spec, on_progress=notes.append)
        tags.add(layered.tag)
        assert layered.tag.startswith(plain.tag + "-deps-") and "built in" in layered.note
        assert any("declares other dependencies" in n for n in notes)
        shared = ensure_spec_env(instance(3, later), cache, spec=spec)
        assert shared.tag == layered.tag and "(reused)" in shared.note
        work = tmp_path / "work"
        work.mkdir()
        for env, declared in ((plain, "dependencies = []"), (layered, "dependencies = ['wcwidth']")):
            box = open_sandbox("specenv:" + env.tag, work)
            try:
                result = box.execute("cat /opt/testbed/declared.toml; ls /testbed", timeout=60)
            finally:
                box.close()
            assert result.stdout.splitlines()[0] == declared, result
            assert "deps" not in result.stdout.split()  # the layer's tree is gone: each instance brings its own
    finally:
        for tag in sorted(tags, reverse=True):
            _remove(tag)


@pytest.mark.docker
@pytest.mark.slow
def test_a_failed_build_says_why_and_leaves_no_image(shop) -> None:
    _, instance, cache = shop
    spec = harness.HarnessSpec("acme/shop", "1.0", "3.11", "pytest -rA",
                               install="echo 'the install step broke' >&2; exit 7")
    with pytest.raises(EnvironmentProblem) as info:
        ensure_spec_env(instance, cache, spec=spec)
    message = str(info.value)
    assert "building the environment of acme/shop@1.0 failed" in message
    assert "the install step broke" in message and "--- build log (last 40 lines) ---" in message
    listed = subprocess.run(["docker", "images", "-q", "--filter", "label=swebot.spec=acme/shop@1.0"],
                            capture_output=True, text=True).stdout.split()
    assert listed == []


@pytest.mark.docker
@pytest.mark.slow
def test_an_interrupted_build_is_not_reused(shop, tmp_path: Path) -> None:
    _, instance, cache = shop
    script = f"""
import sys
from pathlib import Path
from swebot.batch import harness
from swebot.batch.dataset import Instance
from swebot.batch.repos import RepoCache
from swebot.batch.specenv import ensure_spec_env
spec = harness.HarnessSpec("acme/shop", "1.0", "3.11", "pytest -rA", install="sleep 20")
instance = Instance.model_validate_json(sys.argv[1])
env = ensure_spec_env(instance, RepoCache(Path(sys.argv[2]), sys.argv[3]), spec=spec,
                      on_progress=lambda m: print(m, flush=True))
print("TAG", env.tag, env.built_seconds, flush=True)
"""
    args = [sys.executable, "-c", script, instance.model_dump_json(), str(cache.cache_dir), cache.source]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, env={**os.environ}, start_new_session=True)
    line = proc.stdout.readline()  # "building the environment of ... as TAG"
    tag = line.strip().rsplit(" as ", 1)[-1]
    assert tag.startswith("swebot/specenv:acme_shop-1.0-"), line
    time.sleep(4)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(30)
    try:
        assert subprocess.run(["docker", "image", "inspect", tag], capture_output=True).returncode != 0
        rerun = subprocess.run(args, capture_output=True, text=True, timeout=600)
        assert rerun.returncode == 0, rerun.stderr[-2000:]
        tag_line = [x for x in rerun.stdout.splitlines() if x.startswith("TAG ")][0].split()
        assert tag_line[1] == tag and float(tag_line[2]) >= 20  # built again, whole
    finally:
        _remove(tag)


@pytest.mark.docker
@pytest.mark.slow
def test_evaluate_marks_an_instance_whose_environment_fails_as_error_and_goes_on(tmp_path: Path) -> None:
    """A repository the harness has a spec for (psf/requests 2.4 here, a small stand-in) whose
    environment cannot be built (no network for pip): that instance is `error` with the build
    log's tail; the other instance of the batch is evaluated as usual."""
    require_docker()
    dataset = build_dataset(tmp_path / "data")
    repo = dataset.mirrors / "psf" / "requests"
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    base = _commit(repo, {"requests/__init__.py": "x = 1\n", "test_requests.py": "def test_x():\n    pass\n"}, "v1")
    gold = _side_diff(repo, base, {"requests/__init__.py": "x = 2\n"}, "gold")
    requests = {"instance_id": "psf__requests-1", "repo": "psf/requests", "base_commit": base, "version": "2.4",
                "environment_setup_commit": base, "problem_statement": "x", "test_patch": "",
                "FAIL_TO_PASS": ["test_requests.py::test_x"], "PASS_TO_PASS": []}
    instances = tmp_path / "instances.jsonl"
    instances.write_text(json.dumps(requests) + "\n" + json.dumps(dataset.by_id("acme__shop-1")) + "\n")
    preds = tmp_path / "preds.jsonl"
    preds.write_text(json.dumps({"instance_id": "psf__requests-1", "model_patch": gold}) + "\n"
                     + json.dumps({"instance_id": "acme__shop-1", "model_patch": dataset.gold["acme__shop-1"]}) + "\n")
    proc = subprocess.run([sys.executable, "-m", "swebot", "batch", "evaluate", "--instances", str(instances),
                           "--predictions", str(preds), "--sandbox", "docker", "--repo-source", dataset.repo_source,
                           "--cache-dir", str(tmp_path / "cache"), "--json"],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout)
    assert report["error"] == ["psf__requests-1"] and report["resolved"] == ["acme__shop-1"]
    error = report["instances"]["psf__requests-1"]["error"]
    assert "building the environment of psf/requests@2.4 failed" in error and "--- build log" in error
    assert "pip" in error.split("--- build log")[1]


def test_specs_written_for_the_pip_before_25_3_get_it_and_their_pins_the_nearest_wheels() -> None:
    sklearn, astropy = harness.spec_for("scikit-learn/scikit-learn", "1.3"), harness.spec_for("astropy/astropy", "1.3")
    assert "--no-use-pep517" in harness.legacy_tools_reason(sklearn)
    assert "setuptools==38.2.4" in harness.legacy_tools_reason(astropy)
    for spec in (sklearn, astropy):
        script = setup_script(spec, ["setuptools==38.2.4"])
        assert harness.legacy_tools(spec) == ("pip<25.3", "wheel<0.46")
        lines = script.splitlines()
        export = lines.index("export PIP_CONSTRAINT=/tmp/swebot-drift-pins.txt")
        assert "'pip<25.3' 'wheel<0.46'" in lines[export - 1]
        assert "python /tmp/swebot-setup/nearestwheel.py /tmp/swebot-setup/pip_packages.txt" in script
        files = context_files(spec)
        assert files["setup/pip_packages.txt"].splitlines() == list(spec.pip_packages)
        assert "def nearest(" in files["setup/nearestwheel.py"]
    # --config-settings would make pip 25.2 force PEP 517 (the setup.py paths are the point)
    # and a pip that setup.py develop starts (setuptools >= 80 does) builds without isolation too
    assert harness.instance_setup(sklearn) == [
        "PIP_NO_BUILD_ISOLATION=0 python -m pip install -v --no-use-pep517 --no-build-isolation -e . --no-deps "
        "--no-build-isolation"]
    assert "editable_mode" not in harness.eval_script(Instance(
        instance_id="astropy__astropy-7746", repo="astropy/astropy", base_commit="0" * 40, problem_statement="",
        version="1.3"), astropy)
    # specs today's pip serves keep their scripts (and images) as they were
    for repo, version in [("astropy/astropy", "4.3"), ("django/django", "3.1"), ("pallets/flask", "2.0"),
                          ("sphinx-doc/sphinx", "3.5")]:
        spec = harness.spec_for(repo, version)
        assert harness.legacy_tools_reason(spec) == ""
        assert "nearestwheel" not in setup_script(spec, ["x==1"]) and "pip<25.3" not in setup_script(spec, [])
        assert "setup/pip_packages.txt" not in context_files(spec)


def test_a_pip_started_by_the_legacy_offline_install_builds_without_isolation(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """setuptools >= 80's develop runs `pip install -e . --use-pep517` itself; offline, an isolated
    build cannot fetch setuptools. A stand-in `python` that starts a child as develop does: the
    child sees pip's switch, whose value pip reads as "no isolation"."""
    stub = tmp_path / "bin" / "python"
    stub.parent.mkdir()
    stub.write_text("#!/bin/sh\nsh -c 'echo \"nested: $PIP_NO_BUILD_ISOLATION\"'\n")
    stub.chmod(0o755)
    command = harness.instance_setup(harness.spec_for("scikit-learn/scikit-learn", "1.3"))[-1]
    env = {"PATH": f"{stub.parent}:/usr/bin:/bin"}
    out = subprocess.run(["sh", "-c", command], env=env, capture_output=True, text=True, check=True).stdout
    assert out == "nested: 0\n"
    from pip._internal.commands.install import InstallCommand  # how the environments' pip reads the 0

    assert InstallCommand("install", "").parse_args([])[0].build_isolation
    monkeypatch.setenv("PIP_NO_BUILD_ISOLATION", "0")
    assert not InstallCommand("install", "").parse_args([])[0].build_isolation
    # a spec today's pip serves (no setup.py develop) is left as it was
    assert not harness.instance_setup(harness.spec_for("sphinx-doc/sphinx", "7.2"))[-1].startswith("PIP_")


def test_a_failed_install_is_retried_with_a_compiler_then_with_the_nearest_wheels(tmp_path: Path) -> None:
    """The fallback chain as the build's shell runs it, with stand-ins for pip, apt-get and nearestwheel."""
    from swebot.batch.specenv import _with_fallbacks

    calls = tmp_path / "calls"
    stand_ins = (f"python() {{ echo \"python $*\" >> {calls}; "
                 f"case \"$1\" in -m) [ -f {tmp_path}/rewritten ];; *) touch {tmp_path}/rewritten;; esac; }}\n"
                 f"apt-get() {{ echo \"apt-get $*\" >> {calls}; }}\n")
    line = _with_fallbacks("python -m pip install -r /r.txt", "/r.txt", nearest=True)
    subprocess.run(["bash", "-c", stand_ins + f"set -e\n{line}\necho done >> {calls}"], check=True)
    steps = calls.read_text().splitlines()
    assert steps == ["python -m pip install -r /r.txt", "apt-get update",
                     "apt-get install -y --no-install-recommends build-essential python3-dev",
                     "python -m pip install -r /r.txt",
                     "python /tmp/swebot-setup/nearestwheel.py /r.txt --progress-bar off",
                     "python -m pip install -r /r.txt", "done"]
    # without nearest: pip's failure after the compiler is the build's failure
    calls.unlink()
    (tmp_path / "rewritten").unlink()
    plain = _with_fallbacks("python -m pip install -r /r.txt", "/r.txt", nearest=False)
    proc = subprocess.run(["bash", "-c", stand_ins + f"set -e\n{plain}\necho done >> {calls}"])
    assert proc.returncode != 0 and "nearestwheel" not in calls.read_text() and "done" not in calls.read_text()
    # an image with a compiler already (astropy compiles): straight to the nearest wheels
    calls.unlink()
    compiled = _with_fallbacks("python -m pip install -r /r.txt", "/r.txt", nearest=True, compiler=True)
    subprocess.run(["bash", "-c", stand_ins + f"set -e\n{compiled}\necho done >> {calls}"], check=True)
    assert calls.read_text().splitlines() == [
        "python -m pip install -r /r.txt", "python /tmp/swebot-setup/nearestwheel.py /r.txt --progress-bar off",
        "python -m pip install -r /r.txt", "done"]


SKLEARN_BUILD_SYSTEM = '''\
[build-system]
requires = [
    "setuptools",
    "oldest-supported-numpy; python_version!='3.10' or platform_system!='Windows'",
    'numpy==1.22.3; python_version=="3.10" and platform_system=="Windows"',
    "odd; python_version == '3.9' and os_name != \\"nt\\"",
]

[tool.black]
line-length = 88
'''


SKLEARN_REQUIRES = ["setuptools", "oldest-supported-numpy; python_version!='3.10' or platform_system!='Windows'",
                    'numpy==1.22.3; python_version=="3.10" and platform_system=="Windows"',
                    """odd; python_version == '3.9' and os_name != "nt\""""]


@pytest.mark.parametrize(("pyproject", "requires"), [
    (SKLEARN_BUILD_SYSTEM, SKLEARN_REQUIRES),
    ("[build-system]\nrequires = ['setuptools>=40', 'wheel']\n", ["setuptools>=40", "wheel"]),
])
def test_the_build_requirements_reach_pip_through_xargs_with_their_quotes(tmp_path: Path, pyproject: str,
                                                                          requires: list[str]) -> None:
    (tmp_path / "pyproject.toml").write_text(pyproject)
    (tmp_path / "build_requires.py").write_text(build_requires_script(pyproject))
    listed = subprocess.run(f"{sys.executable} build_requires.py | xargs -r printf '%s\\n'", shell=True, cwd=tmp_path,
                            capture_output=True, text=True, check=True).stdout
    assert listed.splitlines() == requires


def test_a_tree_whose_build_requirements_hold_no_single_quote_keeps_the_script_and_so_its_image_tag() -> None:
    from swebot.batch.specenv import BUILD_REQUIRES

    for pyproject in (None, '[build-system]\nrequires = ["setuptools", "wheel"]\n',
                      "[build-system]\nrequires = [\"setuptools\"]\n\n[tool.black]\nexclude = 'docs'\n"):
        assert build_requires_script(pyproject) == BUILD_REQUIRES
    assert build_requires_script(SKLEARN_BUILD_SYSTEM) != BUILD_REQUIRES


def test_extras_in_the_build_requirements_do_not_end_the_list_early() -> None:
    from swebot.batch.specenv import BUILD_REQUIRES

    with_extras = ('[build-system]\nrequires = [\n  "setuptools_scm[toml]>=3.4",  # a comment\n'
                   "  \"oldest-supported-numpy; python_version!='3.10'\",\n]\n")
    assert build_requires_script(with_extras) != BUILD_REQUIRES


def test_a_submodule_the_archive_leaves_out_is_installed_from_its_pypi_stand_in(tmp_path: Path) -> None:
    astropy = harness.spec_for("astropy/astropy", "1.3")
    bare = tmp_path / "astropy.git"
    work = tmp_path / "work"
    work.mkdir()
    git(work, "init", "-q")
    commit = _commit(work, {".gitmodules": '[submodule "astropy_helpers"]\n\tpath = astropy_helpers\n'
                                           "\turl = https://github.com/astropy/astropy-helpers.git\n"},
                     "with a submodule")
    git(tmp_path, "clone", "-q", "--bare", str(work), str(bare))
    assert submodule_paths(bare, commit) == ["astropy_helpers"]
    lines = setup_script(astropy, [], submodules=submodule_paths(bare, commit)).splitlines()
    standin = next(i for i, line in enumerate(lines) if "astropy-helpers" in line)
    assert lines[standin].endswith("'astropy-helpers>=3.0,<3.1'")
    assert standin < lines.index("tar -C /testbed -xf /tmp/swebot-setup/repo.tar")
    # without the submodule, or in another repository, the script is what it was (and so the image tag)
    assert setup_script(astropy, []) == setup_script(astropy, [], submodules=["cextern/other"])
    sphinx = harness.spec_for("sphinx-doc/sphinx", "3.5")
    assert setup_script(sphinx, []) == setup_script(sphinx, [], submodules=["astropy_helpers"])
