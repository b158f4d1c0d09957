"""pytest's JUnit XML (``junit_family=xunit1``) to TestCases with repository-relative node ids.

pytest writes ``classname`` (the node id's path as a dotted module plus classes), ``name``
(the last node id part, parameters included) and ``file`` (the file defining the test,
relative to pytest's rootdir). We rebuild the node id from those, then re-anchor it at the
repository root so ids are valid ``select`` arguments whatever directory pytest ran in.
"""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from swebot.testing.frames import parse_frames, tail_lines
from swebot.types import TestCase, TestOutcome

TRACEBACK_LINES = 30
# What pytest's junitxml writes for an INTERNALERROR: (classname, name), as if it were a test.
INTERNAL_ERROR = ("pytest", "internal")
MESSAGE_CHARS = 2000


@dataclass(frozen=True)
class JUnitResult:
    cases: tuple[TestCase, ...]
    collection_errors: tuple[str, ...]  # repository-relative paths of modules that failed to collect


class JUnitError(ValueError):
    """The file is not JUnit XML we can read (truncated by a kill, or not pytest's)."""


def parse_junit(data: bytes, *, root: str, cwd: str = ".", rootdir: str = ".") -> JUnitResult:
    """Parse pytest JUnit XML.

    ``root``: the repository root as the test command saw it (absolute); ``cwd``: where the
    command ran, relative to ``root``; ``rootdir``: pytest's rootdir relative to ``root``
    (node ids and ``file`` attributes are relative to it).
    """
    try:
        tree = ET.fromstring(data)
    except ET.ParseError as exc:
        raise JUnitError(f"unreadable JUnit XML: {exc}") from exc
    cases: list[TestCase] = []
    collection_errors: list[str] = []
    for element in tree.iter("testcase"):
        classname = element.get("classname", "")
        name = element.get("name", "")
        file = element.get("file", "")
        if (classname, name) == INTERNAL_ERROR:
            continue  # pytest crashed (the exit status says so); no test is named here
        if not classname:
            # pytest reports a module that failed to collect as a testcase without a class.
            if element.find("error") is not None or element.find("failure") is not None:
                path = file or name.replace(".", "/") + ".py"
                collection_errors.append(anchor_nodeid(path, root, rootdir))
            continue
        nodeid = anchor_nodeid(_nodeid(classname, name, file), root, rootdir)
        cases.append(_case(element, nodeid, root=root, cwd=cwd))
    return JUnitResult(tuple(cases), tuple(dict.fromkeys(collection_errors)))


def _nodeid(classname: str, name: str, file: str) -> str:
    module = (file[:-3] if file.endswith(".py") else file).replace("/", ".")
    if file and (classname == module or classname.startswith(module + ".")):
        classes = classname[len(module) + 1 :].split(".") if classname != module else []
        path = file
    else:
        # No usable ``file`` (tests inherited from another module, or another JUnit flavour):
        # module names are lower case by convention, pytest classes are ``Test*``.
        parts = classname.split(".")
        split = next((i for i, part in enumerate(parts) if i and part[:1].isupper()), len(parts))
        path = "/".join(parts[:split]) + ".py"
        classes = parts[split:]
    return "::".join([path, *classes, name])


def anchor_nodeid(nodeid: str, root: str, rootdir: str) -> str:
    """Re-anchor a node id relative to pytest's ``rootdir`` (itself relative to ``root``,
    possibly ``..``) at the repository root."""
    if rootdir in ("", "."):
        return nodeid
    path, sep, rest = nodeid.partition("::")
    full = posixpath.normpath(posixpath.join(root, rootdir, path))
    return posixpath.relpath(full, root) + sep + rest



def _case(element: ET.Element, nodeid: str, *, root: str, cwd: str) -> TestCase:
    failure, error, skipped = element.find("failure"), element.find("error"), element.find("skipped")
    outcome: TestOutcome = "passed"
    problems = [e for e in (failure, error) if e is not None]
    if failure is not None:
        outcome = "failed"
    elif error is not None:
        outcome = "error"
    elif skipped is not None:
        outcome = "skipped"
    message, text = "", ""
    if problems:
        message = " / ".join(e.get("message", "") for e in problems if e.get("message"))
        text = "\n".join(e.text or "" for e in problems)
    elif skipped is not None:
        message = skipped.get("message", "")
    try:
        duration = float(element.get("time", "0") or 0)
    except ValueError:
        duration = 0.0
    return TestCase(
        nodeid=nodeid,
        outcome=outcome,
        message=message[:MESSAGE_CHARS],
        traceback=tail_lines(text, TRACEBACK_LINES) if text else "",
        duration=duration,
        frames=parse_frames(text, root=root, cwd=cwd) if text else (),
    )
