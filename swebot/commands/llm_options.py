"""The LLM options of the command line and the LLMSettings they describe, kept apart from the
engine so that building the CLI parser does not import the model client, the agent and libcst."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from swebot.errors import BadInput

if TYPE_CHECKING:  # pydantic loads only when settings are built, not for --help
    from swebot.agent.config import LLMSettings

DEFAULT_MAX_STEPS = 100


def add_llm_arguments(parser: argparse.ArgumentParser) -> None:
    """The LLM options of ``swebot fix`` (the lead's command owns --issue, --test, --time-limit)."""
    g = parser.add_argument_group("LLM engine")
    g.add_argument("--model", help="model name, e.g. kimi-k2-thinking, gpt-4.1, deepseek-chat")
    g.add_argument("--provider", choices=["openai", "moonshot", "deepseek", "openrouter", "vllm", "ollama", "custom"],
                   help="provider preset (default: guessed from --model / --base-url)")
    g.add_argument("--base-url", help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1 for vLLM")
    g.add_argument("--api-key-env", metavar="VAR", help="environment variable holding the API key")
    g.add_argument("--max-steps", type=int, default=DEFAULT_MAX_STEPS, help="model calls allowed (0 = unlimited)")
    g.add_argument("--max-cost", type=float, default=0.0, metavar="USD", help="spend allowed (0 = unlimited)")
    g.add_argument("--max-tokens", type=int, default=0, metavar="N",
                   help="prompt + completion tokens allowed over the run (0 = unlimited)")
    g.add_argument("--show-thinking", action="store_true", help="stream the model's reasoning to stderr")
    g.add_argument("--echo-reasoning", action=argparse.BooleanOptionalAction, default=None,
                   help="send a thinking model's reasoning back on its tool-call turns, under the name the "
                        "server used (default: yes, whenever the server returned it; a server that refuses "
                        "it is retried without it)")
    g.add_argument("--no-reproduction", action="store_true",
                   help="with an issue but no failing test, let the model edit without first writing a "
                        "reproduction test (its patch is then checked only against the existing tests)")


def llm_settings_from_args(args: argparse.Namespace, base: LLMSettings | None = None) -> LLMSettings:
    """LLMSettings from parsed arguments, over ``base`` (e.g. from a config file) when given."""
    from pydantic import ValidationError

    from swebot.agent.config import LLMSettings

    data = base.model_dump() if base else {}
    for field_name, arg in (("model", "model"), ("provider", "provider"), ("base_url", "base_url"),
                            ("api_key_env", "api_key_env")):
        value = getattr(args, arg, None)
        if value:
            data[field_name] = value
    if getattr(args, "show_thinking", False):
        data["show_thinking"] = True
    if getattr(args, "echo_reasoning", None) is not None:
        data["echo_reasoning"] = args.echo_reasoning
    if getattr(args, "no_reproduction", False):
        data["agent"] = {**data.get("agent", {}), "reproduce": False}
    if not data.get("model"):
        raise BadInput("--engine llm needs a model", hint="pass --model NAME (and --base-url for a local server)")
    try:
        settings = LLMSettings(**data)
    except ValidationError as exc:
        raise BadInput(f"invalid LLM settings: {exc}") from None
    settings.hold_secrets()
    return settings
