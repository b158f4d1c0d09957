"""Edits through in-repository symbolic links (issue 12).

An edit to ``modlink.py -> pkg/mod.py`` (or to ``pkgdir/mod.py`` with ``pkgdir -> pkg``) used to
replace the link with a regular file (or directory) in the Docker sandbox, so the patch said
``deleted file mode 120000`` and ``--apply`` changed the user's repository structure; locally the
same edit patches the target. Both sandboxes must now give the same patch, and links must survive
copies into and out of a container.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from swebot.errors import SandboxError
from swebot.sandbox.docker import DockerSandbox
from swebot.sandbox.images import BASE_IMAGE
from swebot.sandbox.local import LocalSandbox
from swebot.types import Sandbox
from swebot.workspace import Workspace, snapshot, sandbox_diff
from tests.docker_support import docker_client, make_git_repo  # noqa: F401

pytestmark = pytest.mark.docker

EDITS = {
    "modlink.py": b"def value():\n    return 2\n",  # a file link
    "pkgdir/util.py": b"def helper():\n    return 'fixed'\n",  # through a directory link
    "pkgdir/new/extra.py": b"X = 1\n",  # new folders under a directory link
    "linkchain.py": b"def value():\n    return 3\n",  # a link to a link
}


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    repo = make_git_repo(tmp_path / "repo", {
        "pkg/__init__.py": "",
        "pkg/mod.py": "def value():\n    return 1\n",
        "pkg/util.py": "def helper():\n    return 'broken'\n",
        "script.sh": "#!/bin/sh\necho hi\n",
    })
    os.symlink("pkg/mod.py", repo / "modlink.py")
    os.symlink("pkg", repo / "pkgdir")
    os.symlink("modlink.py", repo / "linkchain.py")
    os.symlink("/etc", repo / "outside")
    os.symlink("pkg/missing.py", repo / "dangling.py")
    (repo / "script.sh").chmod(0o755)
    for args in (["add", "-A"], ["commit", "-q", "-m", "links"]):
        os.system(f"cd {repo} && git -c user.name=t -c user.email=t@localhost {' '.join(args)} >/dev/null")
    ws = snapshot(repo)
    yield ws
    ws.cleanup()


@pytest.fixture
def docker_box(docker_client, workspace: Workspace) -> Iterator[DockerSandbox]:  # noqa: F811
    box = DockerSandbox(docker_client, BASE_IMAGE)
    box.copy_in(workspace.path)
    yield box
    box.close()


def _edit(box: Sandbox, edits: dict[str, bytes]) -> str:
    for path, data in edits.items():
        box.write_file(path, data)
    return sandbox_diff(box)


def _links(box: Sandbox) -> str:
    return box.execute("find . -path ./.git -prune -o -type l -printf '%p -> %l\\n' | sort", timeout=60).stdout


def test_edits_through_links_give_the_same_patch_in_both_sandboxes(workspace: Workspace,
                                                                    docker_box: DockerSandbox,
                                                                    tmp_path: Path) -> None:
    local = LocalSandbox(workspace.path)
    links_before = _links(local)
    docker_patch = _edit(docker_box, EDITS)
    local_patch = _edit(local, EDITS)
    assert "120000" not in docker_patch and "deleted file" not in docker_patch
    assert docker_patch == local_patch
    assert "+++ b/pkg/mod.py" in docker_patch and "+    return 3" in docker_patch
    assert "+++ b/pkg/util.py" in docker_patch and "+++ b/pkg/new/extra.py" in docker_patch
    assert _links(docker_box) == _links(local) == links_before
    assert docker_box.read_file("pkgdir/new/extra.py") == b"X = 1\n"


def test_a_link_keeps_its_target_mode_and_escapes_are_refused(workspace: Workspace,
                                                              docker_box: DockerSandbox) -> None:
    os.symlink("script.sh", workspace.path / "run.sh")
    docker_box.copy_in(workspace.path)
    docker_box.write_file("run.sh", b"#!/bin/sh\necho bye\n")
    assert docker_box.execute("test -x script.sh && test -L run.sh && ./run.sh", timeout=60).stdout == "bye\n"
    local = LocalSandbox(workspace.path)
    local.write_file("run.sh", b"#!/bin/sh\necho bye\n")
    for box in (docker_box, local):
        with pytest.raises(SandboxError, match="outside the workspace"):
            box.write_file("outside/evil.conf", b"x\n")
    # A dangling link is created at its target, as the host's open() would.
    docker_box.write_file("dangling.py", b"Y = 1\n")
    local.write_file("dangling.py", b"Y = 1\n")
    assert docker_box.read_file("pkg/missing.py") == local.read_file("pkg/missing.py") == b"Y = 1\n"
    assert sandbox_diff(docker_box) == sandbox_diff(local)


def test_links_survive_copying_out_of_and_into_a_container(workspace: Workspace, docker_box: DockerSandbox,
                                                           tmp_path: Path) -> None:
    docker_box.write_file("modlink.py", EDITS["modlink.py"])
    out = tmp_path / "out"
    docker_box.copy_out(out)
    assert os.readlink(out / "modlink.py") == "pkg/mod.py" and os.readlink(out / "pkgdir") == "pkg"
    assert (out / "pkg" / "mod.py").read_bytes() == EDITS["modlink.py"]
    twin = docker_box.clone()
    try:
        assert _links(twin) == _links(docker_box)
        assert sandbox_diff(twin) == sandbox_diff(docker_box)
    finally:
        twin.close()
