"""Validate many candidate patches in one process: import pytest once, fork per candidate.

Runs inside the sandbox (no swebot imports), as
``python swebot_forkserver.py JOB.json`` in the directory the test command runs in. The job lists
candidates (files to write), the node ids to run, and a per-candidate timeout. For each candidate
it writes the files, forks a child that runs ``pytest.main`` with swebot's plugin (which selects
the ids and records one JSON line per test), waits with the timeout (killing the child's whole
process group when it runs over), and puts the original files back. It prints one JSON line per
candidate: ``{"index", "exit_code", "timed_out", "results"}``.

Why: starting an interpreter and importing pytest and its plugins costs more than running a few
selected tests of a small project, and the parent never imports the project itself, so each child
imports the candidate's code fresh.

The job may name modules to ``preload``: what a child of an earlier job imported from outside the
project (the job's ``list_modules`` asks a child for that list). The parent imports them once, so
a child no longer pays for TensorFlow, Twisted or aiohttp; whatever of the project they pulled in
is dropped from the parent again, so the project is still imported fresh, candidate's code and all.
It may also name project files to ``precompile``: their code objects, kept by path and exact text,
serve a child's import of a file whose text is unchanged (only the candidate's file is compiled
again; black's children spent a quarter of their time compiling black.py and blib2to3).
Children run with ``--tb=native``: a quick check needs pass or fail, not pytest's source-quoting
tracebacks, which took black's children another 0.1 s a failing candidate.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time


_ENCODINGS: dict = {}  # path -> the codec its text is written in (a PEP 263 cookie's); else UTF-8


def _write(root: str, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = os.path.join(root, rel)
        with open(path, "w", encoding=_ENCODINGS.get(rel, "utf-8")) as fh:
            fh.write(text)


def _outside(root: str) -> list:
    """Names of the loaded modules whose files lie outside ``root`` (the project), in load order."""
    inside = os.path.join(os.path.realpath(root), "")
    names = []
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if name != "__main__" and path and not os.path.realpath(path).startswith(inside):
            names.append(name)
    return names


def _project_files(root: str, *, rewritten: bool = False) -> list:
    """The ``.py`` files of the loaded modules inside ``root`` (swebot's own plugin folder aside);
    with ``rewritten``, those of them pytest imported with its assertion rewriting (test modules,
    conftest files)."""
    inside = os.path.join(os.path.realpath(root), "")
    ours = os.path.join(inside, ".swebot", "")
    files = []
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if name != "__main__" and path and path.endswith(".py"):
            real = os.path.realpath(path)
            if real.startswith(inside) and not real.startswith(ours):
                if not rewritten or type(getattr(module, "__loader__", None)).__name__ == "AssertionRewritingHook":
                    files.append(path)
    return files


_CODE: dict = {}  # (path, source bytes) -> code object compiled here, before the forks


def _precompile(paths: list) -> None:
    """Compile ``paths`` once, and let the import system take those code objects for a source
    that is byte for byte what was compiled (a candidate's file is not, and compiles afresh)."""
    import importlib._bootstrap_external as external

    for path in paths:
        try:
            with open(path, "rb") as fh:
                data = fh.read()
            _CODE[path, data] = compile(data, path, "exec", dont_inherit=True)
        except (OSError, SyntaxError, ValueError):
            continue
    original = external.SourceLoader.source_to_code

    def source_to_code(self, data, path, *, _optimize=-1):  # the loader method it stands in for
        code = _CODE.get((path, bytes(data))) if _optimize == -1 else None
        return code if code is not None else original(self, data, path, _optimize=_optimize)

    external.SourceLoader.source_to_code = source_to_code  # type: ignore[method-assign]  # for the children forked from here


_REWRITTEN: dict = {}  # (path, source bytes) -> pytest's (stat, code) for it, made here before the forks
_TREES: dict = {}  # (path, source text) -> its parsed module, for inspect.findsource on a class


def _prepare_tests(paths: list, root: str) -> None:
    """Do once, before the forks, what pytest does per child to the test modules, which no
    candidate changes: their assertion rewriting (parse, rewrite, compile: 0.18 s for black's
    test_black.py) and, on Python 3.9-3.12, the parse ``inspect.findsource`` makes of the whole
    file for every test class collected (pytest sorts a module's classes by line: 0.09 s a
    class, three classes in test_black.py). Both are kept by path and exact text, so a changed
    file gets pytest's own treatment. Not when pytest is the project under test (pytest's own
    repository): imported here, its unpatched modules would stand in every child for the
    candidates' (pytest-8365, -9359 found no plausible patch)."""
    import importlib.util

    found = importlib.util.find_spec("_pytest")
    if found is None or not found.origin or \
            os.path.realpath(found.origin).startswith(os.path.join(os.path.realpath(root), "")):
        return
    try:
        from _pytest.assertion import rewrite
        import pytest
        major = int(str(pytest.__version__).split(".")[0])
    except (ImportError, ValueError):
        return
    import ast
    import inspect

    if major >= 5 and hasattr(rewrite, "_rewrite_test"):  # (fn, config) from pytest 5; a Path from 6
        from pathlib import Path
        original = rewrite._rewrite_test
        for path in paths:
            try:
                with open(path, "rb") as fh:
                    data = fh.read()
                # the config only turns on the assertion pass hook (``enable_assertion_pass_hook``)
                _REWRITTEN[path, data] = original(Path(path) if major >= 6 else path, None)  # type: ignore[arg-type]  # no config here
            except Exception:  # pytest rewrites it in the child, as it would have anyway
                continue

        def _rewrite_test(fn, config):  # the signature of pytest's function it stands in for
            try:
                with open(fn, "rb") as fh:
                    hit = _REWRITTEN.get((str(fn), fh.read()))
            except OSError:
                hit = None
            return hit if hit is not None else original(fn, config)

        rewrite._rewrite_test = _rewrite_test
    finder = getattr(inspect, "_ClassFinder", None)
    found = getattr(inspect, "ClassFoundException", None)
    if (3, 9) <= sys.version_info[:2] <= (3, 12) and finder is not None and found is not None:
        import linecache

        for path in paths:
            try:
                with open(path, encoding="utf-8") as source:
                    text = source.read()
                _TREES[path, text] = ast.parse(text)
            except (OSError, SyntaxError, ValueError):
                continue
        findsource = inspect.findsource

        def _findsource(obj):  # inspect.findsource's steps for a class, on the tree parsed here
            if inspect.isclass(obj):
                try:
                    file = inspect.getsourcefile(obj)
                    module = inspect.getmodule(obj, file)
                    lines = linecache.getlines(file, module.__dict__) if module else linecache.getlines(file)
                    tree = _TREES.get((file, "".join(lines)))
                    if tree is not None:
                        finder(obj.__qualname__).visit(tree)
                except found as exc:
                    return lines, exc.args[0]
                except Exception:
                    pass
            return findsource(obj)

        inspect.findsource = _findsource


def _preload(root: str, names: list) -> None:
    """Import ``names`` here, quietly (stdout is the answer channel); then forget every module from
    inside ``root`` that came with them, for the children to import fresh."""
    import importlib

    saved = os.dup(1), os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        for name in names:
            if name not in sys.modules:
                try:
                    importlib.import_module(name)
                except BaseException:  # the child imports it as it would have anyway
                    pass
    finally:
        sys.stdout.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, devnull):
            os.close(fd)
    kept = set(_outside(root))
    for name in [n for n, m in sys.modules.items() if n != "__main__" and n not in kept and getattr(m, "__file__", None)]:
        del sys.modules[name]


def _child(args: list, results: str, select: bool, list_modules: bool = False) -> None:
    os.setsid()
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.environ["SWEBOT_RESULTS"] = results
    if not select:
        os.environ.pop("SWEBOT_SELECT", None)
    # As under ``python -m pytest``: the working directory is importable.
    sys.path.insert(0, os.getcwd())
    import pytest

    started = time.monotonic()

    class _Clock:  # when the tests start: what came before is start-up, imports and collection
        tests_from = 0.0

        @pytest.hookimpl(tryfirst=True)
        def pytest_runtestloop(self, session):  # pytest's hook: runs the tests
            self.tests_from = time.monotonic()

    clock = _Clock()
    code = pytest.main(["-p", "swebot_pytest_plugin", "-p", "no:cacheprovider", "-q", *args, "--tb=native"],
                       plugins=[clock])
    if list_modules:
        root = os.environ["SWEBOT_ROOT"]
        with open(results + ".modules", "w", encoding="utf-8") as fh:
            json.dump({"outside": _outside(root), "inside": _project_files(root),
                       "rewritten": _project_files(root, rewritten=True),
                       "setup_seconds": clock.tests_from - started if clock.tests_from else None}, fh)
    os._exit(int(code))


def _run_child(args: list, results: str, select: bool, timeout: float,
               list_modules: bool = False) -> tuple[int, bool]:
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        try:
            _child(args, results, select, list_modules)
        finally:
            os._exit(70)
    return _wait(pid, timeout)


def _wait(pid: int, timeout: float) -> tuple[int, bool]:
    deadline = time.monotonic() + timeout
    delay = 0.002
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return _exit_code(status), False
        if time.monotonic() >= deadline:
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
            return -signal.SIGKILL, True
        time.sleep(delay)
        delay = min(delay * 2, 0.05)


def _exit_code(status: int) -> int:
    # os.waitstatus_to_exitcode is Python 3.9+; projects under test may run on older ones.
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def _warm_up() -> None:
    """Import pytest, its installed plugins and what they import lazily, once, here, for every
    child to inherit: one empty pytest session in a scratch folder outside the project."""
    import tempfile

    import pytest

    scratch = tempfile.mkdtemp(prefix="swebot-warmup-")
    ini = os.path.join(scratch, "pytest.ini")
    with open(ini, "w") as fh:
        fh.write("[pytest]\n")
    saved = os.dup(1), os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        pytest.main(["-q", "-p", "no:cacheprovider", "-c", ini, "--rootdir", scratch, scratch])
    except BaseException:  # a plugin that cannot start here fails in the child as it would anyway
        pass
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, devnull):
            os.close(fd)
        import shutil

        shutil.rmtree(scratch, ignore_errors=True)


