"""Values passed between the mutation machinery and its templates."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import libcst as cst

if TYPE_CHECKING:
    from swebot.mutate.source import Site


@dataclass(frozen=True)
class Mutation:
    """One candidate edit of a module, ready to write to disk."""

    template: str  # stable template name, e.g. "comparison_operator"
    line: int  # 1-based line, in the original source, of the node that was changed
    description: str  # short human text, e.g. "line 12: `a < b` -> `a <= b`"
    source: str  # the whole mutated module source
    prior: float  # how often this kind of edit is the right fix, in (0, 1]; higher is tried first


@dataclass(frozen=True)
class NodeEdit:
    """Replace the text of ``old`` (its own whitespace and parentheses included) by the code of ``new``.

    ``statement`` is the statement that holds ``old`` and starts its own line: the unit re-parsed
    to check the edit and to key it for deduplication.
    """

    old: cst.CSTNode
    new: cst.CSTNode
    statement: cst.CSTNode


@dataclass(frozen=True)
class BlockEdit:
    """Change the statement list of one block (an ``IndentedBlock`` or the ``Module``).

    At statement ``index`` drop ``removed`` statements and put ``inserted`` there; each inserted
    item is one statement as source text, already indented, without the final newline.
    """

    block: cst.CSTNode
    index: int
    removed: int
    inserted: tuple[str, ...]


Edit = NodeEdit | BlockEdit


@dataclass(frozen=True)
class Proposal:
    """What a template suggests: an edit, the original line it concerns, and a description."""

    line: int
    description: str
    edit: Edit


@dataclass(frozen=True)
class Template:
    """A family of edits: which node kinds it looks at and how it rewrites one of them."""

    name: str
    prior: float
    kinds: tuple[type[cst.CSTNode], ...]  # node classes the template is offered (a cheap dispatch key)
    propose: Callable[[Site], Iterable[Proposal]]


@dataclass(frozen=True)
class Hints:
    """What the failing tests say about one module, for templates that need more than its text.

    ``raised``: line -> names of the builtin exceptions the failing tests' tracebacks pass through
    that line with; ``strings``: the string literals of the failing tests' files (the values the
    tests expect are often a longer form of a literal the code has); ``keywords``: callee name ->
    keyword arguments (``show_choices=False``) other calls of it pass in the project's suspicious
    files and the failing tests' files, and under ``ANY_CALLEE`` those a test's mock assertion
    (``assert_called_once_with``) expects of a call.
    """

    raised: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    strings: tuple[str, ...] = ()
    keywords: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


ANY_CALLEE = "*"
NO_HINTS = Hints()
