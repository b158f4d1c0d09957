"""Several attempts in a Docker sandbox run side by side, each in a container of its own that
holds a copy of the workspace; the choice is then made in the run's own container."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import pytest

from swebot.models.base import Message, ModelReply
from swebot.models.scripted import ScriptedModel
from swebot.engines.factory import llm_plans
from swebot.scaling import ScalingEngine
from swebot.types import Budget, Task
from swebot.workspace import sandbox_diff, snapshot
from tests.docker_support import require_docker
from tests.test_scaling_engine import CORRECT_A, FILES, ISSUE, WRONG, attempt, call, settings

pytestmark = [pytest.mark.docker, pytest.mark.slow]


class MeetsTheOthers:
    """A model whose first reply waits until every attempt has asked for its first reply: it
    can only go on if the attempts run at the same time (sequential ones would time out)."""

    def __init__(self, inner: ScriptedModel, barrier: threading.Barrier, met: list[bool]) -> None:
        self.inner, self.barrier, self.met, self.name = inner, barrier, met, inner.name
        self.first = True

    def complete(self, messages: Sequence[Message], tools: Sequence[Mapping[str, Any]]) -> ModelReply:
        if self.first:
            self.first = False
            try:
                self.barrier.wait(timeout=60)
                self.met.append(True)
            except threading.BrokenBarrierError:
                self.met.append(False)
        return self.inner.complete(messages, tools)


def with_hostname(model: ScriptedModel) -> ScriptedModel:
    """The attempt's script, starting with a look at which container it runs in and what it holds."""
    return ScriptedModel([call("bash", command="hostname; grep -c 'SCALE = 1' calc/stats.py"), *model._script])


def test_attempts_run_side_by_side_in_containers_of_their_own(make_repo: Callable[..., Path],
                                                             tmp_path: Path) -> None:
    require_docker()
    from swebot.sandbox.factory import open_sandbox

    repo = make_repo(FILES)
    stats = repo / "calc" / "stats.py"
    stats.write_text(stats.read_text() + "\n\nSCALE = 1\n")  # uncommitted: the attempts must see it
    ws = snapshot(repo)
    scripts = [with_hostname(attempt(WRONG)), with_hostname(attempt(CORRECT_A))]
    barrier, met = threading.Barrier(len(scripts)), []
    models = [MeetsTheOthers(s, barrier, met) for s in scripts]
    plans = llm_plans(settings(tmp_path), len(models), models=models)
    task = Task(workspace=ws.path, test_command=None, issue=ISSUE, test_timeout=120)
    try:
        with open_sandbox("docker", ws.path) as sandbox:
            own_host = sandbox.execute("hostname", timeout=30).stdout.strip()
            result = ScalingEngine(plans, early_stop=False, workers=2).repair(
                task, sandbox, Budget(max_steps=10, time_limit=600), lambda e, f: None)
            diff = sandbox_diff(sandbox)
            leftovers = sandbox.execute("ls tests", timeout=30).stdout
    finally:
        ws.cleanup()
    assert met == [True, True]  # both attempts were running at once
    hosts = [[m.content for m in s.calls[1][0] if m.role == "tool"][0] for s in scripts]
    names = {h.splitlines()[1] for h in hosts}
    assert len(names) == 2 and own_host not in names  # a container each, not the run's own
    assert [h.splitlines()[2] for h in hosts] == ["1", "1"]  # each with the workspace as it was
    assert result.details["selection"]["winner"] == "a2" and result.status == "fixed"
    assert result.patch == diff and "+    if not values:" in diff and "SCALE" not in diff
    assert "test_repro" not in leftovers  # the run's container holds only the chosen change
