"""Node positions for a whole module, both syntactic and whitespace-inclusive, in one codegen pass.

libcst's public route (``MetadataWrapper.resolve_many`` with ``PositionProvider`` and
``WhitespaceInclusivePositionProvider``) generates the code twice and walks the tree once more,
which is most of ``mutations_at``'s time on a large file. The fast path below drives the same
codegen state libcst's ``PositionProvider`` uses and records the inclusive extents on the way;
if a libcst release changes those internals, the public route is used instead.
"""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst
from libcst.metadata import (
    CodePosition,
    CodeRange,
    MetadataWrapper,
    PositionProvider,
    WhitespaceInclusivePositionProvider,
)

Positions = Mapping[cst.CSTNode, CodeRange]


def positions(module: cst.Module) -> tuple[Positions, Positions]:
    """(syntactic ranges, whitespace-inclusive ranges) of every node of ``module``."""
    try:
        return _one_pass(module)
    except Exception:  # noqa: BLE001 -- internals moved: fall back to the public providers
        return _public(module)


def _public(module: cst.Module) -> tuple[Positions, Positions]:
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    resolved = wrapper.resolve_many([PositionProvider, WhitespaceInclusivePositionProvider])
    return resolved[PositionProvider], resolved[WhitespaceInclusivePositionProvider]  # type: ignore[return-value]  # libcst metadata is typed per provider as object


class _Sink:
    """Stands in for the provider the codegen state records syntactic positions into."""

    def __init__(self) -> None:
        self._computed: dict[cst.CSTNode, CodeRange] = {}


def _one_pass(module: cst.Module) -> tuple[Positions, Positions]:
    from libcst.metadata.position_provider import PositionProvidingCodegenState

    class _BothPositions(PositionProvidingCodegenState):
        def after_codegen(self, node: cst.CSTNode) -> None:
            start = self._stack[-1]
            inclusive[node] = CodeRange(start, CodePosition(self.line, self.column))
            super().after_codegen(node)

    inclusive: dict[cst.CSTNode, CodeRange] = {}
    sink = _Sink()
    state = _BothPositions(default_indent=module.default_indent, default_newline=module.default_newline, provider=sink)  # type: ignore[arg-type]  # libcst codegen state takes our position sink
    module._codegen(state)
    return sink._computed, inclusive
