"""LLM settings as validated data, provider presets and the default price table."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Literal

from pydantic import BaseModel, ConfigDict, Field

from swebot.errors import BadInput
from swebot.models.pricing import Price

ProviderName = Literal["openai", "moonshot", "deepseek", "openrouter", "vllm", "ollama", "custom"]


class Provider(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    base_url: str | None  # None: the SDK default (api.openai.com)
    api_key_env: str | None  # None: no key needed (local servers)
    # Refuses a tool-call turn without reasoning_content: send it even when none came back (empty).
    # Whatever the provider, reasoning the server returned goes back unless echo_reasoning is off.
    require_reasoning: bool = False
    temperature: float | None = None  # None: the server's default
    max_output_tokens: int | None = None  # None: the server's default


PROVIDERS: dict[str, Provider] = {
    "openai": Provider(base_url=None, api_key_env="OPENAI_API_KEY"),
    # Moonshot's thinking models answer 400 to a multi-turn tool-call request without it.
    # Kimi's server default for max_tokens is tiny and thinking shares that budget; Moonshot
    # recommends >= 16k output tokens and temperature 1.0 for its thinking models.
    "moonshot": Provider(base_url="https://api.moonshot.ai/v1", api_key_env="MOONSHOT_API_KEY", require_reasoning=True,
                         temperature=1.0, max_output_tokens=32_768),
    # DeepSeek's thinking mode wants reasoning_content back within a tool-calling turn.
    "deepseek": Provider(base_url="https://api.deepseek.com", api_key_env="DEEPSEEK_API_KEY",
                         require_reasoning=True),
    "openrouter": Provider(base_url="https://openrouter.ai/api/v1", api_key_env="OPENROUTER_API_KEY"),
    "vllm": Provider(base_url="http://127.0.0.1:8000/v1", api_key_env=None),
    "ollama": Provider(base_url="http://127.0.0.1:11434/v1", api_key_env=None),
    "custom": Provider(base_url=None, api_key_env=None),
}

# USD per million tokens, list prices when this table was written; override with llm.prices.
DEFAULT_PRICES: dict[str, Price] = {
    "gpt-4o": Price(input=2.50, output=10.00, cached_input=1.25),
    "gpt-4o-mini": Price(input=0.15, output=0.60, cached_input=0.075),
    "gpt-4.1": Price(input=2.00, output=8.00, cached_input=0.50),
    "gpt-4.1-mini": Price(input=0.40, output=1.60, cached_input=0.10),
    "gpt-5": Price(input=1.25, output=10.00, cached_input=0.125),
    "gpt-5-mini": Price(input=0.25, output=2.00, cached_input=0.025),
    "o3": Price(input=2.00, output=8.00, cached_input=0.50),
    "o4-mini": Price(input=1.10, output=4.40, cached_input=0.275),
    "kimi-k2": Price(input=0.60, output=2.50, cached_input=0.15),
    "kimi-k2-thinking": Price(input=0.60, output=2.50, cached_input=0.15),
    "kimi-k2-thinking-turbo": Price(input=1.15, output=8.00, cached_input=0.15),
    "kimi-k2-turbo": Price(input=1.15, output=8.00, cached_input=0.15),
    "deepseek-chat": Price(input=0.28, output=0.42, cached_input=0.028),
    "deepseek-reasoner": Price(input=0.28, output=0.42, cached_input=0.028),
}


class RetrySettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_retries: int = Field(default=5, ge=0)
    initial_backoff: float = Field(default=1.0, ge=0)
    multiplier: float = Field(default=2.0, ge=1)
    max_backoff: float = Field(default=60.0, ge=0)
    request_timeout: float = Field(default=600.0, gt=0)


class AgentSettings(BaseModel):
    """How the loop behaves, independent of the provider."""

    model_config = ConfigDict(extra="forbid")

    max_malformed: int = Field(default=3, ge=1)  # malformed tool calls in a row that end the run
    max_nudges: int = Field(default=3, ge=1)  # replies without a tool call in a row that end the run
    max_submit_rejections: int = Field(default=3, ge=0)  # failed self-verifications before giving up
    observation_chars: int = Field(default=12_000, ge=500)  # bound on one tool result
    keep_recent: int = Field(default=6, ge=1)  # latest observations always kept in full
    compact_batch: int = Field(default=8, ge=1)  # stub older observations in batches (keeps prompt caches warm)
    context_tokens: int = Field(default=128_000, ge=4_000)  # the model's window, for the compaction trigger
    bash_timeout: float = Field(default=120.0, gt=0)
    # An issue without a failing test: ask the model for a reproduction test first (the `reproduce` tool).
    reproduce: bool = True
    # Rejected reproductions plus refused edits/submits before swebot lets the model go on without one.
    reproduction_tries: int = Field(default=4, ge=1)


class LLMSettings(BaseModel):
    """Everything the LLM engine needs; never holds the API key itself, only where to find it."""

    model_config = ConfigDict(extra="forbid")

    model: str
    provider: ProviderName | None = None  # None: guessed from the model name
    base_url: str | None = None
    api_key_env: str | None = None
    # Send a thinking model's reasoning back on its tool-call turns (as the server named it).
    # None and True: yes, whenever the server returned it; False: never.
    echo_reasoning: bool | None = None
    temperature: float | None = None
    max_output_tokens: int | None = None
    prices: dict[str, Price] = Field(default_factory=dict)  # merged over DEFAULT_PRICES
    show_thinking: bool = False
    trajectory_path: Path | None = None
    retries: RetrySettings = Field(default_factory=RetrySettings)
    agent: AgentSettings = Field(default_factory=AgentSettings)
    # Wraps the model the engine builds (e.g. batch's BudgetedModel over a shared ledger).
    # Code-only: not part of config files, dumps or trajectories.
    model_wrapper: Callable[[Any], Any] | None = Field(default=None, exclude=True, repr=False)

    def provider_name(self) -> str:
        if self.provider:
            return self.provider
        name = self.model.lower()
        if self.base_url and not self.base_url.startswith("https://api.openai.com"):
            for key, preset in PROVIDERS.items():
                if preset.base_url and self.base_url.rstrip("/").startswith(preset.base_url.rstrip("/")):
                    return key
            if "kimi" not in name and "moonshot" not in name and "deepseek" not in name:
                return "custom"
        if "/" in name:
            return "openrouter"
        if name.startswith(("kimi", "moonshot")):
            return "moonshot"
        if name.startswith("deepseek"):
            return "deepseek"
        return "openai"

    def preset(self) -> Provider:
        return PROVIDERS[self.provider_name()]

    def resolved_base_url(self) -> str | None:
        return self.base_url or self.preset().base_url

    def resolved_key_env(self) -> str | None:
        return self.api_key_env or self.preset().api_key_env

    def resolved_echo(self) -> bool:
        return self.echo_reasoning is not False

    def resolved_require(self) -> bool:
        """Send reasoning_content on every tool-call turn, even empty (the provider refuses it missing)."""
        return self.resolved_echo() and self.preset().require_reasoning

    def resolved_temperature(self) -> float | None:
        return self.preset().temperature if self.temperature is None else self.temperature

    def resolved_max_output_tokens(self) -> int | None:
        return self.max_output_tokens or self.preset().max_output_tokens

    def all_prices(self) -> dict[str, Price]:
        return {**DEFAULT_PRICES, **self.prices}

    def hold_secrets(self, environ: "os._Environ[str] | dict[str, str] | None" = None) -> None:
        """Make the key's variable, and the key, secrets no sandboxed process gets (call it
        before a sandbox runs anything: the baseline runs before the engine reads the key)."""
        from swebot.secrets import hold

        env = os.environ if environ is None else environ
        var = self.resolved_key_env()
        if var is not None:
            hold(env.get(var, ""), name=var)

    def api_key(self, environ: "os._Environ[str] | dict[str, str] | None" = None) -> str:
        """The key from the environment; BadInput when the provider needs one and it is unset."""
        env = os.environ if environ is None else environ
        var = self.resolved_key_env()
        if var is None:
            return ""
        self.hold_secrets(env)
        key = env.get(var, "")
        if not key and self.provider_name() not in ("vllm", "ollama", "custom"):
            raise BadInput(
                f"no API key: ${var} is not set",
                hint=f"export {var}=... or name another variable with --api-key-env",
            )
        return key

    def public(self) -> dict[str, object]:
        """Settings as recorded in a trajectory (the key itself is never part of them)."""
        data = self.model_dump(mode="json")
        data["resolved"] = {
            "provider": self.provider_name(),
            "base_url": self.resolved_base_url(),
            "api_key_env": self.resolved_key_env(),
            "echo_reasoning": self.resolved_echo(),
            "require_reasoning": self.resolved_require(),
            "temperature": self.resolved_temperature(),
            "max_output_tokens": self.resolved_max_output_tokens(),
        }
        return data
