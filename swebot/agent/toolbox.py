"""Tool dispatch: JSON arguments checked against each tool's schema, results bounded and
scrubbed of secrets, and every failure turned into an observation the model can read."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from swebot.agent.files import PathRefused
from swebot.errors import SwebotError
from swebot.models.base import ToolCall
from swebot.redact import redact
from swebot.secrets import held
from swebot.types import TestReport


@dataclass(frozen=True)
class Observation:
    """What a tool call produced. ``malformed``: the call itself was unusable."""

    text: str
    ok: bool = True
    malformed: bool = False
    edit: Mapping[str, str] | None = None  # {"id", "path", "summary"} when an edit landed
    report: TestReport | None = None  # when tests ran
    submitted: bool = False  # the model submitted and verification accepted the work
    data: Mapping[str, Any] = field(default_factory=dict)


def error(text: str) -> Observation:
    return Observation(text, ok=False)


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    properties: Mapping[str, Mapping[str, Any]]
    required: Sequence[str]
    run: Callable[..., Observation]  # run(ctx, **arguments)

    def schema(self) -> dict[str, Any]:
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": {
                    "type": "object",
                    "properties": dict(self.properties),
                    "required": list(self.required),
                    "additionalProperties": False,
                },
            },
        }


_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "boolean": (bool,),
    "array": (list,),
    "number": (int, float),
    "object": (dict,),
}


def bound(text: str, limit: int) -> str:
    """``text`` cut to about ``limit`` characters (head and tail kept) with a note when cut."""
    if len(text) <= limit:
        return text
    head = text[: limit * 2 // 3]
    tail = text[-(limit // 3) :]
    cut = len(text) - len(head) - len(tail)
    return f"{head}\n[... {cut} characters cut by swebot; narrow the request to see them ...]\n{tail}"


def parse_arguments(call: ToolCall, spec: ToolSpec) -> dict[str, Any] | str:
    """The call's arguments as a dict, or a message saying what is wrong with them."""
    raw = call.arguments.strip() or "{}"
    try:
        args = json.loads(raw)
    except json.JSONDecodeError as exc:
        return f"the arguments of {call.name} are not valid JSON ({exc.msg} at char {exc.pos}); send one JSON object"
    if not isinstance(args, dict):
        return f"the arguments of {call.name} must be a JSON object"
    missing = [k for k in spec.required if k not in args]
    if missing:
        return f"{call.name} is missing required argument(s): {', '.join(missing)}"
    unknown = [k for k in args if k not in spec.properties]
    if unknown:
        return f"{call.name} got unknown argument(s): {', '.join(unknown)}; it takes {', '.join(spec.properties) or 'none'}"
    for key, value in args.items():
        want = spec.properties[key].get("type")
        if value is None and key not in spec.required:
            continue
        types = _TYPES.get(str(want), (object,))
        if not isinstance(value, types) or (want in ("integer", "number") and isinstance(value, bool)):
            return f"argument {key!r} of {call.name} must be {want}, got {type(value).__name__}"
    return {k: v for k, v in args.items() if v is not None}


class Toolbox:
    """The tools one session offers; ``call`` never raises for a bad call or a tool failure."""

    def __init__(self, specs: Sequence[ToolSpec], ctx: Any, *, limit: int, secrets: Sequence[str] = ()) -> None:
        self.specs = {s.name: s for s in specs}
        self.ctx = ctx
        self.limit = limit
        self.secrets = list(secrets)

    def schemas(self) -> list[dict[str, Any]]:
        return [s.schema() for s in self.specs.values()]

    def call(self, call: ToolCall) -> Observation:
        spec = self.specs.get(call.name)
        if spec is None:
            return Observation(
                f"unknown tool {call.name!r}; the tools are: {', '.join(self.specs)}", ok=False, malformed=True
            )
        args = parse_arguments(call, spec)
        if isinstance(args, str):
            return Observation(args, ok=False, malformed=True)
        try:
            obs = spec.run(self.ctx, **args)
        except PathRefused as exc:
            obs = error(f"refused: {exc}")
        except UnicodeDecodeError:
            obs = error("that file is not text")
        except SwebotError:
            raise  # the sandbox or the endpoint failed underneath: not the model's business
        except Exception as exc:  # a tool bug must not end a long session; it is recorded
            obs = error(f"internal error in {call.name}: {type(exc).__name__}: {exc}")
        text = bound(redact(obs.text, [*self.secrets, *held()]), self.limit)
        return Observation(text, obs.ok, obs.malformed, obs.edit, obs.report, obs.submitted, obs.data)
