"""SWE-bench instance images: local first, then pulled from a registry (a real one on 127.0.0.1),
commands run the way the harness runs them (conda env testbed activated, cwd /testbed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from swebot.batch.environment import (
    ImagePolicy,
    PullFailed,
    choose_sandbox,
    docker_image_exists,
    docker_pull,
    official_image_name,
)
from swebot.sandbox.factory import SWEBENCH_KIND_PREFIX
from tests.docker_support import require_docker
from tests.swebench_fixtures import SHOP_V1, build_dataset, wrong_patch
from tests.swebench_images import build_official_layout_image, free_port, start_registry

ID = "psf__requests-2317"
LOCAL = "sweb.eval.x86_64.psf_1776_requests-2317:latest"
OFFICIAL = "swebench/sweb.eval.x86_64.psf_1776_requests-2317:latest"


def test_official_image_names() -> None:
    assert official_image_name(ID) == OFFICIAL
    assert official_image_name("Django__Django-1", "127.0.0.1:5000/mirror/") == (
        "127.0.0.1:5000/mirror/sweb.eval.x86_64.django_1776_django-1:latest")


def test_a_missing_image_is_pulled_and_a_failed_pull_falls_back_with_a_note() -> None:
    pulled: list[str] = []
    seen: list[str] = []
    kind, note = choose_sandbox(ID, "docker", policy=ImagePolicy(namespace="swebench"),
                                image_exists=lambda name: seen.append(name) or False,
                                pull=lambda name, progress: pulled.append(name))
    assert seen == [LOCAL, OFFICIAL] and pulled == [OFFICIAL]
    assert kind == SWEBENCH_KIND_PREFIX + OFFICIAL and note.endswith("pulled")

    def refuse(name: str, progress: object) -> None:
        raise PullFailed(f"pulling {name} failed: denied: requested access to the resource is denied")

    kind, note = choose_sandbox(ID, "docker", policy=ImagePolicy(namespace="swebench"),
                                image_exists=lambda name: False, pull=refuse)
    assert kind == "docker" and "denied" in note and note.endswith("sandbox docker")


def test_no_pull_without_a_namespace_or_with_images_off() -> None:
    def never(name: str, progress: object) -> None:
        raise AssertionError("must not pull")

    kind, note = choose_sandbox(ID, "auto", policy=ImagePolicy(namespace=""), image_exists=lambda n: False,
                                pull=never)
    assert kind == "auto" and "pulling is off" in note
    assert choose_sandbox(ID, "auto", policy=ImagePolicy(use_images=False), pull=never)[0] == "auto"


@pytest.mark.docker
def test_a_pull_from_a_registry_that_does_not_answer_fails_with_the_reason() -> None:
    require_docker()
    name = official_image_name(ID, f"127.0.0.1:{free_port()}/swebot-test")
    with pytest.raises(PullFailed, match="pulling 127.0.0.1:.* failed: .*(refused|connect)"):
        docker_pull(name)
    kind, note = choose_sandbox(ID, "docker", policy=ImagePolicy(namespace=name.rsplit("/", 1)[0]))
    assert kind == "docker" and "refused" in note


@pytest.fixture
def registry(tmp_path: Path):
    require_docker()
    yield from start_registry(tmp_path / "registry")


@pytest.mark.docker
@pytest.mark.slow
def test_an_image_absent_from_the_registry_is_a_note(registry: str) -> None:
    with pytest.raises(PullFailed, match="not found|unknown|manifest"):
        docker_pull(official_image_name("acme__nothing-1", f"{registry}/swebot-test"))


@pytest.mark.docker
@pytest.mark.slow
def test_swebot_pulls_the_official_image_and_evaluates_inside_it(registry: str, tmp_path: Path) -> None:
    """Build an image in the official layout, push it to a registry on 127.0.0.1, remove it
    locally; swebot pulls it, and the gold patch resolves there while a wrong or empty one does not."""
    import docker

    dataset = build_dataset(tmp_path / "data")
    namespace = f"{registry}/swebot-test"
    image = official_image_name("acme__shop-1", namespace)
    client = docker.from_env(timeout=120)
    build_official_layout_image(client, image, {**SHOP_V1, "MARKER": "from the image\n"})
    try:
        for event in client.images.push(image.rsplit(":", 1)[0], tag="latest", stream=True, decode=True):
            assert "error" not in event, event
        client.images.remove(image)
        assert not docker_image_exists(image)
        instances = dataset.write_jsonl(tmp_path / "instances.jsonl", ("acme__shop-1",))

        def evaluate(patch: str) -> tuple[dict, str]:
            preds = tmp_path / "preds.jsonl"
            preds.write_text(json.dumps({"instance_id": "acme__shop-1", "model_patch": patch}) + "\n")
            proc = subprocess.run(
                [sys.executable, "-m", "swebot", "batch", "evaluate", "--instances", str(instances),
                 "--predictions", str(preds), "--sandbox", "docker", "--image-namespace", namespace,
                 "--repo-source", dataset.repo_source, "--cache-dir", str(tmp_path / "cache"), "--json"],
                capture_output=True, text=True, timeout=600, env={**os.environ})
            assert proc.returncode == 0, proc.stderr[-3000:]
            return json.loads(proc.stdout), proc.stderr

        report, stderr = evaluate(dataset.gold["acme__shop-1"])
        assert report["resolved"] == ["acme__shop-1"], report
        assert f"pulling {image}" in stderr and f"pulled {image}" in stderr
        assert docker_image_exists(image)
        report, _ = evaluate(wrong_patch(dataset, "acme__shop-1"))
        assert report["unresolved"] == ["acme__shop-1"], report
        assert report["instances"]["acme__shop-1"]["fail_to_pass_failing"] == [
            "tests/test_issue1.py::test_member_exactly_100"]
        report, _ = evaluate("")
        assert report["unresolved"] == ["acme__shop-1"] and report["empty_patch"] == ["acme__shop-1"]
    finally:
        try:
            client.images.remove(image, force=True)
        except docker.errors.ImageNotFound:
            pass
        client.close()


@pytest.mark.docker
@pytest.mark.slow
def test_commands_run_as_the_harness_runs_them(tmp_path: Path) -> None:
    """In an official-layout image: conda env testbed active, cwd /testbed, as root."""
    import docker

    from swebot.sandbox.factory import open_sandbox

    require_docker()
    client = docker.from_env(timeout=120)
    image = "swebot-test/sweb.eval.x86_64.i11_1776_layout-1:latest"
    build_official_layout_image(client, image)
    work = tmp_path / "work"
    work.mkdir()
    (work / "a.txt").write_text("hello\n")
    try:
        sandbox = open_sandbox(SWEBENCH_KIND_PREFIX + image, work)
        try:
            result = sandbox.execute('echo "$CONDA_DEFAULT_ENV $(pwd) $(id -u) $(command -v python)"; cat a.txt',
                                     timeout=60)
            assert result.stdout.split("\n")[:2] == [
                "testbed /testbed 0 /opt/miniconda3/envs/testbed/bin/python", "hello"], result
            argv = sandbox.execute(["python", "-c", "import sys; print(sys.argv[1:])", "a b", "c"], timeout=60)
            assert argv.stdout.strip() == "['a b', 'c']"
        finally:
            sandbox.close()
    finally:
        client.images.remove(image, force=True)
        client.close()
