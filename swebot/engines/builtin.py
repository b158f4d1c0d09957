"""The builtin engine: spectrum-based fault localization plus a search over libcst mutations.

No model, no API key. It ranks lines by Ochiai suspiciousness from per-test coverage, generates
template mutations at the most suspicious lines, and validates them cheaply (the originally failing
tests first, the full command only for candidates that pass those). When no single edit works it
tries pairs, starting from the edits that fixed part of the failing tests.
"""

from __future__ import annotations

import ast
import difflib
import heapq
import itertools
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterable, Iterator, Protocol, Sequence

from swebot.engines.focus import focus_ranking, widen_spectrum
from swebot.engines.machinery import sandbox_reader, run_machinery
from swebot.engines.hints import CRASH_BOOST, TestHints, crash_lines, mutation_hints
from swebot.engines.regressions import RegressionGuard
from swebot.engines.selection import Footprint, Plausible, choose, footprint
from swebot.engines.simplest import removal_rivals
from swebot.engines.targets import edit_targets
from swebot.engines.validation import Change, Validator, Verdict, default_lanes
from swebot.errors import LimitReached, SwebotError
from swebot.localize.sbfl import CoverageMap, SuspiciousLine, boost_lines, rank_lines
from swebot.mutate import MAX_PRIOR, Mutation, Mutator, mutations_at
from swebot.mutate.normalize import EditKeys
from swebot.source_encoding import SourceDecodeError, decode_source
from swebot.testing import TestRunner
from swebot.types import Budget, EngineResult, ProgressCallback, Sandbox, Task, TestReport
from swebot.workspace import sandbox_diff


# Past its first SAME_SITE_FREE edits at one line, each further edit of a template weighs
# SAME_SITE_DECAY of the one before: a template with many variants at a line (a guard per local and
# exit value) does not hold back the other templates of that line and the next lines, while the
# few alternatives of an operator keep their template's weight.
SAME_SITE_FREE = 6
SAME_SITE_DECAY = 0.8
# Once a candidate passes, the search goes on for up to SELECT_MORE more plausible patches, within
# SELECT_SHARE of the time then left and SELECT_CANDIDATES more candidates, and the one whose
# failing tests' execution shows no switched-off path is reported (swebot.engines.selection): the
# first to pass is often one that passes by not running the tested code.
SELECT_MORE = 3
SELECT_SHARE = 0.5
SELECT_CANDIDATES = 200


@dataclass(frozen=True)
class Candidate:
    changes: tuple[Change, ...]
    mutations: tuple[Mutation, ...]
    score: float

    @property
    def description(self) -> str:
        return "; ".join(f"{path}: {m.description} [{m.template}]"
                         for (path, _), m in zip(self.changes, self.mutations))


