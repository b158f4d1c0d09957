"""Cost of a call from a price table (USD per million tokens)."""

from __future__ import annotations

import sys
from typing import Mapping, TextIO

from pydantic import BaseModel, ConfigDict

from swebot.models.base import Usage


class Price(BaseModel):
    """USD per million tokens. ``cached_input`` defaults to ``input`` when a provider has no discount."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input: float
    output: float
    cached_input: float | None = None

    def cost(self, usage: Usage) -> float:
        cached = min(usage.cached_tokens, usage.prompt_tokens)
        cached_rate = self.input if self.cached_input is None else self.cached_input
        return (
            (usage.prompt_tokens - cached) * self.input
            + cached * cached_rate
            + usage.completion_tokens * self.output
        ) / 1_000_000


def find_price(model: str, prices: Mapping[str, Price]) -> Price | None:
    """Exact name first, then the longest table key the model name starts with
    (so ``kimi-k2-thinking-turbo`` prefers its own row over ``kimi-k2-thinking``).
    A provider prefix such as ``moonshotai/`` is ignored for the prefix match."""
    if model in prices:
        return prices[model]
    bare = model.rsplit("/", 1)[-1]
    keys = [k for k in prices if model.startswith(k) or bare.startswith(k)]
    return prices[max(keys, key=len)] if keys else None


class CostMeter:
    """Prices replies; warns once (on ``stream``) when the model has no price."""

    def __init__(self, model: str, prices: Mapping[str, Price], stream: TextIO | None = None) -> None:
        self.model = model
        self.price = find_price(model, prices)
        self._stream = stream
        self._warned = False

    def cost(self, usage: Usage) -> float | None:
        if self.price is not None:
            return self.price.cost(usage)
        if not self._warned:
            self._warned = True
            print(
                f"swebot: warning: no price known for model {self.model!r}; counting tokens only "
                "(add it under llm.prices in the config to enforce --max-cost)",
                file=self._stream or sys.stderr,
            )
        return None
