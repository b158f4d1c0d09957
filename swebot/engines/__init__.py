"""The engines ("brains") swebot can use, and how to build one by name."""

from __future__ import annotations

from swebot.errors import BadInput
from swebot.types import Engine

ENGINE_NAMES = ("builtin", "llm", "auto")


def make_engine(name: str, settings: object | None = None, *, has_failing_tests: bool = True,
                attempts: int = 1, keep_tests: bool = False) -> Engine:
    """Build an engine. ``auto`` is the builtin engine when failing tests exist, then the LLM.

    ``attempts`` > 1 asks for several independent attempts and a choice among them by evidence;
    ``keep_tests`` keeps reproduction tests an engine wrote in the final patch.
    """
    if name == "builtin":  # deterministic: more attempts would find the same patch
        from swebot.engines.builtin import BuiltinEngine

        return BuiltinEngine()
    if name in ("llm", "auto"):
        if settings is None:
            if name == "auto":
                from swebot.engines.builtin import BuiltinEngine

                return BuiltinEngine()
            raise BadInput("--engine llm needs a model", hint="pass --model NAME (and --base-url for a local server)")
        if attempts > 1:
            from swebot.scaling import scaled_engine

            return scaled_engine(settings, attempts, keep_tests=keep_tests, name=name,
                                 with_builtin=name == "auto" and has_failing_tests)
        from swebot.engines.llm import LLMEngine

        llm = LLMEngine(settings, keep_tests=keep_tests)  # type: ignore[arg-type]
        if name == "llm" or not has_failing_tests:
            return llm
        from swebot.engines.chain import BuiltinThenLLM

        return BuiltinThenLLM(llm)
    raise BadInput(f"unknown engine {name!r}", hint=f"choose one of {', '.join(ENGINE_NAMES)}")
