"""pytest plugin that swebot copies into the sandbox (standalone: no swebot imports).

Loaded with ``-p swebot_pytest_plugin``; every feature is switched on by an environment
variable, so loading it alone changes nothing:

- ``SWEBOT_ROOT``: the repository root; node ids and paths written below are relative to it.
- ``SWEBOT_META``: write ``{"rootdir": ..., "inifile": ...}`` (pytest's rootdir and config
  file, relative to the root) at start-up.
- ``SWEBOT_SELECT``: a file listing repository-relative node ids, one per line. Only those
  tests run. Ids are matched after collection, so an id that no longer exists is simply
  absent from the results instead of aborting the whole run as a command-line id would.
- ``SWEBOT_RESULTS``: append one JSON line per finished test, so results survive a run
  that is killed before pytest writes its JUnit XML.
- ``SWEBOT_COVERAGE``: record line coverage per test (coverage.py dynamic contexts named by
  node id) and write ``{"files": {nodeid: {relpath: [lines]}}}`` (or ``{"error": ...}``).
- ``SWEBOT_NO_PROJECT_COVERAGE``: switch off the project's own coverage plugin (pytest-cov,
  ``--cov`` in addopts). Two tracers in one process break each other (pytest-cov's report
  crashes pytest with an internal error once ours has run), its ``.coverage`` file would land
  in the patch, and a ``--cov-fail-under`` would fail a run for reasons no fix is about. The
  plugin stays loaded, so ``--cov`` options in the project's configuration are still accepted
  (``-p no:cov`` would make them usage errors); when pytest-cov is not installed this does
  nothing.

Under pytest-xdist each worker writes ``<SWEBOT_COVERAGE>.<worker>.json`` and the
controller merges them.
"""

from __future__ import annotations

import glob
import json
import os
import sys
from typing import Any

import pytest

_ENV_NAMES = (
    "SWEBOT_ROOT",
    "SWEBOT_META",
    "SWEBOT_SELECT",
    "SWEBOT_RESULTS",
    "SWEBOT_COVERAGE",
    "SWEBOT_NO_PROJECT_COVERAGE",
    "PYTEST_ADDOPTS",
)
_FOREIGN = {"site-packages", "dist-packages", ".swebot", ".tox", ".nox"}


def _root() -> str:
    return os.path.realpath(os.environ.get("SWEBOT_ROOT") or os.getcwd())


def _rel(path: str, root: str) -> str | None:
    path = os.path.realpath(path)
    if not path.startswith(root.rstrip(os.sep) + os.sep):
        return None
    rel = os.path.relpath(path, root).replace(os.sep, "/")
    if _FOREIGN.intersection(rel.split("/")):
        return None
    return rel


def _write_json(path: str, payload: object) -> None:
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(payload, fh)
    os.replace(tmp, path)


class _State:
    def __init__(self, config: pytest.Config) -> None:
        self.root = _root()
        # rootpath: pytest >= 6.1; rootdir (a py.path) before that.
        rootdir = getattr(config, "rootpath", None) or config.rootdir  # type: ignore[attr-defined]  # config.rootdir: pytest < 6.1, no rootpath
        self.rootdir = os.path.realpath(str(rootdir))
        self.prefix = os.path.relpath(self.rootdir, self.root).replace(os.sep, "/")
        # Read once: the variables are hidden from the environment while tests run.
        self.select = _read_select(os.environ.get("SWEBOT_SELECT"))
        self.worker = _xdist_worker(config)
        # Under xdist the controller sees every worker's reports: only it writes results.
        self.results = "" if self.worker else os.environ.get("SWEBOT_RESULTS", "")
        self.coverage_target = os.environ.get("SWEBOT_COVERAGE", "")
        self.coverage: Any = None  # a coverage.Coverage once started
        self.coverage_error = ""
        self.outcomes: dict[str, list[str]] = {}
        self.texts: dict[str, list[str]] = {}

    def repo_id(self, nodeid: str) -> str:
        # pytest < 4 puts the class instance in ids ("test_x.py::TestX::()::test_y"); JUnit does not.
        nodeid = nodeid.replace("::()", "")
        if self.prefix in ("", "."):
            return nodeid
        path, sep, rest = nodeid.partition("::")
        return os.path.normpath(os.path.join(self.prefix, path)).replace(os.sep, "/") + sep + rest


def _xdist_worker(config: pytest.Config) -> str:
    """This session's pytest-xdist worker id, "" in the controller or without xdist. Read from
    the config, not from PYTEST_XDIST_WORKER: a swebot started inside an xdist worker passes that
    variable on to the project's tests, whose session is then no worker at all."""
    info = getattr(config, "workerinput", None) or getattr(config, "slaveinput", None)  # xdist < 2: slave
    return str(info.get("workerid", "")) if info else ""


_state: _State | None = None


