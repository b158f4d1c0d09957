"""What swebot says on GitHub: issue preconditions, branch names, PR bodies and issue comments.

Pure functions over values; nothing here talks to the network. Issue text is untrusted: it is
quoted (never executed), bounded in length, and its ``@mentions`` are defused in what we post.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Protocol, Sequence

from swebot.github.api import Comment, Issue, PullRequest

BRANCH_PREFIX = "swebot/"
MARKER = "<!-- swebot -->"
_MAX_STATEMENT = 20_000
_MAX_PATCH_IN_BODY = 30_000


class ReportLike(Protocol):
    """The fields of ``swebot.repair.FixReport`` this module reads (read-only, as a frozen
    dataclass has them)."""

    @property
    def status(self) -> str: ...
    @property
    def patch(self) -> str: ...
    @property
    def files_changed(self) -> tuple[str, ...]: ...
    @property
    def failing_before(self) -> tuple[str, ...]: ...
    @property
    def failing_after(self) -> tuple[str, ...]: ...
    @property
    def candidates_tried(self) -> int: ...
    @property
    def seconds(self) -> float: ...
    @property
    def limit_hit(self) -> str | None: ...
    @property
    def cost(self) -> float: ...
    @property
    def description(self) -> str: ...


# ----------------------------------------------------------------------------- names


def slugify(text: str, max_length: int = 40) -> str:
    """``"Crash on EMPTY list!"`` -> ``"crash-on-empty-list"`` (ASCII, at most ``max_length``)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] if "-" in slug[:max_length] else slug[:max_length]
    return slug.strip("-") or "fix"


def branch_name(issue_number: int, title: str) -> str:
    return f"{BRANCH_PREFIX}issue-{int(issue_number)}-{slugify(title)}"


def is_swebot_branch_for(pull: PullRequest, issue_number: int) -> bool:
    return pull.head_ref.startswith(f"{BRANCH_PREFIX}issue-{int(issue_number)}-") or (
        pull.head_ref == f"{BRANCH_PREFIX}issue-{int(issue_number)}"
    )


# ----------------------------------------------------------------------------- preconditions


@dataclass(frozen=True)
class Skip:
    """Why swebot will not work on an issue; ``pull`` is the existing PR, if that is the reason."""

    reason: str  # closed | locked | pull_request | existing_pr
    message: str
    pull: PullRequest | None = None


def check_issue(issue: Issue, open_pulls: Iterable[PullRequest]) -> Skip | None:
    """``None`` when swebot may work on ``issue``; else why not."""
    if issue.is_pull_request:
        return Skip("pull_request", f"#{issue.number} is a pull request, not an issue")
    if issue.state != "open":
        return Skip("closed", f"issue #{issue.number} is closed")
    if issue.locked:
        return Skip("locked", f"issue #{issue.number} is locked")
    for pull in open_pulls:
        if pull.state == "open" and is_swebot_branch_for(pull, issue.number):
            return Skip("existing_pr", f"issue #{issue.number} already has an open swebot pull request: {pull.html_url}", pull)
    return None


# ----------------------------------------------------------------------------- problem statement


def _is_bot(comment: Comment) -> bool:
    return comment.user_type == "Bot" or comment.author.endswith("[bot]") or MARKER in comment.body


def problem_statement(issue: Issue, *, trigger: str | None = None) -> str:
    """The issue as the engine reads it: title, body and the human comments (not swebot's own,
    not bare trigger commands), bounded in length."""
    parts = [f"# {issue.title.strip()}", "", issue.body.strip()]
    for comment in issue.comments:
        body = comment.body.strip()
        if _is_bot(comment) or not body:
            continue
        if trigger and body.lower() == trigger.lower():
            continue
        parts += ["", f"## Comment by {comment.author}", "", body]
    text = "\n".join(parts).strip() + "\n"
    if len(text) > _MAX_STATEMENT:
        text = text[:_MAX_STATEMENT] + "\n[... issue text cut by swebot ...]\n"
    return text


# ----------------------------------------------------------------------------- rendering


def defuse(text: str) -> str:
    """Untrusted text made safe to echo in a PR/comment: no @mentions, no HTML comments
    that could forge our marker, a single line."""
    text = re.sub(r"@(?=[A-Za-z0-9-])", "@\u200b", text)
    text = text.replace("<!--", "&lt;!--")
    return " ".join(text.split())


