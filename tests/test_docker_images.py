"""Environment images: which files count, when the hash changes, caching and failed builds."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from swebot.errors import EnvironmentProblem
from swebot.sandbox.docker import DockerSandbox
from swebot.sandbox.images import (
    BASE_IMAGE,
    DEPS_LABEL,
    KIND_LABEL,
    build_env_image,
    dependency_files,
    dependency_hash,
)
from tests.docker_support import docker_client  # noqa: F401  (fixture)


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_dependency_files_are_the_declaring_files_at_top_level(tmp_path: Path) -> None:
    _tree(tmp_path, {
        "pyproject.toml": "", "setup.py": "", "setup.cfg": "", "requirements-dev.txt": "",
        "requirements/test.txt": "", "src/pkg/requirements.txt": "", "README.md": "", "pkg/mod.py": "",
    })
    names = {p.as_posix() for p in dependency_files(tmp_path)}
    assert names == {"pyproject.toml", "requirements-dev.txt", "requirements/test.txt", "setup.cfg", "setup.py"}


def test_hash_follows_dependency_files_and_base_but_not_source(tmp_path: Path) -> None:
    _tree(tmp_path, {"requirements.txt": "attrs\n", "pkg/mod.py": "X = 1\n"})
    first = dependency_hash(tmp_path, "sha256:base1")
    (tmp_path / "pkg/mod.py").write_text("X = 2\n")
    assert dependency_hash(tmp_path, "sha256:base1") == first
    assert dependency_hash(tmp_path, "sha256:base2") != first
    (tmp_path / "requirements.txt").write_text("attrs==23.1\n")
    assert dependency_hash(tmp_path, "sha256:base1") != first


def test_hash_tells_renamed_files_apart(tmp_path: Path) -> None:
    a = _tree(tmp_path / "a", {"requirements.txt": "x\n"})
    b = _tree(tmp_path / "b", {"requirements-dev.txt": "x\n"})
    assert dependency_hash(a, "base") != dependency_hash(b, "base")


@pytest.mark.docker
def test_without_dependency_files_the_base_image_is_the_environment(docker_client, tmp_path: Path) -> None:  # noqa: F811
    assert build_env_image(docker_client, _tree(tmp_path, {"m.py": ""})) == BASE_IMAGE


@pytest.mark.docker
def test_env_image_is_built_once_then_reused(docker_client, tmp_path: Path) -> None:  # noqa: F811
    # pytest is already in the base image, so pip needs no network; the comment makes the
    # hash unique to this run so the first build really builds.
    repo = _tree(tmp_path, {"requirements.txt": f"# {uuid.uuid4()}\npytest\n-e .\n"})
    logs: list[str] = []
    tag = build_env_image(docker_client, repo, on_log=logs.append)
    try:
        image = docker_client.images.get(tag)
        assert tag.startswith("swebot/env:") and image.labels[KIND_LABEL] == "env"
        assert any("already satisfied: pytest" in line for line in logs)
        again: list[str] = []
        assert build_env_image(docker_client, repo, on_log=again.append) == tag
        assert again == []  # found by its hash, no build at all
        with DockerSandbox(docker_client, tag) as box:
            assert box.execute("python3 -m pytest --version", timeout=60).ok
    finally:
        docker_client.images.remove(tag, force=True)


@pytest.mark.docker
def test_failed_build_reports_the_tail_of_its_log(docker_client, tmp_path: Path) -> None:  # noqa: F811
    repo = _tree(tmp_path, {"requirements.txt": f"# {uuid.uuid4()}\nthis is === not a requirement\n"})
    with pytest.raises(EnvironmentProblem) as info:
        build_env_image(docker_client, repo)
    message = str(info.value)
    assert info.value.exit_status == 3
    assert "build log" in message and "requirement" in message.lower()
    assert "requirements.txt" in message  # the hint names the files to check
    assert "\x1b[" not in message


@pytest.mark.docker
def test_missing_base_image_says_how_to_build_it(docker_client, tmp_path: Path) -> None:  # noqa: F811
    with pytest.raises(EnvironmentProblem) as info:
        build_env_image(docker_client, tmp_path, base="swebot/does-not-exist:latest")
    assert "build-base-image.sh" in str(info.value)


@pytest.mark.docker
def test_declared_dependencies_are_read_from_every_kind_of_file(docker_client, tmp_path: Path) -> None:  # noqa: F811
    # Only packages the base image already has, so pip decides without the network.
    repo = _tree(tmp_path, {
        "pyproject.toml": f'# {uuid.uuid4()}\n[project]\nname = "x"\nversion = "0"\ndependencies = ["pytest>=7"]\n'
                          '[project.optional-dependencies]\ntest = ["coverage"]\ndocs = ["sphinx-not-installed"]\n',
        "setup.py": "from setuptools import setup\nsetup(name='x', install_requires=['iniconfig'])\n",
        "setup.cfg": "[options]\ninstall_requires =\n    pluggy\n",
    })
    logs: list[str] = []
    tag = build_env_image(docker_client, repo, on_log=logs.append)
    try:
        text = "".join(logs)
        for name in ("pytest>=7", "coverage", "iniconfig", "pluggy"):
            assert f"already satisfied: {name}" in text
        assert "sphinx-not-installed" not in text  # extras other than test/dev stay out
    finally:
        docker_client.images.remove(tag, force=True)


@pytest.mark.docker
def test_failed_build_leaves_no_partial_images(docker_client, tmp_path: Path) -> None:  # noqa: F811
    repo = _tree(tmp_path, {"requirements.txt": f"# {uuid.uuid4()}\n=== broken\n"})
    with pytest.raises(EnvironmentProblem):
        build_env_image(docker_client, repo)
    # Every layer of the build carries its hash as a label (set before the first step).
    deps = dependency_hash(repo, docker_client.images.get(BASE_IMAGE).id)
    assert docker_client.images.list(all=True, filters={"label": f"{DEPS_LABEL}={deps}"}) == []


@pytest.mark.docker
def test_base_image_has_what_swebot_runs_inside(docker_client) -> None:  # noqa: F811
    with DockerSandbox(docker_client, BASE_IMAGE) as box:
        # `python -m pytest` is the default test command; coverage feeds fault localization.
        result = box.execute(
            "python -m pytest --version && python3 -m coverage --version && git --version && ps --version",
            timeout=60,
        )
        assert result.ok, result.stdout + result.stderr
        assert box.execute("test -w /workspace && test -d $HOME", timeout=30).ok
