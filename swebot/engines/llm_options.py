"""The LLM options of the command line, kept apart from the engine so that building the CLI
parser does not import the model client, the agent and libcst."""

from __future__ import annotations

import argparse

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
