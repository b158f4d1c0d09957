"""``swebot action``: run as a GitHub Action step on an ``issues``/``issue_comment`` event.

Every option also reads an environment variable (``SWEBOT_*``) so ``action.yml`` can pass its
inputs through ``env:`` and never through a shell command line.
"""

from __future__ import annotations

import argparse
import os
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

from swebot.errors import BadInput
from swebot.types import Budget

if TYPE_CHECKING:  # the GitHub client and the repair flow load only when the command runs
    from swebot.github.action import ActionSettings


def _env_float(env: Mapping[str, str], name: str, default: float) -> float:
    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        raise BadInput(f"{name} must be a number, not {value!r}") from None


def _env_bool(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _default_steps() -> float:
    from swebot.commands.llm_options import DEFAULT_MAX_STEPS

    return float(DEFAULT_MAX_STEPS)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "action",
        help="GitHub Action entry point: repair the labeled/commented issue and open a pull request",
        description="Runs inside GitHub Actions on an issues.labeled or issue_comment.created event, in "
        "the checked-out repository (GITHUB_WORKSPACE), pushing to its origin. Needs GITHUB_TOKEN. "
        "Options default to SWEBOT_* environment variables. Exit status: 0 PR opened / nothing to do, "
        "1 no fix found, 2 bad input, 3 environment or API problem.",
    )
    from swebot.commands.llm_options import add_llm_arguments  # --model, --base-url, --max-steps, ...

    add_llm_arguments(parser)
    parser.set_defaults(max_steps=None, max_cost=None)  # unset: fall back to SWEBOT_* below

    def add(*names: str, **kwargs: object) -> None:
        if not any(name in action.option_strings for action in parser._actions for name in names):
            parser.add_argument(*names, **kwargs)

    add("--engine", choices=("builtin", "llm", "auto"), default=None,
        help="default: $SWEBOT_ENGINE, else auto when a model is configured, else builtin")
    add("--label", default=None, help="label that triggers a run (default $SWEBOT_LABEL or 'swebot')")
    add("--trigger", default=None, help="comment phrase that triggers a run (default $SWEBOT_TRIGGER or '/swebot fix')")
    add("--test", dest="test_command", default=None, metavar="CMD",
        help="test command (default $SWEBOT_TEST_COMMAND or python -m pytest)")
    add("--sandbox", choices=("auto", "docker", "local"), default=None, help="default $SWEBOT_SANDBOX or auto")
    add("--time-limit", type=float, default=None, metavar="SECONDS", help="default $SWEBOT_TIME_LIMIT or 1800")
    add("--max-candidates", type=int, default=None, metavar="N", help="default $SWEBOT_MAX_CANDIDATES or 0 (none)")
    add("--max-cost", type=float, default=None, metavar="USD", help="default $SWEBOT_MAX_COST or 0 (none)")
    add("--max-steps", type=int, default=None, metavar="N", help="default $SWEBOT_MAX_STEPS")
    add("--test-timeout", type=float, default=None, metavar="SECONDS", help="default $SWEBOT_TEST_TIMEOUT or 300")
    add("--ready", action="store_true", default=None, help="open a normal PR instead of a draft (or SWEBOT_READY=true)")
    add("--output", type=Path, default=None, metavar="DIR", help="run folder")
    add("--remote", default=None, metavar="NAME", help="git remote to push to (default $SWEBOT_REMOTE or origin)")
    parser.set_defaults(handler=run)


def settings_from(args: argparse.Namespace, env: Mapping[str, str]) -> ActionSettings:
    from swebot.github.action import DEFAULT_LABEL, DEFAULT_TRIGGER, ActionSettings

    model = getattr(args, "model", None) or env.get("SWEBOT_MODEL", "").strip() or None
    for name in ("model", "provider", "base_url", "api_key_env"):  # action inputs arrive as SWEBOT_*
        if hasattr(args, name) and not getattr(args, name):
            setattr(args, name, env.get(f"SWEBOT_{name.upper()}", "").strip() or None)
    engine = args.engine or env.get("SWEBOT_ENGINE", "").strip() or ("auto" if model else "builtin")
    if engine not in ("builtin", "llm", "auto"):
        raise BadInput(f"SWEBOT_ENGINE must be builtin, llm or auto, not {engine!r}")
    engine_settings = None
    if engine in ("llm", "auto") and model:
        from swebot.commands.llm_options import llm_settings_from_args

        engine_settings = llm_settings_from_args(args)
    elif engine == "llm":
        raise BadInput("--engine llm needs a model", hint="set the action's `model` input (SWEBOT_MODEL)")
    budget = Budget(
        time_limit=args.time_limit if args.time_limit is not None else _env_float(env, "SWEBOT_TIME_LIMIT", 1800.0),
        max_candidates=args.max_candidates if args.max_candidates is not None else int(_env_float(env, "SWEBOT_MAX_CANDIDATES", 0)),
        max_cost=args.max_cost if args.max_cost is not None else _env_float(env, "SWEBOT_MAX_COST", 0.0),
        max_steps=args.max_steps if args.max_steps is not None else int(_env_float(env, "SWEBOT_MAX_STEPS", _default_steps())),
    )
    if min(budget.time_limit, budget.max_candidates, budget.max_cost, budget.max_steps) < 0:
        raise BadInput("limits must be >= 0")
    return ActionSettings(
        label=args.label or env.get("SWEBOT_LABEL", "").strip() or DEFAULT_LABEL,
        trigger=args.trigger or env.get("SWEBOT_TRIGGER", "").strip() or DEFAULT_TRIGGER,
        engine=engine,
        engine_settings=engine_settings,
        test_command=args.test_command or env.get("SWEBOT_TEST_COMMAND", "").strip() or None,
        sandbox=args.sandbox or env.get("SWEBOT_SANDBOX", "").strip() or "auto",
        budget=budget,
        test_timeout=args.test_timeout if args.test_timeout is not None else _env_float(env, "SWEBOT_TEST_TIMEOUT", 300.0),
        ready=bool(args.ready) if args.ready is not None else _env_bool(env, "SWEBOT_READY"),
        output_dir=args.output,
        remote=args.remote or env.get("SWEBOT_REMOTE", "").strip() or "origin",
    )


def run(args: argparse.Namespace) -> int:
    from swebot.commands.fix_common import fix_with_progress
    from swebot.github.action import ActionContext, run_action

    env = dict(os.environ)
    settings = settings_from(args, env)
    ctx = ActionContext.from_env(env)

    # Issue text is untrusted and may be echoed in the log (model output, test names): stop the
    # runner from reading workflow commands ("::set-output ...") out of it for the whole run.
    guard = uuid.uuid4().hex if env.get("GITHUB_ACTIONS") == "true" else None
    if guard:
        print(f"::stop-commands::{guard}", flush=True)
    try:
        outcome = run_action(ctx, settings, fix_with_progress(True), stream=sys.stderr)
    finally:
        if guard:
            print(f"::{guard}::", flush=True)
    if outcome.pr_url:
        print(outcome.pr_url)
    return outcome.exit_status
