"""The template table: names, priors, the node kinds each looks at."""

from __future__ import annotations

import libcst as cst

from swebot.mutate import (
    branches,
    calls,
    conditions,
    constants,
    fallbacks,
    literals,
    membership,
    names,
    numbers,
    operators,
    patterns,
    receivers,
    returns,
    statements,
    swaps,
    typeguards,
    undefined,
)
from swebot.mutate.model import Template

# prior: how often this kind of edit is the right fix (a starting table, to be tuned on benchmarks).
TEMPLATES: tuple[Template, ...] = (
    # a name bound nowhere is a NameError waiting to happen: its closest spelling is nearly always the fix
    Template("misspelled_name", 0.95, undefined.KINDS, undefined.misspelled_name),
    Template("comparison_operator", 0.9, (cst.Comparison,), operators.comparison_operator),
    Template("off_by_one", 0.8, numbers.KINDS, numbers.off_by_one),
    Template("binary_operator", 0.7, (cst.BinaryOperation,), operators.binary_operator),
    Template("augmented_assignment", 0.7, (cst.AugAssign,), operators.augmented_assignment),
    Template("boolean_operator", 0.6, (cst.BooleanOperation,), operators.boolean_operator),
    Template("negate_condition", 0.6, conditions.KINDS, conditions.negate_condition),
    Template("condition_wrap", 0.65, statements.KINDS_STATEMENTS, statements.condition_wrap),
    Template("exception_guard", 0.6, statements.KINDS_STATEMENTS, statements.exception_guard),
    Template("operand_deletion", 0.5, (cst.BooleanOperation,), operators.operand_deletion),
    Template("word_from_tests", 0.5, literals.KINDS, literals.word_from_tests),
    Template("constant_replacement", 0.5, constants.KINDS, constants.constant_replacement),
    Template("guard", 0.5, statements.KINDS_STATEMENTS + statements.KINDS_COMPOUND, statements.guard),
    Template("sibling_builtin", 0.5, (cst.Call,), calls.sibling_builtin),
    Template("open_encoding", 0.4, (cst.Call,), calls.open_encoding),
    Template("keyword_argument", 0.4, (cst.Call,), calls.keyword_argument),
    Template("regex_anchor", 0.45, patterns.KINDS, patterns.regex_anchor),
    Template("regex_interior", 0.45, patterns.KINDS, patterns.regex_interior),
    Template("type_check", 0.4, typeguards.KINDS_IF, typeguards.type_check),
    Template("call_completion", 0.55, typeguards.KINDS_NAMES, typeguards.call_completion),
    Template("decode_bytes", 0.35, typeguards.KINDS_TESTING, typeguards.decode_bytes),
    Template("return_wrap", 0.55, typeguards.KINDS_STATEMENTS, typeguards.return_wrap),
    Template("clause_guard", 0.6, branches.KINDS_CONDITIONS, branches.clause_guard),
    Template("exception_widening", 0.55, branches.KINDS_STATEMENTS, branches.exception_widening),
    Template("falsy_default", 0.45, fallbacks.KINDS, fallbacks.falsy_default),
    Template("membership_test", 0.45, membership.KINDS, membership.membership_test),
    Template("self_attribute", 0.4, (cst.Name,), receivers.self_attribute),
    Template("call_removal", 0.45, receivers.KINDS, receivers.call_removal),
    Template("receiver_drop", 0.45, receivers.KINDS, receivers.receiver_drop),
    Template("branch_merge", 0.35, branches.KINDS_BRANCHES, branches.branch_merge),
    Template("if_unwrap", 0.3, branches.KINDS_IF, branches.if_unwrap),
    Template("clause_addition", 0.25, branches.KINDS_CONDITIONS, branches.clause_addition),
    Template("platform_constant", 0.4, (cst.SimpleString,), constants.platform_constant),
    Template("name_replacement", 0.4, (cst.Name,), names.name_replacement),
    Template("attribute_replacement", 0.4, (cst.Attribute,), names.attribute_replacement),
    Template("return_replacement", 0.4, (cst.Return,), returns.return_replacement),
    Template("statement_deletion", 0.3, statements.KINDS_STATEMENTS, statements.statement_deletion),
    Template("call_to_argument", 0.3, (cst.Call,), calls.call_to_argument),
    Template("argument_swap", 0.3, (cst.Call,), swaps.argument_swap),
    Template("element_swap", 0.3, swaps.KINDS_TUPLES, swaps.element_swap),
    Template("operand_swap", 0.3, swaps.KINDS_OPERANDS, swaps.operand_swap),
    Template(
        "statement_insertion",
        0.2,
        statements.KINDS_STATEMENTS + statements.KINDS_COMPOUND,
        statements.statement_insertion,
    ),
)

TEMPLATE_NAMES: tuple[str, ...] = tuple(template.name for template in TEMPLATES)
MAX_PRIOR = max(template.prior for template in TEMPLATES)

TEMPLATES_BY_KIND: dict[type[cst.CSTNode], tuple[Template, ...]] = {}
for _template in TEMPLATES:
    for _kind in _template.kinds:
        TEMPLATES_BY_KIND[_kind] = (*TEMPLATES_BY_KIND.get(_kind, ()), _template)