@pytest.hookimpl(hookwrapper=True)
def pytest_load_initial_conftests(early_config: pytest.Config, parser: Any, args: list[str]):
    # pytest-cov decides here, from the early options, whether to start: no sources, no start.
    # Its ``--no-cov`` flag too, for versions that look at it instead.
    if os.environ.get("SWEBOT_NO_PROJECT_COVERAGE"):
        options = early_config.known_args_namespace
        if getattr(options, "cov_source", None):
            options.cov_source = None
            options.no_cov = True
    yield


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    global _state
    _state = _State(config)
    meta = os.environ.get("SWEBOT_META")
    if meta and not _state.worker:
        inifile = _inifile(config, _state.root)
        _write_json(meta, {"rootdir": _state.prefix, "inifile": inifile, "pytest": pytest.__version__})
    if _state.select is not None:
        # Collect whole files, then keep the selected items (see pytest_collection_modifyitems).
        files = dict.fromkeys(os.path.join(_state.root, s.split("::")[0]) for s in _state.select)
        config.args = [f for f in files if os.path.exists(f)]
    if _state.coverage_target:
        _start_coverage(_state)


def _inifile(config: pytest.Config, root: str) -> str | None:
    # inipath: pytest >= 6.1; inifile (a py.path) before that.
    path = getattr(config, "inipath", None) or getattr(config, "inifile", None)
    return os.path.relpath(os.path.realpath(str(path)), root).replace(os.sep, "/") if path else None


def _read_select(path: str | None) -> list[str] | None:
    if not path:
        return None
    with open(path, encoding="utf-8") as fh:
        return [line.rstrip("\n") for line in fh if line.strip()]


def _prefixes(nodeid: str):
    """The node id and every selection that includes it: parent directories, the file,
    enclosing classes, the unparametrized function."""
    yield nodeid
    base = nodeid.split("[", 1)[0]
    yield base
    parts = base.split("::")
    for i in range(1, len(parts)):
        yield "::".join(parts[:i])
    dirs = parts[0].split("/")
    for i in range(1, len(dirs)):
        yield "/".join(dirs[:i])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _state is None or _state.select is None:
        return
    wanted = {s.rstrip("/") for s in _state.select}
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        chosen = any(p in wanted for p in _prefixes(_state.repo_id(item.nodeid)))
        (keep if chosen else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    # Hide our variables from the test: a test that runs pytest itself must not inherit
    # our JUnit path, selection or coverage output.
    hidden = {name: os.environ.pop(name) for name in _ENV_NAMES if name in os.environ}
    cov = _state.coverage if _state else None
    if _state is not None and cov is not None:
        cov.switch_context(_state.repo_id(item.nodeid))
    try:
        yield
    finally:
        if cov is not None:
            cov.switch_context("")
        os.environ.update(hidden)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if _state is None or not _state.results:
        return
    phases = _state.outcomes.setdefault(report.nodeid, [])
    phases.append(f"{report.when}:{report.outcome}")
    if report.failed:
        _state.texts.setdefault(report.nodeid, []).append(report.longreprtext)
    if report.when != "teardown":
        return
    outcome = "passed"
    if "call:failed" in phases:
        outcome = "failed"
    elif any(p.endswith(":failed") for p in phases):
        outcome = "error"
    elif any(p.endswith(":skipped") for p in phases):
        outcome = "skipped"
    text = "\n".join(_state.texts.pop(report.nodeid, []))
    del _state.outcomes[report.nodeid]
    line = json.dumps({"nodeid": _state.repo_id(report.nodeid), "outcome": outcome, "text": text[-20000:]})
    with open(_state.results, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def _start_coverage(state: _State) -> None:
    try:
        import coverage
    except ImportError as exc:
        state.coverage_error = f"coverage is not importable by the test interpreter ({sys.executable}): {exc}"
        return
    if not hasattr(coverage.Coverage, "switch_context"):
        state.coverage_error = f"coverage {coverage.__version__} is too old: per-test contexts need coverage 5 or later"
        return
    # config_file=False: the project's coverage settings (omit, plugins, branch) must not
    # change what we measure.
    # Virtualenvs and tool directories inside the repository are not the project's code.
    omit = [os.path.join(state.root, d, "*") for d in sorted(_FOREIGN)] + ["*/site-packages/*", "*/dist-packages/*"]
    cov = coverage.Coverage(data_file=None, source=[state.root], omit=omit, branch=False, config_file=False)
    cov.start()
    state.coverage = cov


def _coverage_map(state: _State) -> dict[str, dict[str, list[int]]]:
    cov = state.coverage
    cov.stop()
    data = cov.get_data()
    out: dict[str, dict[str, set[int]]] = {}
    for filename in data.measured_files():
        rel = _rel(filename, state.root)
        if rel is None:
            continue
        for line, contexts in data.contexts_by_lineno(filename).items():
            for context in contexts:
                if context:
                    out.setdefault(context, {}).setdefault(rel, set()).add(line)
    return {ctx: {f: sorted(lines) for f, lines in files.items()} for ctx, files in out.items()}


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    if _state is None or not _state.coverage_target:
        return
    target = _state.coverage_target
    if _state.coverage_error:
        _write_json(target, {"error": _state.coverage_error})
        return
    files: dict[str, dict[str, list[int]]] = _coverage_map(_state) if _state.coverage is not None else {}
    if _state.worker:
        _write_json(f"{target}.{_state.worker}.json", {"files": files})
        return
    for part in sorted(glob.glob(glob.escape(target) + ".gw*.json")):
        with open(part, encoding="utf-8") as fh:
            for ctx, per_file in json.load(fh).get("files", {}).items():
                mine = files.setdefault(ctx, {})
                for rel, lines in per_file.items():
                    mine[rel] = sorted(set(mine.get(rel, [])) | set(lines))
    _write_json(target, {"files": files})
