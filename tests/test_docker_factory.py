"""Choosing a sandbox (--sandbox auto|docker|local) and the `swebot sandbox` command."""

from __future__ import annotations

import argparse
import io
import socket
import uuid
from pathlib import Path

import pytest

from swebot.commands import sandbox as sandbox_command
from swebot.errors import BadInput, EnvironmentProblem
from swebot.sandbox.factory import RetryingSandbox, open_sandbox
from swebot.sandbox.images import KIND_LABEL, LABEL
from swebot.sandbox.local import LocalSandbox
from tests.docker_support import containers_of_this_process, docker_client, make_git_repo  # noqa: F401

NO_DAEMON = "unix:///nonexistent/swebot-test-docker.sock"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_git_repo(tmp_path / "repo", {"m.py": "def f():\n    return 1\n",
                                             "test_m.py": "from m import f\n\ndef test_f():\n    assert f() == 2\n"})


def _cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="swebot")
    sandbox_command.register(parser.add_subparsers())
    args = parser.parse_args(list(argv))
    try:
        return int(args.handler(args))
    except (BadInput, EnvironmentProblem) as exc:
        return exc.exit_status


def test_local_uses_the_workspace_in_place(repo: Path) -> None:
    box = open_sandbox("local", repo)
    assert isinstance(box, LocalSandbox) and box.root == str(repo.resolve())


def test_unknown_kind_is_bad_input(repo: Path) -> None:
    with pytest.raises(BadInput):
        open_sandbox("vm", repo)


