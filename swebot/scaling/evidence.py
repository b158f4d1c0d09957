"""What speaks for each candidate patch: checked in the sandbox against the reproduction tests
(all attempts' tests, not only its own) and the repository's tests, regressions counted.

Each candidate is applied to the baseline workspace, the reproduction test files are put
beside it, the tests run, and the workspace is reset; the candidate's changed files are also
read back for its normalized key (AST without comments, docstrings and formatting).
"""

from __future__ import annotations

import hashlib
import posixpath
import time
from dataclasses import dataclass, field, replace
from typing import Sequence

from swebot.mutate.normalize import normalized  # not swebot.mutate: that imports libcst
from swebot.diffs import changed_lines, file_sections
from swebot.workspace import sandbox_apply, sandbox_reset
from swebot.testing import TestRunner
from swebot.types import Sandbox, TestReport


@dataclass(frozen=True)
class Candidate:
    """One attempt's patch: the code change only (reproduction tests travel separately)."""

    id: str  # "a1", "a2", ..., or "builtin"
    origin: str  # how the attempt was set up (engine, temperature, seed, first hint)
    patch: str
    claimed: str = "not_fixed"  # the attempt's own status
    verified: bool = False  # the attempt's own verification accepted it


@dataclass(frozen=True)
class ReproTest:
    """A reproduction test an attempt wrote and the harness accepted."""

    path: str
    content: str
    tests: tuple[str, ...]  # node ids that failed on the original code
    origin: str  # the id of the candidate whose attempt wrote it


@dataclass(frozen=True)
class Evidence:
    applies: bool = True
    targets_fixed: tuple[str, ...] = ()  # originally failing tests that pass
    targets_total: int = 0
    repro_passed: tuple[str, ...] = ()  # reproduction tests that pass
    repro_total: int = 0
    regressions: tuple[str, ...] = ()  # tests that passed on the original code and fail now
    problems: tuple[str, ...] = ()  # does not apply, collection errors, timeouts, not checked
    own_failed: tuple[str, ...] = ()  # reproduction tests its own attempt wrote that fail

    @property
    def passed_checks(self) -> int:
        return len(self.targets_fixed) + len(self.repro_passed)

    @property
    def plausible(self) -> bool:
        """Passes every check its attempt could know of: all target tests and its own reproduction
        tests, no regression, no problem. (Other attempts' reproduction tests may be wrong; how many
        of them pass ranks plausible candidates.)"""
        return (self.applies and not self.problems and not self.regressions and not self.own_failed
                and len(self.targets_fixed) == self.targets_total)

    def rank(self) -> tuple[bool, int, int]:
        """Higher is better: passes everything, then checks passed net of regressions, then fewer regressions."""
        if not self.applies:
            return (False, -(1 << 30), -(1 << 30))
        return (self.plausible, self.passed_checks - len(self.regressions), -len(self.regressions))

    def to_dict(self) -> dict[str, object]:
        return {"plausible": self.plausible, "applies": self.applies,
                "targets": f"{len(self.targets_fixed)}/{self.targets_total}",
                "reproduction": f"{len(self.repro_passed)}/{self.repro_total}",
                "regressions": list(self.regressions), "problems": list(self.problems),
                "own_reproduction_failed": list(self.own_failed)}


@dataclass(frozen=True)
class Checked:
    candidate: Candidate
    evidence: Evidence
    key: str  # equal for AST-equivalent changes
    size: int  # changed lines


@dataclass
class Checks:
    """How candidates are checked. ``runner`` runs the repository's tests (None: there are none to
    run); ``baseline`` is their result on the original code (computed when None)."""

    runner: TestRunner | None
    baseline: TestReport | None = None
    targets: tuple[str, ...] = ()
    repro: Sequence[ReproTest] = ()
    deadline: float = 0.0  # time.monotonic() after which candidates are left unchecked; 0: none
    repro_ids: tuple[str, ...] = field(default=(), init=False)
    own_ids: dict[str, tuple[str, ...]] = field(default_factory=dict, init=False)  # candidate id -> its tests
    _placed: list[tuple[str, str]] = field(default_factory=list, init=False)


def accepted_reproductions(details: object) -> list[dict[str, object]]:
    """The reproduction tests an LLM attempt's EngineResult.details reports as accepted."""
    repro = details.get("reproduction") if isinstance(details, dict) else None
    accepted = repro.get("accepted") if isinstance(repro, dict) else None
    return [a for a in accepted if isinstance(a, dict)] if isinstance(accepted, list) else []


