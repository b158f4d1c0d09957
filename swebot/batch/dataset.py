"""SWE-bench instances: loading a JSON/JSONL/parquet file or a dataset by name, validating each
record, selecting a subset.

A schema error is a ``BadInput`` naming the instance (or its position) and the field, so a user
with a 2,000-instance file knows which line to fix.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from swebot.errors import BadInput, EnvironmentProblem

REQUIRED_FIELDS = ("instance_id", "repo", "base_commit", "problem_statement")


class Instance(BaseModel):
    """One SWE-bench task. Fields the harness adds that swebot does not use (``created_at``,
    ``eval_script``, ...) are accepted and ignored: the dataset is someone else's schema."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    instance_id: str = Field(min_length=1)
    repo: str = Field(min_length=1)
    base_commit: str = Field(min_length=4)
    problem_statement: str
    hints_text: str = ""
    test_patch: str = ""
    FAIL_TO_PASS: tuple[str, ...] = ()
    PASS_TO_PASS: tuple[str, ...] = ()
    environment_setup_commit: str = ""
    version: str = ""
    log_parser: str = ""  # the harness's parser name (SWE-bench 5.x datasets carry it)
    patch: str = ""  # the gold patch (benches evaluate it; the engines never see it)

    @field_validator("FAIL_TO_PASS", "PASS_TO_PASS", mode="before")
    @classmethod
    def _decode_test_list(cls, value: Any) -> Any:
        """SWE-bench on the Hub stores these lists as JSON-encoded strings."""
        if value is None:
            return ()
        if isinstance(value, str):
            try:
                value = json.loads(value) if value.strip() else []
            except json.JSONDecodeError as exc:
                raise ValueError(f"not a JSON list of test ids: {exc.msg}") from exc
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError("must be a list of test id strings (or such a list as a JSON string)")
        return tuple(value)

    @field_validator("hints_text", "version", "environment_setup_commit", "test_patch", "log_parser", "patch",
                     mode="before")
    @classmethod
    def _none_as_empty(cls, value: Any) -> Any:
        if value is None:
            return ""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)  # versions like 3.0 arrive as numbers in hand-written files
        return value

    @field_validator("instance_id")
    @classmethod
    def _safe_id(cls, value: str) -> str:
        if "/" in value or value in (".", "..") or "\0" in value:
            raise ValueError("must not contain '/' (it names a folder)")
        return value


def swebench_image_name(instance_id: str) -> str:
    return f"sweb.eval.x86_64.{instance_id.replace('__', '_1776_')}:latest".lower()