def test_docker_without_a_daemon_is_an_environment_problem(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", NO_DAEMON)
    with pytest.raises(EnvironmentProblem) as info:
        open_sandbox("docker", repo)
    assert info.value.exit_status == 3
    assert "daemon does not answer" in str(info.value) and NO_DAEMON in str(info.value)
    assert "--sandbox local" in (info.value.hint or "")


def test_auto_without_a_daemon_warns_and_runs_locally(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", NO_DAEMON)
    warnings: list[str] = []
    box = open_sandbox("auto", repo, on_warning=warnings.append)
    assert isinstance(box, LocalSandbox)
    assert len(warnings) == 1 and "without isolation" in warnings[0] and "daemon" in warnings[0]
    assert box.execute("echo hi", timeout=30).stdout == "hi\n"


@pytest.mark.docker
def test_auto_without_the_base_image_warns_how_to_build_it(
    docker_client, repo: Path, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    from swebot.sandbox import images

    monkeypatch.setattr(images, "BASE_IMAGE", "swebot/no-such-base:latest")
    warnings: list[str] = []
    box = open_sandbox("auto", repo, on_warning=warnings.append)
    assert isinstance(box, LocalSandbox)
    assert len(warnings) == 1 and "build-base-image.sh" in warnings[0]
    with pytest.raises(EnvironmentProblem):
        open_sandbox("docker", repo)


@pytest.mark.docker
def test_host_variables_enter_only_when_allowlisted(
    docker_client, repo: Path, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    monkeypatch.setenv("SWEBOT_TEST_TOKEN_A", "secret-a")
    monkeypatch.setenv("SWEBOT_TEST_PASSED_B", "visible-b")
    monkeypatch.setenv("SWEBOT_SANDBOX_ENV", "SWEBOT_TEST_PASSED_B, ")
    with open_sandbox("docker", repo) as box:
        env = box.execute("env", timeout=30).stdout
    assert "visible-b" in env and "secret-a" not in env


def test_cli_commands_without_a_daemon_exit_3(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", NO_DAEMON)
    assert _cli("sandbox", "build", str(repo)) == 3
    assert _cli("sandbox", "prune") == 3


def test_cli_build_of_a_missing_folder_is_bad_input(tmp_path: Path) -> None:
    assert _cli("sandbox", "build", str(tmp_path / "nope")) == 2


@pytest.mark.docker
@pytest.mark.parametrize("kind", ["docker", "auto"])
def test_docker_and_auto_give_a_container_with_the_workspace(
    docker_client, repo: Path, kind: str  # noqa: F811
) -> None:
    warnings: list[str] = []
    with open_sandbox(kind, repo, on_warning=warnings.append) as box:
        assert isinstance(box, RetryingSandbox) and box.root == "/workspace"
        result = box.execute("python3 -m pytest -q -p no:cacheprovider", timeout=120)
        assert result.exit_code == 1 and "1 failed" in result.stdout
        assert box.execute("git status --porcelain", timeout=30).stdout == ""
    assert warnings == []
    assert containers_of_this_process(docker_client) == []


@pytest.mark.docker
def test_prune_removes_orphans_but_not_live_sandboxes(docker_client, tmp_path: Path) -> None:  # noqa: F811
    from swebot.sandbox.docker import OWNER_LABEL
    from swebot.sandbox.images import BASE_IMAGE

    labels = {LABEL: "1", KIND_LABEL: "sandbox"}
    # Opening a sandbox removes dead owners' containers itself (test_leftovers.py): make them after.
    with open_sandbox("docker", make_git_repo(tmp_path / "r", {"a": ""})) as live:
        orphan = docker_client.containers.run(
            BASE_IMAGE, ["sleep", "infinity"], detach=True, network_mode="none",
            labels={**labels, OWNER_LABEL: f"{socket.gethostname()}:999999999"},
        )
        stopped = docker_client.containers.create(BASE_IMAGE, ["true"], labels=labels)
        try:
            assert _cli("sandbox", "prune", "--dry-run") == 0
            assert docker_client.containers.list(all=True, filters={"id": orphan.id})  # dry run kept it
            # --keep-images: other runs on this engine may be using their environment images.
            assert _cli("sandbox", "prune", "--keep-images") == 0
            remaining = {c.id for c in docker_client.containers.list(all=True, filters={"label": f"{LABEL}=1"})}
            assert orphan.id not in remaining and stopped.id not in remaining
            assert live.inner.container.id in remaining
            assert live.execute("true", timeout=30).ok
        finally:
            for c in (orphan, stopped):
                try:
                    c.remove(force=True)
                except Exception:
                    pass
    assert docker_client.images.get(BASE_IMAGE)  # the base image stays without --base


@pytest.mark.docker
@pytest.mark.parametrize("kind", ["env", "specenv"])
def test_prune_takes_environment_images_and_keeps_the_base(docker_client, kind: str,  # noqa: F811
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    from swebot.sandbox.images import BASE_IMAGE

    tag = f"swebot-test-prune-{kind}:{uuid.uuid4().hex[:10]}"
    dockerfile = io.BytesIO(f"FROM {BASE_IMAGE}\nLABEL {LABEL}=1 {KIND_LABEL}={kind}\n".encode())
    docker_client.images.build(fileobj=dockerfile, tag=tag, rm=True)
    try:
        # A dry run only lists (a real prune would also take other runs' images on this shared engine).
        assert _cli("sandbox", "prune", "--dry-run") == 0
        listed = capsys.readouterr().out
        assert f"image {tag}" in listed and BASE_IMAGE not in listed
        assert _cli("sandbox", "prune", "--dry-run", "--base") == 0
        assert BASE_IMAGE in capsys.readouterr().out
        assert _cli("sandbox", "prune", "--dry-run", "--keep-images") == 0
        assert "image " not in capsys.readouterr().out
        assert docker_client.images.get(tag)
    finally:
        docker_client.images.remove(tag, force=True)


@pytest.fixture
def swebench_like_image(docker_client) -> str:  # noqa: F811
    """An image laid out like a SWE-bench instance image: repo in /testbed, root, conda env."""
    from tests.swebench_images import build_official_layout_image

    tag = "swebot/test-swebench-like:latest"
    build_official_layout_image(docker_client, tag, {"preinstalled.txt": "preinstalled\n"})
    yield tag
    docker_client.images.remove(tag, force=True)


@pytest.mark.docker
def test_swebench_kind_runs_in_testbed_of_the_given_image(docker_client, swebench_like_image: str, repo: Path,  # noqa: F811
                                                          tmp_path: Path) -> None:
    from swebot.sandbox.factory import SWEBENCH_KIND_PREFIX

    with open_sandbox(SWEBENCH_KIND_PREFIX + swebench_like_image, repo) as box:
        assert box.root == "/testbed"
        result = box.execute("id -u; command -v python; cat preinstalled.txt; git status --porcelain", timeout=60)
        # The conda env is active; the image's own files stay; git (our baseline, copied in) sees
        # them as untracked.
        assert result.stdout == "0\n/opt/miniconda3/envs/testbed/bin/python\npreinstalled\n?? preinstalled.txt\n"
        box.write_file("m.py", b"def f():\n    return 2\n")
        assert box.execute("python3 -m pytest -q -p no:cacheprovider", timeout=120).ok
        box.copy_out(tmp_path / "out")
    assert (tmp_path / "out" / "m.py").read_text() == "def f():\n    return 2\n"
    assert containers_of_this_process(docker_client) == []


@pytest.mark.docker
def test_swebench_kind_with_a_missing_image_is_an_environment_problem(docker_client, repo: Path) -> None:  # noqa: F811
    with pytest.raises(EnvironmentProblem) as info:
        open_sandbox("swebench:sweb.eval.x86_64.nobody__nothing-1:latest", repo)
    assert "not present" in str(info.value)


class _FakeBox:
    """The seam ``_filled`` uses: copy_in, run_setup, close (and the root RetryingSandbox reads)."""

    root = "/testbed"

    def __init__(self, fail_on: str = "") -> None:
        self.calls: list[str] = []
        self.fail_on = fail_on
        self.closed = False

    def copy_in(self, source: Path) -> None:
        self.calls.append(f"copy_in {source.name}")

    def run_setup(self, command: str, *, timeout: float):
        from swebot.types import ExecResult

        self.calls.append(command)
        failed = bool(self.fail_on) and self.fail_on in command
        return ExecResult(1 if failed else 0, "", "no module named setuptools_scm" if failed else "", False, 0.1)

    def close(self) -> None:
        self.closed = True


def test_an_environment_image_gets_the_spec_s_instance_setup_run_on_the_workspace(tmp_path: Path) -> None:
    from swebot.batch import harness
    from swebot.batch.dataset import Instance
    from swebot.batch.environment import sandbox_setup
    from swebot.sandbox.factory import SPECENV_KIND_PREFIX, SWEBENCH_KIND_PREFIX, _filled

    # pytest writes _pytest/_version.py when installed: without the install on this tree, `import
    # pytest` fails (the builtin engine's runs of pytest-dev/pytest-7490 ended in that error)
    pytest_60 = Instance(instance_id="pytest-dev__pytest-7490", repo="pytest-dev/pytest", base_commit="0" * 40,
                         problem_statement="", version="6.0")
    steps = sandbox_setup(pytest_60, SPECENV_KIND_PREFIX + "swebot/specenv:pytest")
    assert list(steps) == harness.instance_setup(harness.spec_for("pytest-dev/pytest", "6.0"))
    assert any("pip install -e ." in s and "--no-deps" in s for s in steps)
    # an official image has its tree installed; other sandboxes and unknown specs get nothing
    assert sandbox_setup(pytest_60, SWEBENCH_KIND_PREFIX + "sweb.eval.x86_64.pytest") == ()
    assert sandbox_setup(pytest_60, "docker") == ()
    unknown = Instance(instance_id="acme__unknown-1", repo="acme/unknown", base_commit="0" * 40,
                       problem_statement="", version="1.0")
    assert sandbox_setup(unknown, SPECENV_KIND_PREFIX + "swebot/specenv:x") == ()
    box = _FakeBox()
    filled = _filled(box, tmp_path, lambda m: None, ["step one", "step two"])  # type: ignore[arg-type]
    assert box.calls == [f"copy_in {tmp_path.name}", "step one", "step two"] and not box.closed
    assert isinstance(filled, RetryingSandbox)
    failing = _FakeBox(fail_on="two")
    with pytest.raises(EnvironmentProblem, match="setup step `step two` failed .exit 1.:\nno module named setuptools_scm"):
        _filled(failing, tmp_path, lambda m: None, ["step one", "step two"])  # type: ignore[arg-type]
    assert failing.closed