def _tests_list(tests: Sequence[str], limit: int = 20) -> list[str]:
    lines = [f"- `{t}`" for t in tests[:limit]]
    if len(tests) > limit:
        lines.append(f"- ... and {len(tests) - limit} more")
    return lines


def _money(cost: float) -> str:
    return f"${cost:.4f}" if cost else "$0 (builtin engine, no model calls)"


def pr_title(issue: Issue) -> str:
    return f"Fix #{issue.number}: {defuse(issue.title)[:100]}"


def _shown(patch: str) -> str:
    """A patch as text GitHub accepts: bytes of a legacy-encoded file (surrogate escapes) as U+FFFD."""
    return patch.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def pr_body(issue: Issue, report: ReportLike, *, test_command: str, engine: str = "builtin") -> str:
    fixed = [t for t in report.failing_before if t not in set(report.failing_after)]
    lines = [
        MARKER,
        f"Automated fix for #{issue.number} by swebot ({engine} engine).",
        "",
        "### What was wrong",
        f"Issue #{issue.number}: {defuse(issue.title)[:200]}",
    ]
    if report.failing_before:
        lines.append(f"Before this change, {len(report.failing_before)} test(s) failed:")
        lines += _tests_list(report.failing_before)
    lines += ["", "### What changed"]
    if report.description:
        lines.append(defuse(report.description)[:500])
    lines += [f"- `{path}`" for path in report.files_changed]
    patch = _shown(report.patch)
    patch = patch if len(patch) <= _MAX_PATCH_IN_BODY else patch[:_MAX_PATCH_IN_BODY] + "\n[... cut ...]\n"
    lines += ["", "<details><summary>Diff</summary>", "", "```diff", patch.rstrip("\n").replace("```", "`\u200b``"), "```", "</details>"]
    lines += ["", "### Test evidence", f"Command: `{test_command}` (run in swebot's sandbox)."]
    if fixed:
        lines.append("Now passing:")
        lines += _tests_list(fixed)
    lines.append("The full test suite passes with this change." if not report.failing_after else
                 f"Still failing: {len(report.failing_after)}")
    lines += [
        "",
        "### Cost",
        f"{_money(report.cost)}; {report.candidates_tried} candidate patch(es) tried in {report.seconds:.1f}s.",
        "",
        "Please review before merging: the change was generated automatically.",
        "",
        f"Fixes #{issue.number}",
    ]
    return "\n".join(lines) + "\n"


def success_comment(pull_url: str, report: ReportLike) -> str:
    return (
        f"{MARKER}\nswebot opened {pull_url} with a fix: {defuse(report.description)[:300] or 'see the diff'}.\n\n"
        f"{len(report.failing_before)} failing test(s) now pass and the full suite passes in the sandbox "
        f"({report.candidates_tried} candidate(s), {report.seconds:.1f}s, cost {_money(report.cost)}).\n"
    )


def failure_comment(report: ReportLike, *, test_command: str, run_url: str | None = None) -> str:
    if report.status == "nothing_to_fix":
        head = (
            f"swebot could not reproduce this issue: every test passes (`{test_command}`). "
            "A failing test that shows the problem would let swebot (or a human) fix it."
        )
    else:
        head = "swebot did not find a fix that makes the tests pass, so no pull request was opened."
    lines = [MARKER, head, ""]
    if report.failing_before:
        lines.append(f"Failing tests ({len(report.failing_before)}):")
        lines += _tests_list(report.failing_before, 10)
    if report.status == "not_fixed":
        why = f"the `{report.limit_hit}` limit was reached" if report.limit_hit else "the search space was exhausted"
        lines += ["", f"Tried {report.candidates_tried} candidate patch(es) in {report.seconds:.1f}s; {why}. "
                  f"Cost {_money(report.cost)}."]
        if report.patch:
            lines += ["", "Best partial attempt (does not make every test pass):", "",
                      "<details><summary>Diff</summary>", "", "```diff",
                      _shown(report.patch)[:5000].rstrip("\n").replace("```", "`\u200b``"), "```", "</details>"]
        lines += ["", "Next steps: add a focused failing test, raise the limits, or try the LLM engine."]
    if run_url:
        lines += ["", f"Run log: {run_url}"]
    return "\n".join(lines) + "\n"


def error_comment(message: str, *, run_url: str | None = None) -> str:
    text = f"{MARKER}\nswebot stopped with an error before it could open a pull request:\n\n> {defuse(message)[:500]}\n"
    return text + (f"\nRun log: {run_url}\n" if run_url else "")
