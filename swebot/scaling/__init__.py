"""Test-time scaling: several attempts at a repair, reproduction tests, and selection by evidence.

- ``ledger``: cost and token limits shared by every attempt (a Model wrapper).
- ``sandboxes``: a private workspace per attempt.
- ``attempts``: running attempts, in parallel where possible, stopping early.
- ``evidence``: checking each candidate patch against reproduction and existing tests.
- ``select``: grouping AST-equivalent candidates and choosing by evidence, votes, size.
- ``engine``: the Engine that ties them together.

What the attempts are (LLM sessions, the builtin search) is decided by ``swebot.engines.factory``:
this package sees engines only through the ``Engine`` protocol.
"""

from swebot.scaling.attempts import AttemptPlan
from swebot.scaling.engine import ScalingEngine
from swebot.scaling.evidence import Candidate, Checked, Evidence, ReproTest
from swebot.scaling.ledger import SharedLedger
from swebot.scaling.select import Selection, select

__all__ = ["AttemptPlan", "Candidate", "Checked", "Evidence", "ReproTest", "ScalingEngine", "Selection",
           "SharedLedger", "select"]
