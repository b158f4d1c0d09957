"""Type checking stays honest: every ``# type: ignore`` names its error code and says why.

mypy itself runs in .ci/run (configured in pyproject.toml, ``warn_unused_ignores`` on)."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "swebot"
WITH_REASON = re.compile(r"# type: ignore\[[a-z-]+(, ?[a-z-]+)*\]  # \S")


def test_every_type_ignore_has_a_code_and_a_reason() -> None:
    bare = [f"{path.relative_to(PACKAGE.parent)}:{number}: {line.strip()}"
            for path in sorted(PACKAGE.rglob("*.py"))
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if "# type: ignore" in line and not WITH_REASON.search(line)]
    assert not bare, "a type: ignore without an error code and a reason:\n" + "\n".join(bare)
