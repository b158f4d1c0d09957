"""Where an instance runs: its SWE-bench image when present locally, else the requested sandbox."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from swebot.batch.environment import (
    ImagePolicy,
    choose_sandbox,
    docker_image_exists,
)
from swebot.sandbox.factory import SWEBENCH_KIND_PREFIX
from tests.fake_openai import FakeOpenAI
from tests.swebench_fixtures import build_dataset, llm_responder
from tests.swebench_images import build_official_layout_image
from tests.test_batch_llm import batch_args, env_for

IMAGE = "sweb.eval.x86_64.django_1776_django-11099:latest"


def test_present_image_is_used_when_the_factory_can_open_it() -> None:
    kind, note = choose_sandbox("django__django-11099", "auto", image_exists=lambda name: name == IMAGE)
    assert kind == SWEBENCH_KIND_PREFIX + IMAGE and "/testbed" in note


def test_absent_image_falls_back_to_the_requested_sandbox() -> None:
    asked: list[str] = []
    kind, note = choose_sandbox("django__django-11099", "docker", policy=ImagePolicy(namespace=""),
                                image_exists=lambda name: asked.append(name) or False)
    assert (kind, asked) == ("docker", [IMAGE])  # no namespace: nothing pulled
    assert "no local image" in note


def test_local_or_images_off_never_looks_for_an_image() -> None:
    def never(name: str) -> bool:
        raise AssertionError("must not look")

    assert choose_sandbox("a__b-1", "local", image_exists=never)[0] == "local"
    assert choose_sandbox("a__b-1", "auto", use_images=False, image_exists=never)[0] == "auto"


def test_an_image_nobody_built_is_absent() -> None:
    assert docker_image_exists("sweb.eval.x86_64.nobody_1776_nothing-1:latest") is False


@pytest.fixture
def instance_image():
    docker = pytest.importorskip("docker")
    try:
        client = docker.from_env(timeout=10)
        client.images.get("swebot/base:latest")
    except Exception as exc:  # noqa: BLE001 - no engine, or no base image
        pytest.skip(f"needs Docker and the swebot/base image: {exc}")
    tag = "sweb.eval.x86_64.acme_1776_shop-1:latest"
    build_official_layout_image(client, tag)
    yield tag
    client.images.remove(tag, force=True)


@pytest.mark.docker
@pytest.mark.slow
def test_batch_runs_inside_the_instance_image_when_present(instance_image: str, tmp_path: Path) -> None:
    dataset = build_dataset(tmp_path / "data")
    with FakeOpenAI([llm_responder(dataset)] * 20) as server:
        args = batch_args(dataset, tmp_path, server, "--filter", "shop")
        args.remove("--no-swebench-images")
        args[args.index("--sandbox") + 1] = "auto"
        proc = subprocess.run(args, env=env_for(tmp_path), capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = tmp_path / "out" / "instances"
    inside = json.loads((out / "acme__shop-1" / "result.json").read_text())
    outside = json.loads((out / "acme__shop-2" / "result.json").read_text())
    assert inside["sandbox"] == f"SWE-bench image {instance_image} (/testbed)"
    assert inside["status"] == "fixed" and "total >= 100" in inside["patch"]
    assert outside["sandbox"].startswith("no local image sweb.eval.x86_64.acme_1776_shop-2:latest (pulling is off)")
