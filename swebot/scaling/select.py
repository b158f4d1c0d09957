"""Choosing among checked candidates: group the AST-equivalent ones, then prefer the
best-evidenced group, then the largest group (agreement between independent attempts), then
the smallest diff. Pure: no sandbox, no model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from swebot.scaling.evidence import Checked, Evidence


@dataclass(frozen=True)
class Group:
    key: str
    members: tuple[Checked, ...]  # smallest diff first

    @property
    def evidence(self) -> Evidence:
        return max((m.evidence for m in self.members), key=lambda e: e.rank())

    @property
    def size(self) -> int:
        return min(m.size for m in self.members)

    def order(self) -> tuple[object, ...]:
        """Sort key, best first."""
        return (tuple(-x for x in self.evidence.rank()), -len(self.members), self.size, self.key)


@dataclass(frozen=True)
class Selection:
    winner: Checked | None
    groups: tuple[Group, ...]  # best first
    reason: str

    def to_dict(self) -> dict[str, object]:
        return {
            "winner": self.winner.candidate.id if self.winner else None,
            "reason": self.reason,
            "groups": [{"key": g.key, "candidates": [m.candidate.id for m in g.members],
                        "evidence": g.evidence.to_dict(), "diff_lines": g.size} for g in self.groups],
            "candidates": [{"id": m.candidate.id, "origin": m.candidate.origin, "group": g.key,
                            "claimed": m.candidate.claimed, "self_verified": m.candidate.verified,
                            "diff_lines": m.size, "evidence": m.evidence.to_dict(), "patch": m.candidate.patch}
                           for g in self.groups for m in g.members],
        }


def group(checked: Sequence[Checked]) -> tuple[Group, ...]:
    by_key: dict[str, list[Checked]] = {}
    for c in checked:
        if c.candidate.patch.strip():
            by_key.setdefault(c.key, []).append(c)
    groups = [Group(k, tuple(sorted(v, key=lambda c: (c.size, c.candidate.id)))) for k, v in by_key.items()]
    return tuple(sorted(groups, key=Group.order))


def select(checked: Sequence[Checked]) -> Selection:
    groups = group(checked)
    if not groups:
        return Selection(None, (), "no attempt produced a patch")
    best = groups[0]
    winner = best.members[0]
    return Selection(winner, groups, _why(best, groups[1:], winner))


def _why(best: Group, rest: Sequence[Group], winner: Checked) -> str:
    ev = best.evidence
    parts = [f"group {best.key} ({', '.join(m.candidate.id for m in best.members)}): "
             f"{'passes every check' if ev.plausible else 'no group passes every check; this one has the best evidence'} "
             f"(targets {len(ev.targets_fixed)}/{ev.targets_total}, reproduction {len(ev.repro_passed)}/{ev.repro_total}, "
             f"{len(ev.regressions)} regressions)"]
    if rest:
        runner_up = rest[0]
        if runner_up.evidence.rank() < ev.rank():
            parts.append(f"better evidence than the next group {runner_up.key}")
        elif len(runner_up.members) < len(best.members):
            parts.append(f"as well evidenced as group {runner_up.key} but larger "
                         f"({len(best.members)} vs {len(runner_up.members)} candidates)")
        else:
            parts.append(f"as well evidenced and as large as group {runner_up.key}; smaller diff "
                         f"({best.size} vs {runner_up.size} changed lines)")
    else:
        parts.append("the only group")
    if len(best.members) > 1:
        parts.append(f"{winner.candidate.id} has the smallest diff in its group ({winner.size} changed lines)")
    return "; ".join(parts)
