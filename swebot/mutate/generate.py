"""``mutations_at``: run the templates over the sites on the wanted lines, apply, check, dedupe, order."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Collection, Hashable

import libcst as cst

from swebot.mutate.model import NO_HINTS, BlockEdit, Edit, Hints, Mutation, NodeEdit, Proposal, Template
from swebot.mutate.normalize import statement_key
from swebot.mutate.registry import TEMPLATES_BY_KIND
from swebot.mutate.source import ParsedSource

log = logging.getLogger(__name__)


def mutations_at(source: str, lines: Collection[int], *, max_per_line: int = 200,
                 hints: Hints = NO_HINTS) -> list[Mutation]:
    """Every mutation of statements/expressions that start on, or whose innermost simple statement
    covers, one of ``lines``; ordered by template prior (highest first), then line. ``hints`` (what
    the failing tests raised and expect) feed the templates that need them.

    Never raises on bad input: unparsable source gives []. Each result's source parses and is not
    equivalent (see ``normalized``) to ``source`` nor to another result.
    """
    return Mutator(source, hints).at(lines, max_per_line=max_per_line)


class Mutator:
    """One module, parsed once, asked for the mutations at one set of lines after another (the
    builtin engine makes a big module's edits a few lines at a time: parsing black.py takes
    seconds)."""

    def __init__(self, source: str, hints: Hints = NO_HINTS) -> None:
        self.parsed: ParsedSource | None
        try:
            self.parsed = ParsedSource(source, hints)
        except Exception:  # noqa: BLE001 -- libcst raises several kinds on text it cannot read; all mean []
            self.parsed = None

    def at(self, lines: Collection[int], *, max_per_line: int = 200) -> list[Mutation]:
        """``mutations_at`` for this module (see there)."""
        wanted = frozenset(line for line in lines if isinstance(line, int))
        parsed = self.parsed
        if not wanted or max_per_line <= 0 or parsed is None:
            return []
        candidates: list[tuple[Template, Proposal]] = []
        for site in parsed.sites(wanted):
            for template in TEMPLATES_BY_KIND.get(type(site.node), ()):
                try:
                    candidates.extend((template, proposal) for proposal in template.propose(site))
                except Exception:  # one template tripping on odd syntax must not cost the others
                    log.debug("template %s failed at line %s", template.name, site.line, exc_info=True)
        candidates.sort(key=lambda pair: (-pair[0].prior, pair[1].line))

        checker = _Checker(parsed)
        per_line: Counter[int] = Counter()
        seen: set[tuple[object, ...]] = set()
        results: list[Mutation] = []
        for template, proposal in candidates:
            if per_line[proposal.line] >= max_per_line:
                continue
            try:
                checked = checker.check(proposal.edit)
            except Exception:  # same: a malformed proposal is dropped, never raised to the engine
                log.debug("%s at line %s could not be applied", template.name, proposal.line, exc_info=True)
                continue
            if checked is None:
                continue
            mutated, key = checked
            if key in seen:
                continue
            seen.add(key)
            per_line[proposal.line] += 1
            results.append(
                Mutation(
                    template=template.name,
                    line=proposal.line,
                    description=proposal.description,
                    source=mutated,
                    prior=template.prior,
                )
            )
        return results


class _Checker:
    """Applies edits to the text and keys them by the normalized tree of the part they change.

    Re-parsing the whole module for every mutant would dominate the run time; the part that changed
    (one statement, a compound statement's header, or the statement list of one block) decides both
    validity and equivalence.
    """

    def __init__(self, parsed: ParsedSource) -> None:
        self._parsed = parsed
        self._keys: dict[tuple[object, ...], Hashable | None] = {}

    def check(self, edit: Edit) -> tuple[str, tuple[object, ...]] | None:
        """(mutated source, equivalence key), or None when the edit breaks syntax or changes nothing."""
        if isinstance(edit, NodeEdit):
            return self._check_node(edit)
        return self._check_block(edit)

    def _nested(self, statement: cst.CSTNode) -> bool:
        return bool(self._parsed.indentation(statement))

    def _cached_key(self, cache_key: tuple[object, ...], text: str, nested: bool) -> Hashable | None:
        if cache_key not in self._keys:
            self._keys[cache_key] = statement_key(text, nested=nested)
        return self._keys[cache_key]

    def _check_node(self, edit: NodeEdit) -> tuple[str, tuple[object, ...]] | None:
        text = self._parsed.text
        old_start, old_end = self._parsed.extent(edit.old)
        new_text = self._parsed.code_within(edit.new, edit.statement)
        if text[old_start:old_end] == new_text:
            return None
        statement = edit.statement
        stmt_start, stmt_end = self._parsed.extent(statement)
        body = getattr(statement, "body", None)
        if isinstance(body, cst.BaseSuite) and old_end <= self._parsed.extent(body)[0]:
            # an edit in a compound statement's header: the header alone, with a `pass` body, decides
            stmt_end = self._parsed.extent(body)[0]
            suffix, unit = " pass", "header"
        else:
            suffix, unit = "", "statement"
        nested = self._nested(statement)
        original = self._cached_key((unit, stmt_start), text[stmt_start:stmt_end] + suffix, nested)
        fragment = text[stmt_start:old_start] + new_text + text[old_end:stmt_end] + suffix
        key = statement_key(fragment, nested=nested)
        if key is None or key == original:
            return None
        return text[:old_start] + new_text + text[old_end:], (unit, stmt_start, key)

    def _member_key(self, statement: cst.CSTNode) -> object:
        """Simple statements by content (an inserted copy can equal one), compound ones by place."""
        start, end = self._parsed.extent(statement)
        if isinstance(statement, cst.SimpleStatementLine):
            return self._cached_key(("statement", start), self._parsed.text[start:end], self._nested(statement))
        return ("compound", start)

    def _check_block(self, edit: BlockEdit) -> tuple[str, tuple[object, ...]] | None:
        body = list(edit.block.body)  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
        if not body or not 0 <= edit.index <= len(body) or edit.index + edit.removed > len(body):
            return None
        nested = isinstance(edit.block, cst.IndentedBlock)
        inserted: list[object] = [self._cached_key(("inserted", line, nested), line, nested) for line in edit.inserted]
        if any(key is None for key in inserted):
            return None
        original = [self._member_key(statement) for statement in body]
        changed = original[: edit.index] + inserted + original[edit.index + edit.removed :]
        if changed == original or (nested and not changed):
            return None

        text = self._parsed.text
        if edit.index < len(body):
            start = self._parsed.extent(body[edit.index])[0]
        else:
            start = self._parsed.extent(body[-1])[1]
        end = self._parsed.extent(body[edit.index + edit.removed - 1])[1] if edit.removed else start
        newline = self._parsed.newline
        insertion = "".join(line + newline for line in edit.inserted)
        if insertion and start == len(text) and text and not text.endswith(("\n", "\r")):
            insertion = newline + insertion[: -len(newline)]
        block_start = self._parsed.extent(edit.block)[0]
        return text[:start] + insertion + text[end:], ("block", block_start, tuple(changed))
