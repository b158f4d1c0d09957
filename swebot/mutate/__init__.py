"""Mutation templates of the builtin engine: syntax-tree edits at suspicious lines.

``mutations_at(source, lines)`` parses a module once, offers every node on the wanted lines to the
templates in ``registry``, splices each proposed edit into the text, checks it parses, and returns
the distinct mutants ordered by template prior. ``normalized`` is the key used to tell mutants apart.
"""

from swebot.mutate.generate import Mutator, mutations_at
from swebot.mutate.model import Hints, Mutation
from swebot.mutate.normalize import normalized
from swebot.mutate.registry import MAX_PRIOR, TEMPLATE_NAMES

__all__ = ["MAX_PRIOR", "TEMPLATE_NAMES", "Hints", "Mutation", "Mutator", "mutations_at", "normalized"]
