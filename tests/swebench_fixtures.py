"""A small SWE-bench-format dataset generated from local git repositories.

``build_dataset(root)`` makes two "upstream" repositories under ``root/mirrors/<owner>/<name>``
(used with ``--repo-source root/mirrors/{repo}``) and five instances over them:

- ``acme__shop-1``: ``discount`` uses ``>`` where ``>=`` is meant (builtin engine fixes it)
- ``acme__shop-2``: ``shipping`` uses ``>`` where ``>=`` is meant, at a later base commit
- ``acme__geom-3``: ``perimeter`` subtracts where it should add (builtin engine fixes it)
- ``acme__geom-4``: ``describe`` must learn a new output format (no mutation fixes it)
- ``acme__geom-5``: ``scale`` multiplies by the wrong factor name

Each instance has a ``test_patch`` adding the failing test, FAIL_TO_PASS / PASS_TO_PASS (some
JSON-encoded as strings, as on the Hub), and a gold patch (``GOLD[instance_id]``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.gitrepo import git, write_files

FIXABLE_BY_BUILTIN = ("acme__shop-1", "acme__shop-2", "acme__geom-3")


def _commit(repo: Path, files: Mapping[str, str], message: str) -> str:
    write_files(repo, files)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def _side_diff(repo: Path, base: str, files: Mapping[str, str], branch: str) -> str:
    """The diff that ``files`` make on top of ``base`` (committed on a side branch)."""
    head = git(repo, "rev-parse", "--abbrev-ref", "HEAD").strip()
    git(repo, "checkout", "-q", "-b", branch, base)
    _commit(repo, files, branch)
    diff = git(repo, "diff", "--no-color", "--src-prefix=a/", "--dst-prefix=b/", base, "HEAD")
    git(repo, "checkout", "-q", head)
    return diff


SHOP_V1 = {
    "shop/__init__.py": "",
    "shop/pricing.py": '''
        def discount(total, is_member):
            """Members get 10% off orders of 100 or more."""
            if is_member and total > 100:
                return total * 0.9
            return total


        def shipping(total):
            """Free shipping from 50 on."""
            if total > 50:
                return 0
            return 5
    ''',
    "tests/__init__.py": "",
    "tests/test_pricing.py": '''
        from shop.pricing import discount, shipping


        def test_member_big_order():
            assert discount(200, True) == 180


        def test_non_member():
            assert discount(200, False) == 200


        def test_shipping_small():
            assert shipping(10) == 5
    ''',
    "pytest.ini": "[pytest]\ntestpaths = tests\npythonpath = .\n",
}
SHOP_DISCOUNT_FIXED = SHOP_V1["shop/pricing.py"].replace("total > 100", "total >= 100")
SHOP_V2 = {"shop/pricing.py": SHOP_DISCOUNT_FIXED, "README.md": "shop\n"}
SHOP_SHIPPING_FIXED = SHOP_DISCOUNT_FIXED.replace("total > 50", "total >= 50")

GEOM_V1 = {
    "geom/__init__.py": "",
    "geom/shapes.py": '''
        class Rect:
            def __init__(self, width, height):
                self.width = width
                self.height = height

            def area(self):
                return self.width * self.height

            def perimeter(self):
                return 2 * (self.width - self.height)

            def describe(self):
                return "rect"

            def scale(self, factor):
                return Rect(self.width * factor, self.height * factor)
    ''',
    "tests/__init__.py": "",
    "tests/test_shapes.py": '''
        from geom.shapes import Rect


        def test_area():
            assert Rect(2, 3).area() == 6


        def test_scale():
            assert Rect(1, 2).scale(3).area() == 18
    ''',
    "pytest.ini": "[pytest]\ntestpaths = tests\npythonpath = .\n",
}


@dataclass
class Dataset:
    root: Path
    mirrors: Path
    instances: list[dict[str, Any]]
    gold: dict[str, str] = field(default_factory=dict)

    @property
    def repo_source(self) -> str:
        return str(self.mirrors) + "/{repo}"

    def write_jsonl(self, path: Path, ids: tuple[str, ...] | None = None) -> Path:
        chosen = [i for i in self.instances if ids is None or i["instance_id"] in ids]
        path.write_text("".join(json.dumps(i) + "\n" for i in chosen))
        return path

    def write_json(self, path: Path) -> Path:
        path.write_text(json.dumps(self.instances, indent=1))
        return path

    def by_id(self, instance_id: str) -> dict[str, Any]:
        return next(i for i in self.instances if i["instance_id"] == instance_id)


def _instance(instance_id: str, repo: str, base: str, problem: str, test_patch: str,
              f2p: list[str], p2p: list[str], *, encode: bool) -> dict[str, Any]:
    return {
        "instance_id": instance_id,
        "repo": repo,
        "base_commit": base,
        "problem_statement": problem,
        "hints_text": "Look at the comparison." if instance_id.endswith("1") else "",
        "test_patch": test_patch,
        "FAIL_TO_PASS": json.dumps(f2p) if encode else f2p,
        "PASS_TO_PASS": json.dumps(p2p) if encode else p2p,
        "environment_setup_commit": base,
        "version": "1.0",
        "created_at": "2024-01-01T00:00:00Z",  # a field swebot does not use
    }


def build_dataset(root: Path) -> Dataset:
    mirrors = root / "mirrors"
    shop = mirrors / "acme" / "shop"
    geom = mirrors / "acme" / "geom"
    for repo in (shop, geom):
        repo.mkdir(parents=True)
        git(repo, "init", "-q", "-b", "main")
    dataset = Dataset(root=root, mirrors=mirrors, instances=[])

    shop_v1 = _commit(shop, SHOP_V1, "shop v1")
    shop_v2 = _commit(shop, SHOP_V2, "fix discount; readme")
    _commit(shop, {"shop/pricing.py": SHOP_SHIPPING_FIXED}, "fix shipping (upstream, after the instances)")

    test1 = _side_diff(shop, shop_v1, {"tests/test_issue1.py": '''
        from shop.pricing import discount


        def test_member_exactly_100():
            assert discount(100, True) == 90
    '''}, "tests-1")
    dataset.gold["acme__shop-1"] = _side_diff(shop, shop_v1, {"shop/pricing.py": SHOP_DISCOUNT_FIXED}, "gold-1")
    dataset.instances.append(_instance(
        "acme__shop-1", "acme/shop", shop_v1,
        "Members do not get the discount on an order of exactly 100.", test1,
        ["tests/test_issue1.py::test_member_exactly_100"],
        ["tests/test_pricing.py::test_member_big_order", "tests/test_pricing.py::test_non_member",
         "tests/test_pricing.py::test_shipping_small"], encode=True))

    test2 = _side_diff(shop, shop_v2, {"tests/test_issue2.py": '''
        from shop.pricing import shipping


        def test_shipping_exactly_50_is_free():
            assert shipping(50) == 0
    '''}, "tests-2")
    dataset.gold["acme__shop-2"] = _side_diff(shop, shop_v2, {"shop/pricing.py": SHOP_SHIPPING_FIXED}, "gold-2")
    dataset.instances.append(_instance(
        "acme__shop-2", "acme/shop", shop_v2,
        "Shipping should be free for an order of exactly 50.", test2,
        ["tests/test_issue2.py::test_shipping_exactly_50_is_free"],
        ["tests/test_pricing.py::test_shipping_small", "tests/test_pricing.py::test_non_member"], encode=False))

    geom_v1 = _commit(geom, GEOM_V1, "geom v1")
    shapes = GEOM_V1["geom/shapes.py"]
    test3 = _side_diff(geom, geom_v1, {"tests/test_perimeter.py": '''
        from geom.shapes import Rect


        def test_perimeter():
            assert Rect(2, 3).perimeter() == 10
    '''}, "tests-3")
    dataset.gold["acme__geom-3"] = _side_diff(
        geom, geom_v1, {"geom/shapes.py": shapes.replace("self.width - self.height", "self.width + self.height")},
        "gold-3")
    dataset.instances.append(_instance(
        "acme__geom-3", "acme/geom", geom_v1, "Rect.perimeter() is wrong for non-square rectangles.", test3,
        ["tests/test_perimeter.py::test_perimeter"],
        ["tests/test_shapes.py::test_area", "tests/test_shapes.py::test_scale"], encode=True))

    test4 = _side_diff(geom, geom_v1, {"tests/test_describe.py": '''
        from geom.shapes import Rect


        def test_describe_has_size():
            assert Rect(2, 3).describe() == "Rect 2x3 (area 6)"
    '''}, "tests-4")
    dataset.gold["acme__geom-4"] = _side_diff(
        geom, geom_v1, {"geom/shapes.py": shapes.replace(
            'return "rect"', 'return f"Rect {self.width}x{self.height} (area {self.area()})"')}, "gold-4")
    dataset.instances.append(_instance(
        "acme__geom-4", "acme/geom", geom_v1, "Rect.describe() should include the size and area.", test4,
        ["tests/test_describe.py::test_describe_has_size"], ["tests/test_shapes.py::test_area"], encode=False))

    test5 = _side_diff(geom, geom_v1, {"tests/test_square.py": '''
        from geom.shapes import Rect


        def test_square_perimeter():
            assert Rect(2, 2).perimeter() == 8
    '''}, "tests-5")
    dataset.gold["acme__geom-5"] = dataset.gold["acme__geom-3"]
    dataset.instances.append(_instance(
        "acme__geom-5", "acme/geom", geom_v1, "Rect.perimeter() of a square is 0.", test5,
        ["tests/test_square.py::test_square_perimeter"], ["tests/test_shapes.py::test_scale"], encode=True))
    return dataset


def wrong_patch(dataset: Dataset, instance_id: str) -> str:
    """A patch that applies but does not fix the instance (touches a comment-free file)."""
    instance = dataset.by_id(instance_id)
    repo = dataset.mirrors / instance["repo"]
    return _side_diff(repo, instance["base_commit"], {"NOTES.md": "not a fix\n"}, f"wrong-{instance_id}")


# The edit a scripted model makes for each instance (path, old, new) through the str_replace tool.
LLM_EDITS = {
    "acme__shop-1": ("shop/pricing.py", "total > 100", "total >= 100"),
    "acme__shop-2": ("shop/pricing.py", "total > 50", "total >= 50"),
    "acme__geom-3": ("geom/shapes.py", "self.width - self.height", "self.width + self.height"),
    "acme__geom-4": ("geom/shapes.py", 'return "rect"', 'return "Rect"'),  # not the fix
    "acme__geom-5": ("geom/shapes.py", "self.width - self.height", "self.width + self.height"),
}
PROMPT_TOKENS_PER_CALL = 1_000_000  # with gpt-4o-mini prices: $0.15 per call
COST_PER_CALL = 0.15


def llm_responder(dataset: Dataset, *, delay: float = 0.0, seen: list[str] | None = None):
    """A fake-server step answering any instance: first the instance's edit, then submit.

    The instance is recognized by its problem statement in the request; ``seen`` collects the
    instance id of every request.
    """
    import time

    from tests.fake_openai import call_reply

    problems = {i["problem_statement"]: i["instance_id"] for i in dataset.instances}

    def respond(body: dict[str, Any]) -> dict[str, Any]:
        messages = body["messages"]
        text = " ".join(m.get("content") or "" for m in messages if m["role"] == "user")
        instance_id = next(v for k, v in problems.items() if k in text)
        if seen is not None:
            seen.append(instance_id)
        if delay:
            time.sleep(delay)
        if not any(m["role"] == "assistant" for m in messages):
            path, old, new = LLM_EDITS[instance_id]
            return call_reply("str_replace", {"path": path, "old_str": old, "new_str": new},
                              prompt_tokens=PROMPT_TOKENS_PER_CALL, completion_tokens=0)
        return call_reply("submit", {"summary": "fixed"}, prompt_tokens=PROMPT_TOKENS_PER_CALL,
                          completion_tokens=0)
    return respond