class SingleEdits:
    """The single edits in score order (equal scores: the smaller edit first), made TIER_LINES
    suspicious lines at a time, best lines first.

    Making every edit of a big module before trying one costs the search its minute: black-10's
    6,526 edits over black.py and four more modules took 41 of its 60 s (load 12) before the
    first check. The order is the full sort's: an edit is handed out only when no line still to
    be made could give one scoring as high (its line score times the highest prior, MAX_PRIOR).
    On a plateau of equal line scores (black-10: 704 lines alike, no passing test to rank them
    apart) that would still mean making them all; so once ``patience`` seconds have gone into
    making with nothing to hand out, the best PATIENCE_GROUP made so far are handed out anyway.
    """

    def __init__(self, originals: dict[str, str], lines_by_file: dict[str, dict[int, float]],
                 hints: TestHints, *, patience: float = 0.0) -> None:
        self._patience = patience  # seconds (0: wait for the exact order, however long)
        self._originals = originals
        self._lines = lines_by_file
        self._hints = hints
        self._mutators: dict[str, Mutator] = {}
        order = sorted(((score, path, line) for path, lines in lines_by_file.items()
                        for line, score in lines.items()), key=lambda item: -item[0])
        self._tiers = [order[i:i + TIER_LINES] for i in range(0, len(order), TIER_LINES)]
        self._pending: list[tuple[float, int, int, Candidate]] = []  # a heap: (-score, size, made, edit)
        self._crowding: Counter[tuple[str, int, str]] = Counter()
        self.made = 0  # edits made so far
        self.handed_out: list[Candidate] = []  # in the order handed out

    def __iter__(self) -> Iterator[Candidate]:
        waiting_since = time.monotonic()
        for index, tier in enumerate(self._tiers):
            self._make(tier)
            bound = self._tiers[index + 1][0][0] * MAX_PRIOR if index + 1 < len(self._tiers) else float("-inf")
            ready = sum(1 for entry in self._pending if -entry[0] > bound)
            if not ready and self._patience and time.monotonic() - waiting_since > self._patience:
                ready = min(PATIENCE_GROUP, len(self._pending))
            for _ in range(ready):
                candidate = heapq.heappop(self._pending)[3]
                self.handed_out.append(candidate)
                yield candidate
            if ready:
                waiting_since = time.monotonic()

    def all_made(self) -> list[Candidate]:
        """Every edit made so far: handed out, then the rest in order."""
        return self.handed_out + [entry[3] for entry in sorted(self._pending)]

    def _make(self, tier: Sequence[tuple[float, str, int]]) -> None:
        by_file: dict[str, list[int]] = {}
        for _, path, line in tier:
            by_file.setdefault(path, []).append(line)
        for path, wanted in by_file.items():
            if path not in self._mutators:
                self._mutators[path] = Mutator(self._originals[path], self._hints.for_path(path))
            lines = self._lines[path]
            for m in self._mutators[path].at(wanted):
                crowding = SAME_SITE_DECAY ** max(self._crowding[path, m.line, m.template] - SAME_SITE_FREE + 1, 0)
                score = lines.get(m.line, min(lines.values())) * m.prior * crowding
                self._crowding[path, m.line, m.template] += 1
                candidate = Candidate(((path, m.source),), (m,), score)
                self.made += 1
                heapq.heappush(self._pending, (-score, _size(self._originals, candidate), self.made, candidate))


@dataclass
class SearchState:
    """Bookkeeping of one search: what was tried, what came closest, when to stop."""

    budget: Budget
    started: float = field(default_factory=time.monotonic)
    tried: int = 0
    seen: set[tuple[str, ...]] = field(default_factory=set)
    partial: list[tuple[Candidate, Verdict]] = field(default_factory=list)
    plausible: list[Candidate] = field(default_factory=list)  # in the order they were found
    not_fixes: list[Candidate] = field(default_factory=list)  # plausible, but the failing tests stopped running
    ranks: dict[tuple[str, int], int] = field(default_factory=dict)  # suspicious line -> rank, 1 first
    depth: dict[str, int] = field(default_factory=dict)  # how far down the ranking the search got
    requeue: list["Candidate"] = field(default_factory=list)  # a batch's unchecked rest, after a pass
    soft_deadline: float | None = None  # the extra search for rivals of a found patch ends here
    soft_tried: int | None = None  # ... or after this many candidates tried
    selection: dict[str, object] = field(default_factory=dict)  # how the reported patch was chosen
    keys: EditKeys = field(default_factory=lambda: EditKeys({}))  # candidates' keys, against the originals

    def reached(self, candidate: "Candidate") -> None:
        paths = [path for path, _ in candidate.changes]
        if len(paths) < len(candidate.mutations):  # two edits in one file
            paths = paths * len(candidate.mutations)
        for path, mutation in zip(paths, candidate.mutations):
            rank = self.ranks.get((path, mutation.line))
            if rank is not None and rank > self.depth.get("deepest_line_rank", 0):
                self.depth["deepest_line_rank"] = rank

    def check(self) -> None:
        if self.budget.time_limit and time.monotonic() - self.started >= self.budget.time_limit:
            raise LimitReached("time_limit")
        if self.budget.max_candidates and self.tried >= self.budget.max_candidates:
            raise LimitReached("max_candidates")
        if (self.soft_deadline is not None and time.monotonic() >= self.soft_deadline) \
                or (self.soft_tried is not None and self.tried >= self.soft_tried):
            raise LimitReached("selection")

    def time_left(self) -> float:
        """Seconds left (0 when there is no time limit)."""
        if not self.budget.time_limit:
            return 0.0
        return max(self.budget.time_limit - (time.monotonic() - self.started), 0.001)

    def at_candidate_limit(self, pending: int) -> bool:
        return bool(self.budget.max_candidates) and self.tried + pending >= self.budget.max_candidates

    def first_visit(self, key: tuple[str, ...]) -> bool:
        if key in self.seen:
            return False
        self.seen.add(key)
        return True