def _records(path: Path) -> list[tuple[str, Any]]:
    """(where, record) pairs; ``where`` is 'line N' for JSONL and 'item N' for a JSON array."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise BadInput(f"instances file {path} does not exist") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"cannot read the instances file {path}: {exc}") from exc
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BadInput(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc
        return [(f"item {i + 1}", item) for i, item in enumerate(data)]
    if stripped.startswith("{") and path.suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            data = None  # maybe JSONL in a .json file; read it line by line below
        if isinstance(data, dict):
            return [("item 1", data)]
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append((f"line {number}", json.loads(line)))
        except json.JSONDecodeError as exc:
            raise BadInput(f"{path} line {number}: not valid JSON ({exc.msg})",
                           hint="each line of a JSONL file must be one JSON object") from exc
    return records


def parse_instance(record: Any, where: str, source: Path | str = "instances") -> Instance:
    """Validate one record; BadInput naming the instance (or its position) and the bad field."""
    if not isinstance(record, dict):
        raise BadInput(f"{source} {where}: an instance must be a JSON object, got {type(record).__name__}")
    label = record.get("instance_id") if isinstance(record.get("instance_id"), str) else None
    name = f"instance {label!r} ({where})" if label else f"the instance at {where}"
    try:
        return Instance.model_validate(record)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "?"
        problem = "is missing" if first["type"] == "missing" else f"is invalid: {first['msg']}"
        raise BadInput(f"{source}: {name}: field {field!r} {problem}",
                       hint="SWE-bench instances need " + ", ".join(REQUIRED_FIELDS)) from exc


DEFAULT_SPLIT = "test"
_DATASET_NAME = re.compile(r"[A-Za-z0-9][\w.-]*/[\w.-]+")


def _parquet_records(path: Path) -> list[tuple[str, Any]]:
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise BadInput(f"reading {path} needs pyarrow", hint="pip install 'swebot[datasets]'") from exc
    try:
        rows = pq.read_table(path).to_pylist()
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several kinds for a bad file
        raise BadInput(f"{path}: not a readable parquet file ({exc})") from exc
    return [(f"row {n}", row) for n, row in enumerate(rows, start=1)]


def _dataset_records(name: str, split: str) -> list[tuple[str, Any]]:
    """The rows of a dataset loaded by name with the ``datasets`` library (the Hub, its cache,
    or a local dataset folder such as a clone of the Hub's repository)."""
    try:
        import datasets
    except ImportError as exc:
        raise BadInput(f"--instances {name!r} is neither a file nor loadable: loading a dataset by name needs the "
                       "datasets library", hint="pip install 'swebot[datasets]', or pass a JSON/JSONL/parquet file") from exc
    try:
        rows = datasets.load_dataset(name, split=split)
    except ValueError as exc:  # an unknown split names the ones there are
        raise BadInput(f"dataset {name}: {exc}", hint="choose another --split") from exc
    except Exception as exc:  # noqa: BLE001 - offline, unknown name, no access: all say the same to the user
        raise EnvironmentProblem(f"cannot load dataset {name} (split {split}): {type(exc).__name__}: {exc}",
                                 hint="offline? download it once, or pass a JSON/JSONL/parquet file") from exc
    return [(f"row {n}", dict(row)) for n, row in enumerate(rows, start=1)]


def load_instances(path: Path | str, split: str = DEFAULT_SPLIT) -> list[Instance]:
    """All instances of a SWE-bench JSON, JSONL or parquet file, or of a dataset named like
    ``princeton-nlp/SWE-bench_Lite`` (its ``split``), in order; ids must be unique."""
    text = str(path)
    path = Path(path).expanduser()
    if path.suffix == ".parquet" and path.is_file():
        records = _parquet_records(path)
    elif path.is_dir() or (not path.exists() and _DATASET_NAME.fullmatch(text)):
        records = _dataset_records(text, split)
    else:
        records = _records(path)
    instances: list[Instance] = []
    seen: dict[str, str] = {}
    for where, record in records:
        instance = parse_instance(record, where, path)
        if instance.instance_id in seen:
            raise BadInput(f"{path}: instance {instance.instance_id!r} appears twice "
                           f"({seen[instance.instance_id]} and {where})")
        seen[instance.instance_id] = where
        instances.append(instance)
    if not instances:
        raise BadInput(f"{path} holds no instances")
    return instances


def parse_slice(text: str) -> slice:
    """'A:B' (either side optional, Python semantics) -> slice; BadInput otherwise."""
    match = re.fullmatch(r"\s*(-?\d*)\s*:\s*(-?\d*)\s*", text or "")
    if not match:
        raise BadInput(f"--slice {text!r} is not of the form A:B", hint="for example 0:10 or :5 or 20:")
    start, stop = (int(part) if part else None for part in match.groups())
    return slice(start, stop)


def select(instances: Sequence[Instance], pattern: str | None = None,
           span: str | None = None) -> list[Instance]:
    """Instances whose id matches ``pattern`` (re.search), then the ``span`` slice of those."""
    chosen: Iterable[Instance] = instances
    if pattern:
        try:
            regex = re.compile(pattern)
        except re.error as exc:
            raise BadInput(f"--filter {pattern!r} is not a valid regular expression: {exc}") from exc
        chosen = [i for i in chosen if regex.search(i.instance_id)]
    chosen = list(chosen)
    if span:
        chosen = chosen[parse_slice(span)]
    return chosen
