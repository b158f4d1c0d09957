"""SWE-bench instance files: JSON and JSONL, encoded test lists, schema errors, selection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from swebot.batch.dataset import (
    Instance,
    load_instances,
    parse_slice,
    select,
    swebench_image_name,
)
from swebot.errors import BadInput

BASE = {
    "instance_id": "astropy__astropy-12907",
    "repo": "astropy/astropy",
    "base_commit": "d16bfe05a744909de4b27f5875fe0d4ed41ce607",
    "problem_statement": "separability_matrix is wrong for nested models",
    "hints_text": None,
    "test_patch": "diff --git a/x b/x\n",
    "FAIL_TO_PASS": '["astropy/modeling/tests/test_separable.py::test_separable[compound_model6-result6]"]',
    "PASS_TO_PASS": ["astropy/modeling/tests/test_separable.py::test_coord_matrix"],
    "environment_setup_commit": "298ccb478e6bf092953bca67a3d29dc6c35f6752",
    "version": 4.3,
    "patch": "diff --git a/y b/y\n",  # the gold patch: present on the Hub, never used by swebot
    "created_at": "2022-03-03T15:14:54Z",
}


def write_jsonl(path: Path, records: list[object]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def test_jsonl_with_encoded_lists_and_extra_hub_fields(tmp_path: Path) -> None:
    second = {**BASE, "instance_id": "astropy__astropy-13033", "FAIL_TO_PASS": [], "PASS_TO_PASS": "[]"}
    instances = load_instances(write_jsonl(tmp_path / "i.jsonl", [BASE, second]))
    assert [i.instance_id for i in instances] == ["astropy__astropy-12907", "astropy__astropy-13033"]
    first = instances[0]
    assert first.FAIL_TO_PASS == ("astropy/modeling/tests/test_separable.py::test_separable[compound_model6-result6]",)
    assert first.PASS_TO_PASS == ("astropy/modeling/tests/test_separable.py::test_coord_matrix",)
    assert first.hints_text == "" and first.version == "4.3"
    assert instances[1].FAIL_TO_PASS == () and instances[1].PASS_TO_PASS == ()


def test_json_array_and_single_object(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps([BASE]))
    (tmp_path / "o.json").write_text(json.dumps(BASE, indent=2))
    assert load_instances(tmp_path / "a.json")[0].instance_id == BASE["instance_id"]
    assert load_instances(tmp_path / "o.json")[0].repo == "astropy/astropy"


@pytest.mark.parametrize("change, field, words", [
    ({"base_commit": None}, "base_commit", "invalid"),
    ({"FAIL_TO_PASS": "[\"a\", "}, "FAIL_TO_PASS", "not a JSON list"),
    ({"PASS_TO_PASS": [1, 2]}, "PASS_TO_PASS", "list of test id strings"),
    ({"instance_id": "../etc"}, "instance_id", "must not contain '/'"),
])
def test_schema_error_names_instance_and_field(tmp_path: Path, change: dict, field: str, words: str) -> None:
    good = {**BASE, "instance_id": "ok__ok-1"}
    path = write_jsonl(tmp_path / "i.jsonl", [good, {**BASE, **change}])
    with pytest.raises(BadInput) as info:
        load_instances(path)
    message = str(info.value)
    assert f"field {field!r}" in message and words in message
    assert "line 2" in message
    if field != "instance_id":
        assert "astropy__astropy-12907" in message


def test_missing_field_and_nameless_instance(tmp_path: Path) -> None:
    record = {k: v for k, v in BASE.items() if k != "problem_statement"}
    with pytest.raises(BadInput, match=r"instance 'astropy__astropy-12907' \(line 1\): field 'problem_statement' is missing"):
        load_instances(write_jsonl(tmp_path / "i.jsonl", [record]))
    nameless = {k: v for k, v in BASE.items() if k != "instance_id"}
    with pytest.raises(BadInput, match=r"the instance at line 1: field 'instance_id' is missing"):
        load_instances(write_jsonl(tmp_path / "j.jsonl", [nameless]))


def test_bad_json_duplicates_and_empty_files(tmp_path: Path) -> None:
    (tmp_path / "bad.jsonl").write_text(json.dumps(BASE) + "\n{\"instance_id\": \n")
    with pytest.raises(BadInput, match="line 2: not valid JSON"):
        load_instances(tmp_path / "bad.jsonl")
    with pytest.raises(BadInput, match="appears twice"):
        load_instances(write_jsonl(tmp_path / "dup.jsonl", [BASE, BASE]))
    (tmp_path / "empty.jsonl").write_text("\n")
    with pytest.raises(BadInput, match="holds no instances"):
        load_instances(tmp_path / "empty.jsonl")
    with pytest.raises(BadInput, match="must be a JSON object"):
        load_instances(write_jsonl(tmp_path / "list.jsonl", [[1, 2]]))
    with pytest.raises(BadInput, match="does not exist"):
        load_instances(tmp_path / "nope.jsonl")


def test_filter_then_slice() -> None:
    instances = [Instance.model_validate({**BASE, "instance_id": f"django__django-{n}"}) for n in range(5)]
    instances.append(Instance.model_validate({**BASE, "instance_id": "sympy__sympy-1"}))
    assert [i.instance_id for i in select(instances, "django", "1:3")] == ["django__django-1", "django__django-2"]
    assert [i.instance_id for i in select(instances, None, "-1:")] == ["sympy__sympy-1"]
    assert len(select(instances, "^sympy")) == 1
    with pytest.raises(BadInput, match="not a valid regular expression"):
        select(instances, "(")
    with pytest.raises(BadInput, match="not of the form A:B"):
        parse_slice("3")
    assert parse_slice(":5") == slice(None, 5)


def test_swebench_image_name() -> None:
    assert swebench_image_name("django__django-11099") == "sweb.eval.x86_64.django_1776_django-11099:latest"
