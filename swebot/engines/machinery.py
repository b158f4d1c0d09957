"""Which modules of the package the test run loads as its own machinery: never edited.

A check switched off in the machinery a test runs through passes the test as surely as one
switched off in the test tree, and the test-tree rule (targets.py) does not see it when the
package ships that machinery: on SWE-bench's pytest-7490 the engine reported ``assert obtained
== expected`` -> ``!=`` in ``RunResult.assert_outcomes`` of src/_pytest/pytester.py as a fix (the
plugin pytest's suite loads with ``-p pytester``; the failing tests check their inner runs with
``assert_outcomes``). Two ways in, read from what pytest itself reads for the failing tests (their
files, the ``conftest.py`` files from the root down to them, the pytest config, the test command):

- a pytest plugin the run loads by name: ``pytest_plugins`` of those files, ``-p name`` in the
  config's ``addopts`` or the test command;
- a module of the repository those files import that defines an assertion helper (a function or
  method named ``assert...`` whose body asserts: a non-constant ``assert``, a raised
  ``AssertionError``, a call of another ``assert...`` or ``fail``). Importing the module is not
  enough: tests import the code under test too, and a product function named ``assert_all_finite``
  that raises ValueError (scikit-learn) is code under test. Nor is defining a fixture: pytest's own
  ``monkeypatch.py`` and ``tmpdir.py`` do, imported by its tests, and are pytest's product.

Narrow on purpose: developers do change asserts of the library (black-14, pandas-3, tornado-1),
and test helpers have bugs of their own (pandas-42 fixes ``assert_series_equal``). So a module
stays editable when the failing tests are its own tests: a failing test's file or folder
(``test_pytester.py``, ``test_assert_frame_equal.py``, ``tests/test_utils/``), class or function
names the module or one of its helpers. Entry points (``pytest11``) are not read: a repository that
registers one is a plugin whose plugin is the product its tests check.
"""

from __future__ import annotations

import ast
import posixpath
import re
import shlex
from typing import Callable, Iterable, Iterator, Sequence

from swebot.engines.targets import in_test_tree
from swebot.types import Sandbox

Reader = Callable[[str], "str | None"]  # repository-relative path -> text, None when absent

SOURCE_ROOTS = ("", "src/", "lib/")
CONFIG_FILES = ("pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg")
# pytest resolves these short names of its own plugins to ``_pytest.<name>`` (config/__init__.py)
PYTEST_PACKAGE = "_pytest"
_FIXTURE_DECORATORS = frozenset({"fixture", "yield_fixture"})
_ADDOPTS = re.compile(r"^\s*addopts\s*[=:]\s*(.*(?:\n[ \t]+.*)*)", re.MULTILINE)
_TEST_WORDS = frozenset({"test", "tests", "testing"})


def sandbox_reader(sandbox: Sandbox) -> Reader:
    """A Reader of the sandbox's files (a missing file or a folder reads as None)."""
    def read(path: str) -> str | None:
        try:
            return sandbox.read_file(path).decode("utf-8", errors="replace")
        except OSError:
            return None
    return read


def run_machinery(read: Reader, failing: Sequence[str], test_command: str | None = None) -> dict[str, str]:
    """The repository's modules (paths) the failing tests' run loads as machinery, each with why."""
    resolver = _Resolver(read)
    loaded = {path: tree for path in _loaded_files(failing) if (tree := _parse(read(path))) is not None}
    found: dict[str, str] = {}
    for name, where in _plugin_names(read, loaded, test_command):
        path = resolver.plugin(name)
        if path is not None and not in_test_tree(path):
            found.setdefault(path, f"a pytest plugin of the test run ({where})")
    for source, tree in loaded.items():
        for path in resolver.imports(tree):
            if path in found or in_test_tree(path):
                continue
            helpers = _helpers(resolver.tree(path), fixtures=False)
            if helpers:
                found[path] = f"imported by {source}, defines {', '.join(sorted(helpers)[:3])}"
    own = _own_test_words(failing)
    return {path: why for path, why in found.items() if not _names(path, resolver.tree(path)) & own}


def _loaded_files(failing: Sequence[str]) -> list[str]:
    """The failing tests' files and every ``conftest.py`` from the root down to them."""
    files = sorted({nodeid.split("::", 1)[0] for nodeid in failing})
    conftests: dict[str, None] = {}
    for path in files:
        folder = posixpath.dirname(path)
        chain = [""]
        while folder:
            chain.insert(1, folder)
            folder = posixpath.dirname(folder)
        for each in chain:
            conftests[posixpath.join(each, "conftest.py")] = None
    return [*conftests, *files]


def _parse(text: str | None) -> ast.Module | None:
    if text is None:
        return None
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError):
        return None


def _plugin_names(read: Reader, loaded: dict[str, ast.Module],
                  test_command: str | None) -> Iterator[tuple[str, str]]:
    for path, tree in loaded.items():
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytest_plugins"
                                                    for t in node.targets):
                for name in _strings(node.value):
                    yield name, f"pytest_plugins of {path}"
    for config in CONFIG_FILES:
        text = read(config)
        for match in _ADDOPTS.finditer(text or ""):
            for name in _dash_p(match.group(1).replace('"', " ").replace("'", " ").replace(",", " ")):
                yield name, f"-p {name} in {config}"
    for name in _dash_p(test_command or ""):
        yield name, f"-p {name} in the test command"


