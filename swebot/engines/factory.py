"""Building an engine by name: ``builtin``, ``llm``, ``auto`` (builtin first, then the model), and
for ``--attempts N`` the attempts that ``swebot.scaling`` runs side by side and chooses among.

The only module that knows every engine; ``swebot.scaling`` sees engines through the ``Engine``
protocol and the ``AttemptPlan``s made here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence, TextIO

from swebot.agent.config import LLMSettings
from swebot.engines.builtin import BuiltinEngine
from swebot.engines.chain import BUILTIN_SHARE, BuiltinThenLLM
from swebot.engines.llm import LLMEngine, Variant
from swebot.errors import BadInput
from swebot.models.base import Model
from swebot.scaling.attempts import AttemptPlan
from swebot.scaling.engine import ScalingEngine
from swebot.types import Engine

ENGINE_NAMES = ("builtin", "llm", "auto")
SPREAD_TEMPERATURE = 0.7  # the least temperature of attempts after the first, so samples differ


def make_engine(name: str, settings: LLMSettings | None = None, *, has_failing_tests: bool = True,
                attempts: int = 1, keep_tests: bool = False) -> Engine:
    """Build an engine. ``auto`` is the builtin engine when failing tests exist, then the LLM.

    ``attempts`` > 1 asks for several independent attempts and a choice among them by evidence;
    ``keep_tests`` keeps reproduction tests an engine wrote in the final patch.
    """
    if name == "builtin":  # deterministic: more attempts would find the same patch
        return BuiltinEngine()
    if name in ("llm", "auto"):
        if settings is None:
            if name == "auto":
                return BuiltinEngine()
            raise BadInput("--engine llm needs a model", hint="pass --model NAME (and --base-url for a local server)")
        if attempts > 1:
            return scaled_engine(settings, attempts, keep_tests=keep_tests, name=name,
                                 with_builtin=name == "auto" and has_failing_tests)
        llm = LLMEngine(settings, keep_tests=keep_tests)
        if name == "llm" or not has_failing_tests:
            return llm
        return BuiltinThenLLM(llm)
    raise BadInput(f"unknown engine {name!r}", hint=f"choose one of {', '.join(ENGINE_NAMES)}")


def attempt_temperature(base: float | None, index: int) -> float | None:
    """The first attempt samples as configured; later ones at least at SPREAD_TEMPERATURE."""
    if index == 0:
        return base
    return max(base or 0.0, SPREAD_TEMPERATURE)


def _trajectory_path(base: Path | None, attempt_id: str) -> Path | None:
    return None if base is None else base.with_name(f"{base.stem}-{attempt_id}{base.suffix}")


def llm_plans(settings: LLMSettings, count: int, *, first: int = 1, models: Sequence[Model] | None = None,
              environ: dict[str, str] | None = None, stderr: TextIO | None = None) -> list[AttemptPlan]:
    """``count`` LLM attempts ``a<first>``, ... that differ in sampling temperature, seed and which
    localized location they are pointed at first (``models``: given models, e.g. scripted ones, one each)."""
    plans = []
    for i in range(count):
        attempt_id = f"a{first + i}"
        temperature = attempt_temperature(settings.resolved_temperature(), i)
        own = settings.model_copy(update={
            "temperature": temperature,
            "trajectory_path": _trajectory_path(settings.trajectory_path, attempt_id)})
        origin = f"llm {settings.model}, temperature {temperature if temperature is not None else 'default'}, " \
                 f"seed {first + i}, hint {i + 1} first"

        def make(wrap: Callable[[Model], Model], own: LLMSettings = own, i: int = i,
                 attempt_id: str = attempt_id) -> Engine:
            return LLMEngine(own, model=models[i] if models else None, environ=environ,
                             stderr=stderr, keep_tests=False,
                             variant=Variant(attempt_id, seed=first + i, hint_offset=i, wrap_model=wrap))

        plans.append(AttemptPlan(attempt_id, origin, make))
    return plans


def builtin_plan() -> AttemptPlan:
    """The builtin engine's search as one more candidate (``--engine auto`` with failing tests)."""
    return AttemptPlan("builtin", "builtin engine (SBFL + mutations)", lambda wrap: BuiltinEngine(),
                       time_share=BUILTIN_SHARE)


def scaled_engine(settings: LLMSettings, attempts: int, *, keep_tests: bool = False, with_builtin: bool = False,
                  name: str = "llm") -> ScalingEngine:
    """The engine for ``--attempts N`` (N > 1): the builtin search counts as one of the N when
    ``with_builtin``."""
    plans = [builtin_plan()] if with_builtin else []
    plans += llm_plans(settings, attempts - len(plans))
    return ScalingEngine(plans, name=name, keep_tests=keep_tests)
