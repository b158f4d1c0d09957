"""What the attempts are: LLM sessions that differ in sampling temperature, seed and which
localized location they are pointed at first, plus (for ``--engine auto`` with failing tests)
the builtin engine's search as one more candidate."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence, TextIO

from swebot.models.base import Model
from swebot.scaling.attempts import AttemptPlan
from swebot.scaling.engine import ScalingEngine

if TYPE_CHECKING:
    from swebot.agent.config import LLMSettings

SPREAD_TEMPERATURE = 0.7  # the least temperature of attempts after the first, so samples differ
BUILTIN_SHARE = 0.3  # of the time left the builtin search may use


def attempt_temperature(base: float | None, index: int) -> float | None:
    """The first attempt samples as configured; later ones at least at SPREAD_TEMPERATURE."""
    if index == 0:
        return base
    return max(base or 0.0, SPREAD_TEMPERATURE)


def _trajectory_path(base: Path | None, attempt_id: str) -> Path | None:
    return None if base is None else base.with_name(f"{base.stem}-{attempt_id}{base.suffix}")


def llm_plans(settings: "LLMSettings", count: int, *, first: int = 1, models: Sequence[Model] | None = None,
              environ: dict[str, str] | None = None, stderr: TextIO | None = None) -> list[AttemptPlan]:
    """``count`` LLM attempts ``a<first>``, ... (``models``: given models, e.g. scripted ones, one each)."""
    from swebot.engines.llm import LLMEngine, Variant

    plans = []
    for i in range(count):
        attempt_id = f"a{first + i}"
        temperature = attempt_temperature(settings.resolved_temperature(), i)
        own = settings.model_copy(update={
            "temperature": temperature,
            "trajectory_path": _trajectory_path(settings.trajectory_path, attempt_id)})
        origin = f"llm {settings.model}, temperature {temperature if temperature is not None else 'default'}, " \
                 f"seed {first + i}, hint {i + 1} first"

        def make(wrap: Callable[[Model], Model], own: "LLMSettings" = own, i: int = i, attempt_id: str = attempt_id) -> LLMEngine:
            return LLMEngine(own, model=models[i] if models else None, environ=environ,
                             stderr=stderr, keep_tests=False,
                             variant=Variant(attempt_id, seed=first + i, hint_offset=i, wrap_model=wrap))

        plans.append(AttemptPlan(attempt_id, origin, make))
    return plans


def builtin_plan() -> AttemptPlan:
    from swebot.engines.builtin import BuiltinEngine

    return AttemptPlan("builtin", "builtin engine (SBFL + mutations)", lambda wrap: BuiltinEngine(),
                       time_share=BUILTIN_SHARE)


def scaled_engine(settings: "LLMSettings", attempts: int, *, keep_tests: bool = False, with_builtin: bool = False,
                  name: str = "llm") -> ScalingEngine:
    """The engine ``make_engine`` returns for ``--attempts N`` (N > 1): the builtin search counts
    as one of the N when ``with_builtin``."""
    plans = [builtin_plan()] if with_builtin else []
    plans += llm_plans(settings, attempts - len(plans))
    return ScalingEngine(plans, name=name, keep_tests=keep_tests)
