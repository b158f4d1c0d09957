"""Return replacement: return None, another value this function returns, a local or a parameter."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from swebot.mutate.model import Proposal
from swebot.mutate.source import Site
from swebot.mutate.syntax import replacement

_MAX_CANDIDATES = 12


def return_replacement(site: Site) -> Iterator[Proposal]:
    node = site.node
    assert isinstance(node, cst.Return)
    value = node.value
    if value is None or site.function is None:
        return
    scope = site.parsed.scopes.scope(site.function)
    own_text = "".join(site.parsed.code(value).split())
    candidates: list[cst.BaseExpression] = [cst.Name("None")]
    candidates.extend(other for other in scope.returned if other is not value)
    candidates.extend(cst.Name(name) for name in scope.variables_before(site.line))
    seen = {own_text}
    produced = 0
    for candidate in candidates:
        text = "".join(site.parsed.code(candidate).split())
        if text in seen:
            continue
        seen.add(text)
        yield site.replace(value, replacement(candidate, value, node))
        produced += 1
        if produced >= _MAX_CANDIDATES:
            return
