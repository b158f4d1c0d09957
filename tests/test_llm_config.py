"""LLM settings: provider presets, keys from the environment, CLI arguments, prices."""

from __future__ import annotations

import argparse

import pytest
from pydantic import ValidationError

from swebot.agent.config import LLMSettings
from swebot.commands.llm_options import add_llm_arguments, llm_settings_from_args
from swebot.errors import BadInput
from swebot.models import Price, Usage, find_price


@pytest.mark.parametrize(
    ("kwargs", "provider", "base_url", "key_env", "echo", "require"),
    [
        ({"model": "kimi-k2-thinking"}, "moonshot", "https://api.moonshot.ai/v1", "MOONSHOT_API_KEY", True, True),
        ({"model": "kimi-k3-thinking-preview"}, "moonshot", "https://api.moonshot.ai/v1", "MOONSHOT_API_KEY",
         True, True),
        ({"model": "deepseek-reasoner"}, "deepseek", "https://api.deepseek.com", "DEEPSEEK_API_KEY", True, True),
        # every other route echoes whatever reasoning its server returns, without forcing an empty one
        ({"model": "gpt-4.1"}, "openai", None, "OPENAI_API_KEY", True, False),
        ({"model": "moonshotai/kimi-k2"}, "openrouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY",
         True, False),
        ({"model": "qwen3-coder", "base_url": "http://127.0.0.1:8000/v1"}, "vllm", "http://127.0.0.1:8000/v1", None,
         True, False),
        ({"model": "qwen3", "provider": "ollama"}, "ollama", "http://127.0.0.1:11434/v1", None, True, False),
        ({"model": "fake-thinker", "base_url": "http://127.0.0.1:9/v1"}, "custom", "http://127.0.0.1:9/v1", None,
         True, False),
        ({"model": "kimi-k2-thinking", "echo_reasoning": False, "api_key_env": "MY_KEY"},
         "moonshot", "https://api.moonshot.ai/v1", "MY_KEY", False, False),
    ],
)
def test_provider_presets(kwargs: dict, provider: str, base_url: str | None, key_env: str | None, echo: bool,
                          require: bool) -> None:
    s = LLMSettings(**kwargs)
    assert (s.provider_name(), s.resolved_base_url(), s.resolved_key_env(), s.resolved_echo(),
            s.resolved_require()) == (provider, base_url, key_env, echo, require)


def test_moonshot_gets_room_to_think_unless_told_otherwise() -> None:
    kimi = LLMSettings(model="kimi-k2-thinking")
    assert (kimi.resolved_temperature(), kimi.resolved_max_output_tokens()) == (1.0, 32_768)
    tuned = LLMSettings(model="kimi-k2-thinking", temperature=0.6, max_output_tokens=64_000)
    assert (tuned.resolved_temperature(), tuned.resolved_max_output_tokens()) == (0.6, 64_000)
    gpt = LLMSettings(model="gpt-4.1")
    assert (gpt.resolved_temperature(), gpt.resolved_max_output_tokens()) == (None, None)


def test_api_key_comes_from_the_environment_and_is_never_in_settings() -> None:
    s = LLMSettings(model="deepseek-chat")
    assert s.api_key({"DEEPSEEK_API_KEY": "sk-ds-123456"}) == "sk-ds-123456"
    with pytest.raises(BadInput, match=r"\$DEEPSEEK_API_KEY is not set"):
        s.api_key({})
    assert LLMSettings(model="m", provider="vllm").api_key({}) == ""
    assert "sk-ds-123456" not in str(s.public())


def test_settings_are_strict() -> None:
    with pytest.raises(ValidationError):
        LLMSettings(model="m", temprature=0.2)  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        LLMSettings(model="m", provider="skynet")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        LLMSettings(model="m", agent={"max_malformed": 0})


def test_cli_arguments_to_settings() -> None:
    parser = argparse.ArgumentParser()
    add_llm_arguments(parser)
    args = parser.parse_args(["--model", "kimi-k2-thinking", "--base-url", "http://127.0.0.1:9/v1",
                              "--api-key-env", "K", "--max-steps", "300", "--max-cost", "2.5", "--show-thinking"])
    s = llm_settings_from_args(args)
    assert (s.model, s.base_url, s.api_key_env, s.show_thinking) == ("kimi-k2-thinking", "http://127.0.0.1:9/v1", "K", True)
    assert s.provider_name() == "moonshot" and s.resolved_echo()
    assert (args.max_steps, args.max_cost) == (300, 2.5)
    assert parser.parse_args([]).max_steps == 100
    assert s.echo_reasoning is None  # not given: the default (echo whatever comes back)
    off = llm_settings_from_args(parser.parse_args(["--model", "m", "--no-echo-reasoning"]))
    assert (off.echo_reasoning, off.resolved_echo(), off.resolved_require()) == (False, False, False)
    on = llm_settings_from_args(parser.parse_args(["--model", "m", "--echo-reasoning"]))
    assert (on.echo_reasoning, on.resolved_echo()) == (True, True)
    with pytest.raises(BadInput, match="needs a model"):
        llm_settings_from_args(parser.parse_args([]))


def test_prices_match_longest_prefix_and_count_cached_tokens() -> None:
    s = LLMSettings(model="kimi-k2-thinking-turbo", prices={"my-model": Price(input=1, output=2)})
    prices = s.all_prices()
    assert find_price("kimi-k2-thinking-turbo-0905", prices) == prices["kimi-k2-thinking-turbo"]
    assert find_price("moonshotai/kimi-k2-thinking", prices) == prices["kimi-k2-thinking"]
    assert find_price("my-model", prices) == Price(input=1, output=2)
    assert find_price("unknown", prices) is None
    usage = Usage(prompt_tokens=1_000_000, completion_tokens=500_000, reasoning_tokens=400_000, cached_tokens=250_000)
    assert Price(input=2, output=8, cached_input=0.5).cost(usage) == pytest.approx(1.5 + 0.125 + 4.0)
