"""A lost container brought back keeps what the environment's setup wrote.

The setup of an environment built from a harness spec (``pip install -e .`` on the workspace) writes
files only the container holds: pytest's ``_pytest/_version.py``, the installed package's metadata.
A container removed from outside is replaced by a new one from the image; the setup must run there
again, after the workspace is back and before the edits are, or ``import pytest`` fails in every
later test run. Faked at the Docker SDK seam DockerSandbox uses (containers.run, put_archive,
reload/start/remove, api.exec_create/exec_start), so no daemon is needed.
"""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import docker.errors
import pytest

from swebot.errors import SandboxError
from swebot.sandbox.docker import DockerSandbox
from swebot.sandbox.factory import RetryingSandbox, _filled

SETUP = "pip install -e . --no-deps"


class _Container:
    def __init__(self, engine: "_Docker", number: int) -> None:
        self.id = f"c{number}"
        self.engine = engine
        self.gone = False
        self.running = True
        self.files: set[str] = set()
        self.events: list[str] = []  # "exec <command>", "files <paths under the workspace>"

    @property
    def attrs(self) -> dict[str, dict[str, object]]:
        return {"State": {"Running": self.running, "ExitCode": 137}}

    def put_archive(self, where: str, data: object) -> None:
        self._check()
        raw = data if isinstance(data, bytes) else data.read()  # type: ignore[attr-defined]
        with tarfile.open(fileobj=io.BytesIO(raw)) as tar:
            names = [f"{where.rstrip('/')}/{m.name}" for m in tar if m.isfile()]
        self.files.update(names)
        workspace = sorted(n for n in names if n.startswith("/workspace/"))
        if workspace:
            self.events.append("files " + " ".join(workspace))

    def reload(self) -> None:
        self._check()

    def start(self) -> None:
        self._check()
        self.running = True

    def remove(self, force: bool = False) -> None:
        self.gone = True

    def _check(self) -> None:
        if self.gone:
            raise docker.errors.NotFound("no such container")


class _Api:
    def __init__(self, engine: "_Docker") -> None:
        self.engine = engine
        self.specs: dict[str, tuple[_Container, dict[str, object]]] = {}

    def exec_create(self, container_id: str, cmd: list[str], **_kw: object) -> dict[str, str]:
        container = self.engine.by_id[container_id]
        container._check()
        if not container.running:
            raise docker.errors.APIError("container is not running")
        exec_id = f"e{len(self.specs)}"
        self.specs[exec_id] = (container, json.loads(cmd[-1]))
        return {"Id": exec_id}

    def _url(self, template: str, container_id: str) -> tuple[str, str]:
        return template, container_id

    def head(self, url: tuple[str, str], params: dict[str, str]) -> "_Stat":
        """The archive endpoint's stat: found (no header: a plain file or folder) or 404."""
        container, path = self.engine.by_id[url[1]], params["path"]
        container._check()
        found = path == "/workspace" or any(f == path or f.startswith(path + "/") for f in container.files)
        return _Stat(200 if found else 404)

    def _raise_for_status(self, response: "_Stat") -> None:
        pass

    def exec_start(self, exec_id: str, demux: bool) -> tuple[bytes, bytes]:
        container, spec = self.specs[exec_id]
        command = str(spec["command"])
        container.events.append(f"exec {command}")
        if command == SETUP:  # what the install writes into the tree
            container.files.add("/workspace/src/_pytest/_version.py")
        failed = command == SETUP and self.engine.setup_fails
        result = {"exit_code": 1 if failed else 0, "stdout": "", "stderr": "no network" if failed else "",
                  "timed_out": False, "truncated": False, "oom_killed": False}
        return json.dumps(result).encode(), b""


class _Stat:
    def __init__(self, status_code: int) -> None:
        self.status_code = status_code
        self.headers: dict[str, str] = {}


class _Containers:
    def __init__(self, engine: "_Docker") -> None:
        self.engine = engine

    def run(self, image: str, **_kw: object) -> _Container:
        container = _Container(self.engine, len(self.engine.by_id))
        self.engine.by_id[container.id] = container
        return container


class _Docker:
    def __init__(self) -> None:
        self.by_id: dict[str, _Container] = {}
        self.containers = _Containers(self)
        self.api = _Api(self)
        self.setup_fails = False


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "ws" / "src").mkdir(parents=True)
    (tmp_path / "ws" / "src" / "m.py").write_text("X = 1\n")
    return tmp_path / "ws"


def _open(engine: _Docker, workspace: Path) -> RetryingSandbox:
    return _filled(DockerSandbox(engine, "swebot/specenv:x"), workspace,  # type: ignore[arg-type]
                   lambda _m: None, [SETUP])


def test_a_replacement_container_gets_the_setup_run_again_between_the_files_and_the_edits(workspace: Path) -> None:
    engine = _Docker()
    box = _open(engine, workspace)
    box.write_file("src/m.py", b"X = 2\n")
    first = engine.by_id["c0"]
    first.remove(force=True)  # removed from outside: a new container from the image, files gone
    box.execute("pytest", timeout=60)
    second = box.inner.container
    assert second is not first
    assert second.events == ["files /workspace/src/m.py", f"exec {SETUP}", "files /workspace/src/m.py", "exec pytest"]
    assert "/workspace/src/_pytest/_version.py" in second.files
    # and a second loss replays the setup once more, not twice
    second.remove(force=True)
    box.execute("pytest", timeout=60)
    assert [e for e in box.inner.container.events if e.startswith("exec")] == [f"exec {SETUP}", "exec pytest"]


def test_a_restarted_container_keeps_its_files_and_is_not_set_up_again(workspace: Path) -> None:
    engine = _Docker()
    box = _open(engine, workspace)
    first = engine.by_id["c0"]
    first.running = False  # killed: stopped, its files survive a restart
    box.execute("pytest", timeout=60)
    assert box.inner.container is first and len(engine.by_id) == 1
    assert [e for e in first.events if e.startswith("exec")] == [f"exec {SETUP}", "exec pytest"]


def test_a_clone_gets_the_setup_too(workspace: Path, tmp_path: Path) -> None:
    engine = _Docker()
    box = _open(engine, workspace)
    box.inner.copy_out = lambda dest: (dest / "src").mkdir(parents=True)  # type: ignore[method-assign]
    twin = box.clone()
    assert [e for e in twin.inner.container.events if e.startswith("exec")] == [f"exec {SETUP}"]


def test_a_setup_failing_in_the_new_container_is_a_sandbox_error(workspace: Path) -> None:
    engine = _Docker()
    box = _open(engine, workspace)
    engine.setup_fails = True
    engine.by_id["c0"].remove(force=True)
    with pytest.raises(SandboxError, match=f"setup step `{SETUP}` failed in a new container .exit 1.:\nno network"):
        box.execute("pytest", timeout=60)


def test_a_failed_setup_step_is_not_remembered(workspace: Path) -> None:
    engine = _Docker()
    engine.setup_fails = True
    inner = DockerSandbox(engine, "swebot/specenv:x")  # type: ignore[arg-type]
    inner.copy_in(workspace)
    assert not inner.run_setup(SETUP, timeout=60).ok
    engine.setup_fails = False
    engine.by_id["c0"].remove(force=True)
    RetryingSandbox(inner, lambda _m: None).execute("pytest", timeout=60)
    assert [e for e in inner.container.events if e.startswith("exec")] == ["exec pytest"]