def main(job_path: str) -> int:
    with open(job_path, encoding="utf-8") as fh:
        job = json.load(fh)
    root = job["root"]
    os.environ["SWEBOT_ROOT"] = root
    os.environ["SWEBOT_SELECT"] = job["select_file"]
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
    os.environ["SWEBOT_NO_PROJECT_COVERAGE"] = "1"  # see swebot_pytest_plugin.py
    sys.dont_write_bytecode = True
    _warm_up()
    if job.get("preload"):
        _preload(root, job["preload"])
    if job.get("precompile"):
        _precompile(job["precompile"])
    if job.get("rewritten"):
        _prepare_tests(job["rewritten"], root)

    deadline = time.monotonic() + float(job["budget"]) if job.get("budget") else None
    originals = job["originals"]
    _ENCODINGS.update(job.get("encodings") or {})
    try:
        for index, candidate in enumerate(job["candidates"]):
            if deadline is not None and time.monotonic() >= deadline:
                break
            results = f"{job['results_prefix']}-{index}.jsonl"
            answer: dict = {"index": index, "results": results}
            _write(root, candidate)
            try:
                started = time.monotonic()
                exit_code, timed_out = _run_child(job.get("pytest_args", []), results, True,
                                                  float(job["timeout"]), bool(job.get("list_modules")))
                answer.update(exit_code=exit_code, timed_out=timed_out,
                              seconds=time.monotonic() - started)
                if job.get("list_modules") and os.path.exists(results + ".modules"):
                    with open(results + ".modules", encoding="utf-8") as fh:
                        answer["modules"] = json.load(fh)
                # The selected tests pass: run the whole suite too, as the test command would.
                if exit_code == 0 and job.get("full_args") is not None:
                    full_code, full_timed_out = _run_child(
                        job["full_args"], f"{results}.full", False, float(job["full_timeout"]))
                    answer.update(full_exit_code=full_code, full_timed_out=full_timed_out)
            finally:
                _write(root, {rel: originals[rel] for rel in candidate})
            print(json.dumps(answer), flush=True)
            if job.get("stop_on_pass") and answer.get("full_exit_code", exit_code) == 0:
                break
    finally:
        _write(root, originals)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