def _strings(value: ast.expr) -> list[str]:
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return [value.value]
    if isinstance(value, (ast.List, ast.Tuple)):
        return [e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return []


def _dash_p(text: str) -> list[str]:
    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()
    names = []
    for index, word in enumerate(words):
        if word == "-p" and index + 1 < len(words):
            names.append(words[index + 1])
        elif word.startswith("-p") and len(word) > 2 and not word.startswith("--"):
            names.append(word[2:])
    return [name for name in names if not name.startswith("no:")]


class _Resolver:
    """Module names to the repository's files, read at most once each."""

    def __init__(self, read: Reader) -> None:
        self._read = read
        self._texts: dict[str, str | None] = {}
        self._trees: dict[str, ast.Module | None] = {}
        self._roots: dict[str, str | None] = {}  # top-level package -> its source root, None: not ours

    def text(self, path: str) -> str | None:
        if path not in self._texts:
            self._texts[path] = self._read(path)
        return self._texts[path]

    def tree(self, path: str) -> ast.Module | None:
        if path not in self._trees:
            self._trees[path] = _parse(self.text(path))
        return self._trees[path]

    def module(self, dotted: str) -> str | None:
        parts = dotted.split(".")
        if not all(parts):
            return None
        if parts[0] not in self._roots:
            self._roots[parts[0]] = next((root for root in SOURCE_ROOTS
                                          for form in (f"{parts[0]}/__init__.py", f"{parts[0]}.py")
                                          if self.text(root + form) is not None), None)
        root = self._roots[parts[0]]
        if root is None:
            return None
        base = root + "/".join(parts)
        for path in (f"{base}.py", f"{base}/__init__.py"):
            if self.text(path) is not None:
                return path
        return None

    def plugin(self, name: str) -> str | None:
        return self.module(name) or self.module(f"{PYTEST_PACKAGE}.{name}")

    def imports(self, tree: ast.Module) -> Iterator[str]:
        """The repository's modules ``tree`` imports: ``import a.b``, ``from a.b import c`` (a.b.c
        when c is a module, else a.b), and for ``from package import Name`` the module the
        package's ``__init__`` takes ``Name`` from (``from django.test import TestCase``)."""
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if (path := self.module(alias.name)) is not None:
                        yield path
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                package = self.module(node.module)
                if package is None:
                    continue
                yield package
                for alias in node.names:
                    sub = self.module(f"{node.module}.{alias.name}")
                    if sub is not None:
                        yield sub
                    elif package.endswith("/__init__.py"):
                        yield from self._reexport(package, node.module, alias.name)

    def _reexport(self, init: str, package: str, name: str) -> Iterable[str]:
        tree = self.tree(init)
        for node in tree.body if tree is not None else ():
            if isinstance(node, ast.ImportFrom) and any(a.asname == name or (a.asname is None and a.name == name)
                                                        for a in node.names):
                if node.level == 1:
                    source = f"{package}.{node.module}" if node.module else None
                else:
                    source = node.module if not node.level else None
                path = self.module(source) if source else None
                return [path] if path is not None else []
        return []


def _helpers(tree: ast.Module | None, *, fixtures: bool = True) -> set[str]:
    """Names of the assertion helpers (and pytest fixtures) ``tree`` defines."""
    found: set[str] = set()
    for node in ast.walk(tree) if tree is not None else ():
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if fixtures and any(_callee(d) in _FIXTURE_DECORATORS for d in node.decorator_list):
            found.add(node.name)
        elif node.name.startswith("assert") and _asserts(node):
            found.add(node.name)
    return found


def _callee(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _asserts(function: ast.AST) -> bool:
    for node in ast.walk(function):
        if isinstance(node, ast.Assert) and not isinstance(node.test, ast.Constant):  # not ``assert_never``'s
            return True
        if isinstance(node, ast.Raise) and node.exc is not None and _callee(node.exc) == "AssertionError":
            return True
        if isinstance(node, ast.Call) and (_callee(node).startswith("assert") or _callee(node) == "fail"):
            return True
    return False


def _normal(name: str) -> str:
    return name.replace("_", "").lower()


def _names(path: str, tree: ast.Module | None) -> set[str]:
    """The module's own name and the names it defines (top-level functions and classes, its
    helpers), as a test named after them spells them."""
    stem = posixpath.basename(path)[:-3]
    if stem == "__init__":
        stem = posixpath.basename(posixpath.dirname(path))
    names = {stem} | _helpers(tree)
    names |= {n.name for n in (tree.body if tree is not None else ())
              if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    return {normal for n in names if len(normal := _normal(n)) >= 4}


def _own_test_words(failing: Sequence[str]) -> set[str]:
    """What the failing tests are named after: their files' and folders' names without the
    ``test`` affixes, their classes' names without ``Test``/``Tests``, their functions' names
    without ``test_`` (whole, and cut at each ``_``, since ``test_pytester_run`` tests pytester)."""
    words: set[str] = set()
    for nodeid in failing:
        path, *parts = nodeid.split("::")
        folders = posixpath.dirname(path).split("/")
        for piece in (posixpath.basename(path).removesuffix(".py"), *folders[-1:]):
            if piece not in _TEST_WORDS:
                words.add(_normal(piece.removeprefix("test_").removesuffix("_test").removesuffix("_tests")))
        for part in parts:
            part = part.split("[", 1)[0]
            stripped = re.sub(r"^Test|Tests?$", "", part) if part[:1].isupper() else part.removeprefix("test_")
            pieces = stripped.split("_")
            words |= {_normal("_".join(pieces[:cut])) for cut in range(1, len(pieces) + 1)}
    return {word for word in words if word}