def place_reproductions(repro: Sequence[ReproTest]) -> tuple[list[tuple[str, str]], dict[str, tuple[str, ...]]]:
    """(files to write, node ids by the attempt that wrote them): two attempts that used one file
    name for different tests get distinct names."""
    files: dict[str, str] = {}
    ids: dict[str, tuple[str, ...]] = {}
    for test in repro:
        path = test.path
        if files.get(path, test.content) != test.content:
            stem, ext = posixpath.splitext(test.path)
            path = f"{stem}_{test.origin}{ext}"
        files[path] = test.content
        ids[test.origin] = ids.get(test.origin, ()) + tuple(
            path + t[len(test.path):] if t.startswith(test.path) else t for t in test.tests)
    return list(files.items()), ids


def check_all(sandbox: Sandbox, candidates: Sequence[Candidate], checks: Checks) -> list[Checked]:
    """Every candidate with its evidence; the workspace is left at its baseline."""
    checks._placed, checks.own_ids = place_reproductions(checks.repro)
    checks.repro_ids = tuple(dict.fromkeys(i for ids in checks.own_ids.values() for i in ids))
    if checks.runner is not None and checks.baseline is None and any(c.patch.strip() for c in candidates):
        sandbox_reset(sandbox)
        _place(sandbox, checks)
        checks.baseline = checks.runner.run()
    done: dict[str, tuple[Evidence, str]] = {}
    out = []
    try:
        for cand in candidates:
            if cand.patch not in done:
                late = checks.deadline and time.monotonic() >= checks.deadline
                done[cand.patch] = (Evidence(problems=("not checked: the time limit ran out",)), _raw_key(cand.patch)) \
                    if late else _check(sandbox, cand.patch, checks)
            evidence, key = done[cand.patch]
            own = checks.own_ids.get(cand.id, ())
            if evidence.applies and not evidence.problems:
                evidence = replace(evidence, own_failed=tuple(t for t in own if t not in evidence.repro_passed))
            out.append(Checked(cand, evidence, key, changed_lines(cand.patch)))
    finally:
        sandbox_reset(sandbox)
    return out


def _place(sandbox: Sandbox, checks: Checks) -> None:
    for path, content in checks._placed:
        sandbox.write_file(path, content.encode("utf-8"))


def _check(sandbox: Sandbox, patch: str, checks: Checks) -> tuple[Evidence, str]:
    sandbox_reset(sandbox)
    problem = sandbox_apply(sandbox, patch)
    if problem is not None:
        return Evidence(applies=False, problems=(f"does not apply: {problem}",)), _raw_key(patch)
    key = normalized_key(sandbox, patch)
    _place(sandbox, checks)
    if checks.runner is None:
        return Evidence(repro_total=len(checks.repro_ids)), key
    runner = checks.runner
    full: TestReport = runner.run()
    seen = {c.nodeid for c in full.cases}
    repro_report = full
    if checks.repro_ids and not all(i in seen for i in checks.repro_ids):
        repro_report = runner.run(list(checks.repro_ids))
    base_passing = checks.baseline.passing if checks.baseline else frozenset()
    problems = [f"collection error in {e}" for e in full.collection_errors]
    if full.timed_out or repro_report.timed_out:
        problems.append("the tests timed out")
    repro = set(checks.repro_ids)
    return Evidence(
        targets_fixed=tuple(t for t in checks.targets if t in full.passing),
        targets_total=len(checks.targets),
        repro_passed=tuple(t for t in checks.repro_ids if t in repro_report.passing),
        repro_total=len(checks.repro_ids),
        regressions=tuple(sorted((base_passing - repro) & full.failing)),
        problems=tuple(problems),
    ), key


def normalized_key(sandbox: Sandbox, patch: str) -> str:
    """A short key equal for patches whose changed files are AST-equivalent once applied."""
    parts = []
    for path, _ in file_sections(patch):
        try:
            text = sandbox.read_file(path).decode("utf-8", "replace")
        except Exception:  # deleted by the patch, or unreadable
            parts.append(f"{path}\0<absent>")
            continue
        parts.append(f"{path}\0{(normalized(text) if path.endswith('.py') else '') or text}")
    return hashlib.sha1("\n\0\n".join(sorted(parts)).encode()).hexdigest()[:10]


def _raw_key(patch: str) -> str:
    return "raw-" + hashlib.sha1(patch.encode()).hexdigest()[:10]