class BuiltinEngine:
    name = "builtin"

    def __init__(self, *, max_lines_per_file: int = 40, max_files: int = 5,
                 max_pair_seeds: int = 12, lanes: int | None = None) -> None:
        self.max_lines_per_file = max_lines_per_file
        self.max_files = max_files
        self.max_pair_seeds = max_pair_seeds
        self.lanes = lanes or default_lanes()  # workspaces checking candidates side by side
        self._hints = TestHints()

    def repair(self, task: Task, sandbox: Sandbox, budget: Budget,
               progress: ProgressCallback) -> EngineResult:
        state = SearchState(budget)
        runner = TestRunner.for_task(task, sandbox)
        if task.baseline is not None and task.coverage is not None:
            report, coverage = task.baseline, task.coverage
        else:
            progress("stage", {"name": "localize", "detail": "running tests with coverage"})
            report, coverage = runner.run_with_coverage()
        failing = tuple(sorted(report.failing))
        if not failing:
            return EngineResult(status="nothing_to_fix", description="all tests already pass")
        wider = widen_spectrum(runner, report, coverage, failing, _widening_timeout(task.test_timeout, budget))
        frames = {c.nodeid: c.frames for c in report.cases if c.failing}
        machinery = run_machinery(sandbox_reader(sandbox), failing, task.test_command)
        ranking = edit_targets(rank_lines(wider.coverage, failing, wider.passing, frames=frames), machinery)
        ranking, called = focus_ranking(sandbox, ranking, failing)
        ranking = boost_lines(ranking, crash_lines(report.cases, {s.path for s in ranking}), CRASH_BOOST)
        state.ranks = {(s.path, s.line): rank for rank, s in enumerate(ranking, 1)}
        state.depth.update(suspicious_lines=len(ranking), passing_tests_ranked_against=len(wider.passing),
                           lines_in_called_functions=called)
        progress("stage", {"name": "localize",
                           "detail": f"{len(ranking)} suspicious lines ({called} in functions the failing tests call)",
                           "top": [f"{s.path}:{s.line}" for s in ranking[:5]],
                           # for the run log: how far down a known fix's lines sat (bench/realbugs `why`)
                           "ranking": [f"{s.path}:{s.line}" for s in ranking[:RANKING_LOGGED]],
                           # modules of the package never edited: the test run's plugins and helpers
                           "machinery": machinery})
        originals, encodings, skipped = self._read_sources(sandbox, ranking, progress)
        state.keys = EditKeys(originals)
        self._hints = mutation_hints(sandbox, report.cases, failing, originals.values())
        # A mutant that loops forever must not cost the whole test timeout.
        candidate_timeout = min(task.test_timeout, max(10.0, 5 * report.duration))
        validator = Validator(sandbox, runner, failing, originals, candidate_timeout, lanes=self.lanes,
                              encodings=encodings)
        validator.guard = RegressionGuard(runner, failing, report, validator.write, validator.restore,
                                          timeout=task.test_timeout)
        if wider.files_report is not None:
            validator.guard.seed_files(wider.files_report, wider.seconds)

        progress("stage", {"name": "search", "detail": "single edits"})
        winner: Candidate | None = None
        limit_hit: str | None = None
        singles = SingleEdits(originals, self._lines_by_file(ranking, originals), self._hints,
                              patience=PATIENCE_SHARE * (budget.time_limit or 0))
        evidence = _Evidence(runner, coverage, failing, report)
        try:
            pool: Iterator[Candidate] = iter(singles)
            found = self._search(pool, validator, state, progress)
            while found is not None and winner is None:
                found = self._prefer_removal(found, singles.all_made(), originals, validator, state, progress)
                winner = self._select(found, pool, validator, state, progress, evidence)
                found = None if winner is not None else self._resume(pool, validator, state, progress)
            if winner is None:
                progress("stage", {"name": "search", "detail": "two-edit combinations"})
                pool = iter(self._pair_candidates(singles.handed_out, state, len(failing), originals, ranking))
                found = self._search(pool, validator, state, progress)
                while found is not None and winner is None:
                    winner = self._select(found, pool, validator, state, progress, evidence)
                    found = None if winner is not None else self._resume(pool, validator, state, progress)
        except LimitReached as limit:
            limit_hit = limit.limit
        finally:
            validator.close()
            state.depth["single_edit_candidates"] = singles.made  # made so far: all, once exhausted
        return self._result(sandbox, validator, failing, state, winner, limit_hit, skipped)

    # -- candidates -------------------------------------------------------------------------

    def _read_sources(self, sandbox: Sandbox, ranking: Sequence[SuspiciousLine],
                      progress: ProgressCallback) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
        """(text of each suspicious file, the codec of those not in UTF-8, why each other file was
        skipped). A file is read in the encoding it declares (PEP 263), as Python reads it."""
        sources: dict[str, str] = {}
        encodings: dict[str, str] = {}
        skipped: dict[str, str] = {}
        for path in dict.fromkeys(s.path for s in ranking):
            if len(sources) >= self.max_files:
                break
            try:
                decoded = decode_source(sandbox.read_file(path), path)
                ast.parse(decoded.text)
            except OSError as exc:
                skipped[path] = f"it cannot be read ({exc})"
            except SourceDecodeError as exc:
                skipped[path] = str(exc)
            except (SyntaxError, ValueError) as exc:
                skipped[path] = f"it does not parse ({exc})"
            else:
                sources[path] = decoded.text
                if decoded.encoding != "utf-8":
                    encodings[path] = decoded.encoding
                continue
            progress("warning", {"message": f"skipping {path}: {skipped[path]}"})
        return sources, encodings, skipped

    def _lines_by_file(self, ranking: Sequence[SuspiciousLine],
                       originals: dict[str, str]) -> dict[str, dict[int, float]]:
        by_file: dict[str, dict[int, float]] = {}
        for s in ranking:
            if s.path in originals and s.score > 0:
                lines = by_file.setdefault(s.path, {})
                if len(lines) < self.max_lines_per_file:
                    lines.setdefault(s.line, s.score)
        for path, lines in by_file.items():
            unseen = {**signature_lines(originals[path], lines), **constant_lines(originals[path], lines)}
            for line, score in unseen.items():
                lines.setdefault(line, score)
        return by_file

    def _pair_candidates(self, singles: Sequence[Candidate], state: SearchState,
                         failing_total: int, originals: dict[str, str],
                         ranking: Sequence[SuspiciousLine]) -> list[Candidate]:
        """Second edits on top of the most promising first edits, best combined score first.

        A first edit's promise is its own score, raised by the share of failing tests it fixed;
        one that fixed them all but broke other tests is a weaker seed (the fault is likely
        elsewhere), and one that fixed nothing is tried only among the few best singles.
        """
        promise: dict[Candidate, float] = {c: c.score * 0.5 for c in singles[: self.max_pair_seeds // 2]}
        for candidate, verdict in state.partial:
            share = len(verdict.fixed) / max(failing_total, 1)
            factor = 0.75 if share >= 1 else 1 + share
            promise[candidate] = max(promise.get(candidate, 0.0), candidate.score * factor)
        seeds = sorted(promise, key=lambda c: -promise[c])[: self.max_pair_seeds * 2]
        lines_by_file = self._lines_by_file(ranking, originals)
        pairs: list[Candidate] = []
        for seed in seeds:
            (seed_path, seed_source), = seed.changes
            for path, lines in lines_by_file.items():
                if path == seed_path:
                    base, lines = seed_source, _follow_lines(lines, originals[path], seed_source)
                else:
                    base = originals[path]
                for m in mutations_at(base, lines, hints=self._hints.for_path(path)):
                    if path == seed_path:
                        changes: tuple[Change, ...] = ((path, m.source),)
                    else:
                        changes = (seed.changes[0], (path, m.source))
                    score = promise[seed] * lines.get(m.line, 0.1) * m.prior
                    pairs.append(Candidate(changes, (*seed.mutations, m), score))
        pairs.sort(key=lambda c: -c.score)
        return pairs

    # -- search -----------------------------------------------------------------------------

    def _search(self, candidates: Iterable[Candidate], validator: "Validator",
                state: SearchState, progress: ProgressCallback) -> Candidate | None:
        batch: list[Candidate] = []
        for candidate in self._fresh(candidates, state):
            batch.append(candidate)
            if len(batch) < validator.batch_size and not state.at_candidate_limit(len(batch)):
                continue
            winner = self._validate(batch, validator, state, progress)
            batch = []
            if winner is not None:
                return winner
        return self._validate(batch, validator, state, progress) if batch else None

    def _fresh(self, candidates: Iterable[Candidate], state: SearchState) -> Iterator[Candidate]:
        """Candidates not seen before (by normalized code), while the budget lasts."""
        for candidate in candidates:
            if state.first_visit(_key(candidate, state.keys)):
                state.check()
                yield candidate

    def _validate(self, batch: list[Candidate], validator: "Validator", state: SearchState,
                  progress: ProgressCallback) -> Candidate | None:
        """The first candidate of ``batch`` that passes (every verdict of the batch is recorded)."""
        passed: list[Candidate] = []
        while batch:
            state.check()
            verdicts = validator.validate_batch(batch, state.time_left())
            for candidate, verdict in zip(batch, verdicts):
                state.tried += 1
                state.reached(candidate)
                if verdict.fixed and not verdict.plausible:
                    state.partial.append((candidate, verdict))
                best = max(state.partial, key=lambda cv: len(cv[1].fixed), default=None)
                progress("candidate", {
                    "tried": state.tried,
                    "description": candidate.description,
                    "best": f"{len(best[1].fixed)}/{len(validator.failing)} failing tests fixed"
                    if best else "none yet",
                })
                if verdict.plausible:
                    state.plausible.append(candidate)
                    passed.append(candidate)
            if passed:
                for unchecked in batch[len(verdicts):]:  # free to come up again (as a rival, say)
                    state.seen.discard(_key(unchecked, state.keys))
                state.requeue = batch[len(verdicts):]
                return passed[0]
            batch = batch[len(verdicts):] if verdicts else []
        return None

    def _prefer_removal(self, winner: Candidate, singles: Sequence[Candidate], originals: dict[str, str],
                        validator: "Validator", state: SearchState, progress: ProgressCallback) -> Candidate:
        """Of the edits of the winner's statement that pass, one that only removes code (see
        swebot.engines.simplest); the rivals are checked within the time left, and the winner
        stands when time runs out."""
        rivals = [c for c in removal_rivals(winner, singles, originals) if isinstance(c, Candidate)]
        if not rivals:
            return winner
        found = [c for c in rivals if c in state.plausible and c not in state.not_fixes]
        if not found:
            before = len(state.plausible)
            try:
                self._search(rivals, validator, state, progress)
            except LimitReached:
                pass
            found = [c for c in state.plausible[before:] if c in rivals and c not in state.not_fixes]
        state.depth["removal_rivals"] = len(rivals)
        return found[0] if found else winner

    def _resume(self, pool: Iterator[Candidate], validator: "Validator", state: SearchState,
                progress: ProgressCallback) -> Candidate | None:
        """The search on from where the selection left it (its last batch's unchecked rest first)."""
        requeued, state.requeue = state.requeue, []
        return self._search(itertools.chain(requeued, pool), validator, state, progress)

    def _select(self, winner: Candidate, pool: Iterator[Candidate], validator: "Validator", state: SearchState,
                progress: ProgressCallback, evidence: "Measures") -> Candidate | None:
        """The plausible patch to report: the search goes on for a few more (bounded by SELECT_MORE,
        SELECT_SHARE of the time left and SELECT_CANDIDATES), then each one's failing tests are rerun
        under coverage and swebot.engines.selection chooses. ``winner`` is first among equals, so
        when its own footprint switches nothing off no rival can displace it and none is sought.
        None when every one compared keeps the failing tests from running their own code (no fix:
        kept in ``state.not_fixes``, never compared again)."""
        first = evidence.measure(winner, validator, state)
        if first is not None and first.cost == 0 and not first.tests_not_run:
            state.selection = {"compared": 1, "chosen": 1, "extra_candidates_tried": 0,
                               "reason": f"no rival sought: {first.summary()}",
                               "patches": [f"{winner.description} :: {first.summary()}"]}
            return winner
        wanted = len(state.plausible) + SELECT_MORE
        tried_before = state.tried
        if state.budget.time_limit:
            state.soft_deadline = time.monotonic() + SELECT_SHARE * state.time_left()
        state.soft_tried = state.tried + SELECT_CANDIDATES
        progress("stage", {"name": "select", "detail": "searching on for rivals of the first plausible patch"})
        try:
            while len(state.plausible) < wanted:
                requeued, state.requeue = state.requeue, []
                if self._search(itertools.chain(requeued, pool), validator, state, progress) is None:
                    break
        except LimitReached:
            pass
        finally:
            state.soft_deadline = state.soft_tried = None
        rivals = [winner, *(c for c in state.plausible if c is not winner and c not in state.not_fixes)]
        measured = [Plausible(winner.description, first),
                    *(Plausible(c.description, evidence.measure(c, validator, state)) for c in rivals[1:])]
        choice = choose(measured)
        state.not_fixes += [c for c, m in zip(rivals, measured) if m.footprint and m.footprint.tests_not_run]
        reason = choice.reason if choice else "none: each keeps the failing tests from running their own code"
        state.selection = {
            "compared": len(rivals), "chosen": choice.index + 1 if choice else 0, "reason": reason,
            "extra_candidates_tried": state.tried - tried_before,
            "patches": [f"{p.description} :: {p.footprint.summary() if p.footprint else 'not measured'}"
                        for p in measured],
            **({"rejected": len(state.not_fixes)} if state.not_fixes else {}),
        }
        progress("stage", {"name": "select", "detail": f"{len(rivals)} plausible patch(es) compared: {reason}"})
        return rivals[choice.index] if choice else None

    def _result(self, sandbox: Sandbox, validator: "Validator", failing: tuple[str, ...],
                state: SearchState, winner: Candidate | None,
                limit_hit: str | None, skipped: dict[str, str]) -> EngineResult:
        details: dict[str, object] = {"partial_fixes": len(state.partial), "lanes": validator.lanes_used,
                                      "search": {**state.depth, "tried": state.tried}}
        if skipped:
            details["skipped_files"] = dict(skipped)
        if state.selection:
            details["selection"] = dict(state.selection)
        if validator.guard is not None and validator.guard.record.scopes:
            details["regression_check"] = validator.guard.record.as_details()
        if winner is not None:
            validator.write(winner.changes)
            return EngineResult(status="fixed", patch=sandbox_diff(sandbox),
                                failing_before=failing, failing_after=(),
                                candidates_tried=state.tried, limit_hit=None,
                                description=winner.description, details=details)
        best = max(state.partial, key=lambda cv: len(cv[1].fixed), default=None)
        if best is None:
            return EngineResult(status="not_fixed", failing_before=failing,
                                failing_after=failing, candidates_tried=state.tried,
                                limit_hit=limit_hit, description=_no_fix_description(state, skipped),
                                details=details)
        candidate, verdict = best
        validator.write(candidate.changes)
        patch = sandbox_diff(sandbox)
        validator.restore()
        still_failing = tuple(t for t in failing if t not in verdict.fixed) + tuple(sorted(verdict.broken))
        details["best_partial_fixed"] = sorted(verdict.fixed)
        description = f"best partial: {candidate.description}"
        if verdict.broken:
            details["best_partial_breaks"] = sorted(verdict.broken)
            description += f" (breaks {len(verdict.broken)} test(s) that passed before)"
        return EngineResult(status="not_fixed", patch=patch, failing_before=failing,
                            failing_after=still_failing, candidates_tried=state.tried,
                            limit_hit=limit_hit, description=description, details=details)


class Measures(Protocol):
    def measure(self, candidate: Candidate, validator: Validator, state: SearchState) -> Footprint | None: ...


@dataclass
class _Evidence:
    """What measuring a plausible patch's footprint needs: the unpatched run and its coverage."""

    runner: TestRunner
    before: CoverageMap
    failing: tuple[str, ...]
    report: TestReport

    def measure(self, candidate: Candidate, validator: Validator, state: SearchState) -> Footprint | None:
        """The footprint of ``candidate``: its failing tests rerun under coverage (None when the time
        left would not cover a run as long as the unpatched one, or no coverage came back)."""
        needed = 1.5 * self.report.duration + 1.0
        if state.budget.time_limit and state.time_left() < needed:
            return None
        timeout = max(needed * 4, 30.0)
        if state.budget.time_limit:
            timeout = min(timeout, state.time_left())
        validator.write(candidate.changes)
        try:
            report, after = self.runner.run_with_coverage(select=self.failing, timeout=timeout)
        except SwebotError:
            return None
        finally:
            validator.restore()
        if not after or not all(t in report.passing for t in self.failing):
            return None
        return footprint(validator.originals, candidate.changes, self.before, after, self.failing, self.raised)

    @cached_property
    def raised(self) -> frozenset[tuple[str, int]]:
        """The lines the failing tests raised through on the unpatched code."""
        return frozenset((f.path, f.line) for c in self.report.cases if c.failing for f in c.frames)


def _key(candidate: Candidate, keys: EditKeys) -> tuple[str, ...]:
    """What tells candidates apart: their files' normalized code (as far as it changed)."""
    return tuple(sorted(f"{p}\0{keys.key(p, s)}" for p, s in candidate.changes))


def _no_fix_description(state: SearchState, skipped: dict[str, str]) -> str:
    """Why nothing was found: the candidates' fault only when some were tried on every suspect."""
    if state.not_fixes:
        return (f"{len(state.not_fixes)} candidate(s) made the failing tests pass only by keeping them from "
                f"running their own code (first: {state.not_fixes[0].description}); none fixed them")
    if state.tried == 0 and state.depth.get("suspicious_lines") == 0:
        return ("nothing to search: the failing tests ran no line of the code swebot may edit (per-test "
                "coverage sees no code that runs at import, such as a class body, nor a call that fails "
                "on its arguments before the function starts)")
    if not skipped:
        return "no candidate made any failing test pass"
    unread = "; ".join(f"{path}: {why}" for path, why in list(skipped.items())[:3])
    if state.tried == 0:
        return f"no candidate could be made: the suspicious files could not be read ({unread})"
    return f"no candidate made any failing test pass; suspicious files left out ({unread})"


def _follow_lines(lines: dict[int, float], old: str, new: str) -> dict[int, float]:
    """``lines`` (numbered in ``old``) renumbered for ``new``, after a first edit that may have
    inserted or deleted lines."""
    if old.count("\n") == new.count("\n"):
        return lines
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    moved: dict[int, int] = {}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("equal", "replace") and j2 > j1:
            for k in range(i2 - i1):
                moved[i1 + k + 1] = j1 + min(k, j2 - j1 - 1) + 1
    return {moved[line]: score for line, score in lines.items() if line in moved}


WIDEN_SHARE = 0.25  # of the time limit, the most the run widening the spectrum may take


def _widening_timeout(test_timeout: float, budget: Budget) -> float:
    """The widening run (every test of the failing tests' files, with coverage) sharpens the
    ranking, but on a big file it can eat the search: black's test_black.py took 58 of black-10's
    60 s under load. Past a quarter of the time limit the search goes on with the baseline's spectrum."""
    if not budget.time_limit:
        return test_timeout
    return min(test_timeout, max(WIDEN_SHARE * budget.time_limit, 1.0))


TIER_LINES = 20  # suspicious lines whose single edits are made at a time (SingleEdits)
PATIENCE_SHARE = 0.1  # of the time limit, making edits with none to hand out before the best are tried
PATIENCE_GROUP = 16  # edits handed out then (a validation batch)
RANKING_LOGGED = 300  # suspicious lines written to the run log's localize event
SIGNATURE_SHARE = 0.6  # of the best score in a function's body that its signature lines get


def signature_lines(source: str, lines: dict[int, float]) -> dict[int, float]:
    """The ``def`` lines (through the last parameter) of functions whose bodies hold suspicious
    ``lines``. Coverage never blames them, since they run at import time, before any test, yet a
    wrong default value (``case_sensitive=True``) is a fault there."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return {}
    out: dict[int, float] = {}
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or not node.body:
            continue
        body_end = node.end_lineno or node.body[-1].lineno
        inside = [score for line, score in lines.items() if node.body[0].lineno <= line <= body_end]
        if not inside:
            continue
        for line in range(node.lineno, node.body[0].lineno):
            out[line] = max(out.get(line, 0.0), max(inside) * SIGNATURE_SHARE)
    return out


def constant_lines(source: str, lines: dict[int, float]) -> dict[int, float]:
    """The module-level assignments (``PATTERN = re.compile(...)``) of names that suspicious
    ``lines`` read. Like signatures they run at import time, so coverage never blames them."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return {}
    spans: dict[str, range] = {}
    for statement in tree.body:
        targets: list[ast.expr] = statement.targets if isinstance(statement, ast.Assign) else \
            [statement.target] if isinstance(statement, ast.AnnAssign) else []
        for target in targets:
            if isinstance(target, ast.Name):
                spans[target.id] = range(statement.lineno, (statement.end_lineno or statement.lineno) + 1)
    out: dict[int, float] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in spans and node.lineno in lines:
            for line in spans[node.id]:
                out[line] = max(out.get(line, 0.0), lines[node.lineno] * SIGNATURE_SHARE)
    return out


def _size(originals: dict[str, str], candidate: Candidate) -> int:
    """The characters of the lines a candidate changes, old and new, as a ``-``/``+`` diff counts
    them (the tie-break among equal scores: smaller edits first). The changed lines are those
    between the longest common head and tail of lines: difflib took 65 of the 81 s that
    black.py's 958 candidates took to sort (a 4,000-line module diffed once per candidate)."""
    total = 0
    for path, source in candidate.changes:
        old, new = originals[path], source
        if old == new:
            continue
        head = _common_head(old, new)
        start = old.rfind("\n", 0, head) + 1  # the changed region starts on a line boundary
        tail = _common_tail(old, new, min(len(old), len(new)) - start)
        old_end, new_end = _line_end(old, len(old) - tail), _line_end(new, len(new) - tail)
        changed = old[start:old_end].splitlines() + new[start:new_end].splitlines()
        total += 8 + sum(len(line) + 1 for line in changed)  # the two file headers, a sign a line
    return total


def _common_head(a: str, b: str) -> int:
    """Length of the longest common prefix of ``a`` and ``b``: a bisection that compares only the
    window still in doubt (``a[:low]`` is known equal), so the slices copied add up to about
    twice the text, not once per step."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[low:middle] == b[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _common_tail(a: str, b: str, limit: int) -> int:
    """Length, at most ``limit``, of the longest common suffix of ``a`` and ``b`` (as above)."""
    low, high = 0, max(limit, 0)
    while low < high:
        middle = (low + high + 1) // 2
        if a[len(a) - middle:len(a) - low] == b[len(b) - middle:len(b) - low]:
            low = middle
        else:
            high = middle - 1
    return low


def _line_end(text: str, index: int) -> int:
    """Where the line holding ``index`` ends (its newline included): an unchanged tail that starts
    mid-line leaves that line changed. At a line start (after a newline), ``index`` itself."""
    if index <= 0 or text[index - 1] == "\n":
        return index
    newline = text.find("\n", index)
    return len(text) if newline < 0 else newline + 1
