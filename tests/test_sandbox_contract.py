"""The contract every Sandbox implementation keeps; run against local and docker alike."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path
from typing import Iterator

import pytest

from swebot.errors import SandboxError
from swebot.sandbox.local import LocalSandbox
from swebot.types import CloneableSandbox, Sandbox
from tests.docker_support import make_git_repo, require_docker

OUTPUT_LIMIT = 20_000

FILES = {
    "pkg/__init__.py": "",
    "pkg/calc.py": "def add(a, b):\n    return a - b\n",
    "tests/test_calc.py": "from pkg.calc import add\n\ndef test_add():\n    assert add(1, 2) == 3\n",
    "run.sh": "#!/bin/sh\necho script-ran\n",
}


@pytest.fixture(params=["local", pytest.param("docker", marks=pytest.mark.docker)])
def sandbox(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Sandbox]:
    source = make_git_repo(tmp_path / "repo", FILES)
    (source / "run.sh").chmod(0o755)
    subprocess.run(["git", "update-index", "--chmod=+x", "run.sh"], cwd=source, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@l", "commit", "-qm", "x"], cwd=source, check=True)
    if request.param == "local":
        box: Sandbox = LocalSandbox(source, output_limit=OUTPUT_LIMIT)
    else:
        require_docker()
        from swebot.sandbox.docker import DockerSandbox, Limits, connect
        from swebot.sandbox.images import BASE_IMAGE

        box = DockerSandbox(connect(), BASE_IMAGE, output_limit=OUTPUT_LIMIT, limits=Limits(memory="512m", pids=256))
        box.copy_in(source)
    yield box
    box.close()


def test_satisfies_the_protocol(sandbox: Sandbox) -> None:
    assert isinstance(sandbox, Sandbox)
    assert sandbox.root.startswith("/")


def test_execute_separates_streams_and_reports_exit_code(sandbox: Sandbox) -> None:
    result = sandbox.execute("echo out; echo err >&2; exit 3", timeout=30)
    assert (result.exit_code, result.stdout, result.stderr) == (3, "out\n", "err\n")
    assert not result.timed_out and not result.ok and not result.truncated
    assert result.duration >= 0


def test_execute_accepts_an_argument_list_without_a_shell(sandbox: Sandbox) -> None:
    result = sandbox.execute(["echo", "$HOME", "a b"], timeout=30)
    assert result.ok
    assert result.stdout == "$HOME a b\n"


def test_missing_program_is_a_failed_result_not_an_exception(sandbox: Sandbox) -> None:
    assert sandbox.execute("no-such-program-swebot", timeout=30).exit_code == 127


def test_cwd_is_relative_to_root_and_env_is_honoured(sandbox: Sandbox) -> None:
    result = sandbox.execute("pwd; echo $SWEBOT_T", timeout=30, cwd="pkg", env={"SWEBOT_T": "v1"})
    assert result.stdout == f"{sandbox.root}/pkg\nv1\n"


def test_long_commands_run_whole(sandbox: Sandbox) -> None:
    # An agent writing a file with a heredoc sends commands far longer than a usual argument.
    body = "\n".join(f"line {i} \"quoted\" \\ text" for i in range(4000))
    assert 100_000 < len(body) < 130_000  # under the kernel's 128 KiB for one argument
    result = sandbox.execute(f"cat > big.txt <<'EOF'\n{body}\nEOF\nwc -l < big.txt", timeout=60)
    assert result.ok, result.stderr
    assert result.stdout.strip() == "4000"
    assert sandbox.read_file("big.txt").decode() == body + "\n"


def test_stdin_is_empty(sandbox: Sandbox) -> None:
    result = sandbox.execute("cat; echo done", timeout=30)
    assert result.stdout == "done\n"


def test_runs_pytest_in_the_workspace(sandbox: Sandbox) -> None:
    result = sandbox.execute("python3 -m pytest -q -p no:cacheprovider", timeout=120)
    assert result.exit_code == 1
    assert "1 failed" in result.stdout
    sandbox.write_file("pkg/calc.py", b"def add(a, b):\n    return a + b\n")
    assert sandbox.execute("python3 -m pytest -q -p no:cacheprovider", timeout=120).ok


SLEEPER = b"import sys, time\nopen(sys.argv[2], 'w').close()\ntime.sleep(300)\n"


def test_timeout_kills_the_whole_process_tree(sandbox: Sandbox) -> None:
    token = f"swebot-orphan-{uuid.uuid4().hex[:12]}"  # unique: other runs on this machine have theirs
    sandbox.write_file("sleeper.py", SLEEPER)
    # A background child and a grandchild (under another shell), both running at the timeout.
    cmd = (
        f"python3 sleeper.py {token} child & sh -c 'python3 sleeper.py {token} grandchild' & "
        "while [ ! -f child ] || [ ! -f grandchild ]; do sleep 0.05; done; sleep 300"
    )
    result = sandbox.execute(cmd, timeout=8)
    assert result.timed_out and not result.ok
    assert sandbox.execute("ls child grandchild", timeout=30).ok  # both had started
    left = sandbox.execute(f"ps -eo args | grep {token} | grep -v grep", timeout=30)
    assert left.stdout == ""


def test_processes_left_behind_by_a_finished_command_are_stopped(sandbox: Sandbox) -> None:
    token = f"swebot-daemon-{uuid.uuid4().hex[:12]}"
    sandbox.write_file("sleeper.py", SLEEPER)
    cmd = f"(python3 sleeper.py {token} flag &) ; while [ ! -f flag ]; do sleep 0.05; done"
    assert sandbox.execute(cmd, timeout=60).ok
    assert sandbox.execute(f"ps -eo args | grep {token} | grep -v grep", timeout=30).stdout == ""


def test_output_is_bounded_with_a_note(sandbox: Sandbox) -> None:
    result = sandbox.execute("python3 -c \"print('a' * 500000 + 'END')\"", timeout=60)
    assert result.truncated and result.ok
    assert result.stdout.startswith("aaaa") and result.stdout.rstrip().endswith("END")
    assert "bytes of output cut by swebot" in result.stdout
    assert len(result.stdout) < OUTPUT_LIMIT + 200


def test_write_then_read_binary_in_new_folders(sandbox: Sandbox) -> None:
    data = bytes(range(256)) * 10
    sandbox.write_file("new/deep/blob.bin", data)
    assert sandbox.read_file("new/deep/blob.bin") == data
    assert sandbox.execute("wc -c < new/deep/blob.bin", timeout=30).stdout.strip() == "2560"
    # Commands can write where write_file made folders (ownership matches the command's user).
    assert sandbox.execute("echo more > new/deep/other.txt", timeout=30).ok


def test_files_written_by_commands_are_readable(sandbox: Sandbox) -> None:
    sandbox.execute("mkdir -p .swebot && printf 'x\\ny' > .swebot/out.txt", timeout=30)
    assert sandbox.read_file(".swebot/out.txt") == b"x\ny"


def test_read_missing_file_raises_file_not_found(sandbox: Sandbox) -> None:
    with pytest.raises(FileNotFoundError):
        sandbox.read_file("does/not/exist.txt")


@pytest.mark.parametrize("path", ["../outside.txt", "/etc/passwd", "pkg/../../x"])
def test_paths_outside_the_root_are_refused(sandbox: Sandbox, path: str) -> None:
    with pytest.raises(SandboxError):
        sandbox.write_file(path, b"x")
    with pytest.raises(SandboxError):
        sandbox.read_file(path)


def test_write_keeps_the_mode_of_an_existing_file(sandbox: Sandbox) -> None:
    sandbox.write_file("run.sh", b"#!/bin/sh\necho changed\n")
    assert sandbox.execute("./run.sh", timeout=30).stdout == "changed\n"
    assert sandbox.execute("git diff --summary", timeout=30).stdout == ""  # no mode change


def test_git_sees_the_baseline_and_the_edit(sandbox: Sandbox) -> None:
    sandbox.write_file("pkg/calc.py", b"def add(a, b):\n    return a + b\n")
    diff = sandbox.execute("git diff", timeout=30)
    assert diff.ok, diff.stderr
    assert "-    return a - b\n+    return a + b" in diff.stdout
    assert sandbox.execute("git log --oneline", timeout=30).stdout.count("\n") == 2


def test_copy_out_brings_back_changes_and_history(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.write_file("pkg/calc.py", b"changed\n")
    sandbox.execute("echo made > made_by_command.txt", timeout=30)
    dest = tmp_path / "out"
    sandbox.copy_out(dest)
    assert (dest / "pkg/calc.py").read_bytes() == b"changed\n"
    assert (dest / "made_by_command.txt").read_text() == "made\n"
    status = subprocess.run(["git", "status", "--porcelain"], cwd=dest, capture_output=True, text=True, check=True)
    assert " M pkg/calc.py" in status.stdout


def test_copy_in_adds_files(sandbox: Sandbox, tmp_path: Path) -> None:
    extra = tmp_path / "extra"
    (extra / "sub").mkdir(parents=True)
    (extra / "sub" / "added.txt").write_text("hello")
    sandbox.copy_in(extra)
    assert sandbox.read_file("sub/added.txt") == b"hello"
    assert sandbox.read_file("pkg/calc.py").startswith(b"def add")


def test_closed_sandbox_refuses_commands(sandbox: Sandbox) -> None:
    sandbox.close()
    with pytest.raises(SandboxError):
        sandbox.execute("true", timeout=10)
    sandbox.close()  # idempotent


def test_clone_is_an_independent_copy_of_the_workspace_as_it_is_now(sandbox: Sandbox) -> None:
    assert isinstance(sandbox, CloneableSandbox)
    fixed = b"def add(a, b):\n    return a + b\n"
    sandbox.write_file("pkg/calc.py", fixed)  # an uncommitted edit travels with the copy
    twin = sandbox.clone()
    try:
        assert twin.read_file("pkg/calc.py") == fixed
        assert twin.execute("git diff --name-only", timeout=30).stdout == "pkg/calc.py\n"  # same baseline
        assert twin.execute("./run.sh", timeout=30).stdout == "script-ran\n"  # modes kept
        assert twin.execute(["python3", "-m", "pytest", "-q", "tests"], timeout=120).ok
        twin.write_file("pkg/calc.py", b"x = 1\n")
        twin.execute("touch only_in_the_clone", timeout=30)
        assert sandbox.read_file("pkg/calc.py") == fixed
        assert sandbox.execute("test -e only_in_the_clone", timeout=30).exit_code == 1
    finally:
        twin.close()
    with pytest.raises(SandboxError):
        twin.execute("true", timeout=10)
    assert sandbox.execute("true", timeout=10).ok  # the original lives on
    if isinstance(twin, LocalSandbox):
        assert not Path(twin.root).exists()  # the copied folder went with the clone
    else:
        import docker.errors

        with pytest.raises(docker.errors.NotFound):
            twin.container.reload()  # type: ignore[attr-defined]
