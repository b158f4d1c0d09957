"""Pull location clues out of an issue written in prose: traceback frames, file and module paths,
qualified names, code identifiers and test names. Nothing here knows the repository; ``rank``
resolves the clues against the symbol index.
"""

from __future__ import annotations

import builtins
import re
from dataclasses import dataclass

from swebot.types import Frame

_PY_FRAME = re.compile(r'File "([^"]+)", line (\d+)(?:, in ([\w<>.]+))?')
# pytest's short form: "src/pkg/mod.py:42: in func" or "src/pkg/mod.py:42: ValueError"
_PYTEST_FRAME = re.compile(r"^([\w./\\-]+\.py):(\d+):(?: in ([\w<>]+))?", re.M)
_EXC_LINE = re.compile(
    r"^\s*((?:[A-Za-z_]\w*\.)*[A-Z]\w*(?:Error|Exception|Warning|Exit|Interrupt|Failure))(?::\s*(.*))?$",
    re.M,
)
_PATH = re.compile(r"(?<![\w/.-])((?:[\w.-]+[/\\])*[\w-]+\.py)\b")
_DOTTED = re.compile(r"(?<![\w.])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)(?![\w])")
_BACKTICK = re.compile(r"`{1,3}([^`\n]+)`{1,3}")
_FENCE = re.compile(r"```[\w+-]*\n(.*?)```", re.S)
_CALL = re.compile(r"\b([A-Za-z_]\w*)\s*\(")
_IDENT = re.compile(r"\b[A-Za-z_]\w*\b")
_TEST_NAME = re.compile(r"\b(test_\w+|Test[A-Z]\w*)\b")
_NODE_ID = re.compile(r"([\w./\\-]+\.py)((?:::[\w]+(?:\[[^\]\s]*\])?)+)")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# IPython and Jupyter print frames otherwise: "~/env/.../xarray/core/dataset.py in merge(self, other)"
# (IPython 7 and older) or "File ~/env/.../xarray/core/common.py:1815, in get_chunksizes(variables)"
# (IPython 8), each above its numbered source lines, the frame's own line marked "---->".
_IPY_FRAME = re.compile(r"^[ \t]*(?:File (\S+\.py):(\d+), in ([\w<>.]+)|(\S+\.py) in ([\w<>.]+)\()", re.M)
# The user's own cell or script as IPython shows it: its lines are the traceback's, like the frames'.
_IPY_CELL = re.compile(r"^[ \t]*(?:Cell In ?\[\d*\], line \d+|<ipython-input-[^>\s]*> in )")
_IPY_SOURCE = re.compile(r"^\s*(-*>)?\s*(\d+)(?:\s|$)")
_NON_CODE_DOTTED = frozenset({"e.g", "i.e", "etc", "vs", "www", "http", "https"})
_COMMON_WORDS_AS_CODE = frozenset({"print", "len", "str", "int", "list", "dict", "set", "type", "range"})
# min(), getattr(), isinstance() in an example are Python's, not the project's.
_BUILTIN_NAMES = frozenset(n for n in dir(builtins) if not n.startswith("_"))


@dataclass(frozen=True)
class IssueSignals:
    frames: tuple[Frame, ...]  # as written (paths unresolved), innermost last
    exceptions: tuple[str, ...]  # exception type names, innermost last
    paths: tuple[str, ...]  # file paths mentioned outside tracebacks
    dotted: tuple[str, ...]  # dotted names: modules, Class.method, pkg.func
    code_idents: tuple[str, ...]  # identifiers that look like code (backticks, calls, snake/camel case)
    words: tuple[str, ...]  # every identifier-shaped word (weak: may match a symbol by accident)
    test_names: tuple[str, ...]
    test_ids: tuple[tuple[str, str], ...]  # pytest node ids as (path, "Class.test_x"), parameters dropped
    text: str  # the issue text, for lexical retrieval
    quoted_lines: tuple[str, ...] = ()  # lines written as code, and source lines a traceback prints
    imports: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (module, names imported from it) in examples
    backticks: tuple[str, ...] = ()  # identifiers the prose puts in inline backticks
    # dotted names written outside import statements: a module an example merely imports from is
    # named less deliberately than one the reporter writes about
    prose_dotted: tuple[str, ...] = ()
    title: str = ""  # the first line of an issue of several lines: what it is about, in few words

    @property
    def has_clues(self) -> bool:
        return bool(self.frames or self.paths or self.dotted or self.code_idents)


def _looks_like_code(word: str) -> bool:
    inner_caps = any(c.isupper() for c in word[1:]) and any(c.islower() for c in word)
    return "_" in word.strip("_") or inner_caps or word.startswith("_")


def code_regions(text: str) -> list[str]:
    """Fenced blocks, inline backticks, ``>>>`` lines and indented lines: text written as code."""
    regions = _FENCE.findall(text)
    stripped = _FENCE.sub(" ", text)
    regions += _BACKTICK.findall(stripped)
    for line in stripped.splitlines():
        if line.startswith(("    ", "\t")) or line.lstrip().startswith((">>>", "...")):
            regions.append(line.strip().lstrip(">. "))
    return regions


_IMPORT_FROM = re.compile(r"^\s*(?:>>>\s*)?from\s+([\w.]+)\s+import\s+\(?([\w\s,*]+)\)?", re.M)
_IMPORT = re.compile(r"^\s*(?:>>>\s*)?import\s+([\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+(?:\s+as\s+\w+)?)*)", re.M)
_QUOTED_NAME = re.compile(r"""(['"])[\w.]+\1""")
_PROMPT = re.compile(r"^\s*(?:>>>|\.\.\.|In \[\d+\]:|\$)\s?")
MAX_QUOTED_LINES = 300


def extract_imports(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """``from m import a, b`` -> (m, (a, b)); ``import m.n as x`` -> (m.n, ())."""
    out: list[tuple[str, tuple[str, ...]]] = []
    for m in _IMPORT_FROM.finditer(text):
        names = tuple(n.split()[0] for n in m.group(2).split(",") if n.strip() and n.split()[0] != "*")
        out.append((m.group(1), names))
    for m in _IMPORT.finditer(text):
        out += [(part.split()[0], ()) for part in m.group(1).split(",") if part.strip()]
    return list(dict.fromkeys(out))


def quoted_lines(text: str) -> list[str]:
    """Every line that could be code: many trackers (Django's Trac) lose fences and indentation, so
    any line may be a pasted one; a prose line simply matches nothing. Prompts and diff markers are
    removed, inline code long enough to be a statement is added, and so is the source line printed
    under each traceback frame (the frame itself is not code)."""
    out: list[str] = []
    for ln in text.splitlines():
        if _PY_FRAME.search(ln) or _IPY_FRAME.match(ln):
            continue
        numbered = _IPY_SOURCE.match(ln)
        if numbered and numbered.end() < len(ln):
            out.append(ln[numbered.end():])  # an IPython source line without its number and arrow
        ln = _PROMPT.sub("", ln.strip())
        out.append(ln)
        if ln[:1] in "+-" and ln[1:2] in (" ", "\t") or (ln[:1] in "+-" and ln[1:2].isalpha()):
            out.append(ln[1:])  # a diff line
    out += [b for b in _BACKTICK.findall(_FENCE.sub(" ", text)) if len(b) >= 12]
    clean = [" ".join(ln.split()) for ln in out]
    return list(dict.fromkeys(ln for ln in clean if len(ln) >= 8))[:MAX_QUOTED_LINES]


def backticked(text: str) -> list[str]:
    """Identifiers in inline backticks of the prose: the names a reporter singles out."""
    out: list[str] = []
    for span in _BACKTICK.findall(_FENCE.sub(" ", text)):
        span = span.strip()
        if len(span) > 80:
            continue
        out += [w for w in _IDENT.findall(span) if len(w) > 2 and not w.isdigit()]
    return list(dict.fromkeys(out))


def extract_frames(text: str) -> list[Frame]:
    """Traceback frames in the order written (innermost last): Python's, IPython's, else pytest's."""
    found = [(m.start(), Frame(m.group(1), int(m.group(2)), m.group(3) or "")) for m in _PY_FRAME.finditer(text)]
    found += _ipython_frames(text)
    if not found:
        return [Frame(m.group(1), int(m.group(2)), m.group(3) or "") for m in _PYTEST_FRAME.finditer(text)]
    return [f for _, f in sorted(found, key=lambda pf: pf[0])]


def _ipython_frames(text: str) -> list[tuple[int, Frame]]:
    """IPython's frames with their offsets; an old-style frame's line is the one its arrow marks
    (0 when none does: the function's name then places it)."""
    out: list[tuple[int, Frame]] = []
    for m in _IPY_FRAME.finditer(text):
        if m.group(1):
            path, line, func = m.group(1), int(m.group(2)), m.group(3)
        else:
            path, line, func = m.group(4), 0, m.group(5)
            for src in text[m.end():].splitlines()[1:30]:
                num = _IPY_SOURCE.match(src)
                if num is None:
                    break
                if num.group(1):
                    line = int(num.group(2))
                    break
        out.append((m.start(), Frame(path, line, func.rsplit(".", 1)[-1])))
    return out


def strip_frames(text: str) -> str:
    """The text without traceback frame lines and the source line printed under each.

    Names in a traceback already count as frames; counting them again as names the user wrote
    would let every outer frame look as deliberate as the innermost one.
    """
    out: list[str] = []
    skip_source = ipython = False
    for line in text.splitlines():
        if _PY_FRAME.search(line) or _PYTEST_FRAME.match(line) or _IPY_FRAME.match(line) or _IPY_CELL.match(line):
            skip_source, ipython = True, bool(_IPY_FRAME.match(line) or _IPY_CELL.match(line))
            continue
        if skip_source and ipython and (_IPY_SOURCE.match(line) or not line.strip()):
            continue  # IPython's numbered source lines, and the blank lines among them
        if skip_source and not ipython and line.startswith((" ", "\t")) and line.strip():
            # Python 3.11 adds a "^^^^" marker line under the source line; skip it too.
            continue
        skip_source = False
        out.append(line)
    return "\n".join(out)


# A line of an environment report (``xr.show_versions()``, ``python -m requests.help``, "Matplotlib
# version: 3.5"): a short key, a colon, a short value; JSON's quotes and commas allowed.
_ENV_LINE = re.compile(r'^\s*[-*|]?\s*\**"?([A-Za-z][\w.+/-]*(?: [\w.+/-]+){0,2})"?\**\s*:\s*\**"?([^:=()]{0,80}?)"?,?\s*$')
_ENV_VALUE = re.compile(r"\d+\.\d+|^(?:None|installed|\d+)$")
_ENV_NEUTRAL = re.compile(r"^\s*(?:[{}\[\]],?|-{3,}|=+|<\/?\w+>|INSTALLED VERSIONS)?\s*$")  # a fence ends a run
MIN_ENV_RUN = 4


def strip_environment(text: str) -> str:
    """The text without environment reports: runs of at least four ``key: value`` lines, half of
    them with a version (or None) for a value, with the headings, rules and braces among them. Such
    a report names every package and platform word there is, and lexical retrieval finds the module
    that prints it (``print_versions.py``) rather than the one the issue is about."""
    lines = text.splitlines(keepends=True)
    drop: set[int] = set()
    first = last = -1  # the run's first line (a heading may open it) and its last key: value line
    pairs = versions = 0

    def close() -> None:
        if pairs >= MIN_ENV_RUN and 2 * versions >= pairs:
            drop.update(range(first, last + 1))

    for i, line in enumerate(lines):
        m = _ENV_LINE.match(line)
        value = m.group(2).strip() if m else ""
        if value and value not in ("{", "["):
            first = i if first < 0 else first
            last, pairs, versions = i, pairs + 1, versions + bool(_ENV_VALUE.search(value))
        elif m or _ENV_NEUTRAL.match(line):  # a heading ("BLAS:", '"idna": {'), a rule, a brace
            first = i if first < 0 and m else first
        else:
            close()
            first = last = -1
            pairs = versions = 0
    close()
    return "".join(ln for i, ln in enumerate(lines) if i not in drop) if drop else text


_HYPHENATED = re.compile(r"(?<![\w-])([A-Za-z]{2,})-([A-Za-z]{2,})(?![\w-])")


def compound_words(text: str) -> list[str]:
    """Hyphenated words written together (``auto-detector`` -> ``autodetector``): prose splits
    what a module's name joins."""
    return list(dict.fromkeys((a + b).lower() for a, b in _HYPHENATED.findall(text)))


def parse_issue(text: str) -> IssueSignals:
    text = strip_environment(text)
    frames = extract_frames(text)
    frame_paths = {f.path for f in frames}
    exceptions = [m.group(1) for m in _EXC_LINE.finditer(text)]
    full_text = text
    text = strip_frames(text)
    no_frames = text
    # A pytest node id names a test to run, not a file to change: its path is a test clue only.
    node_paths = {m.group(1) for m in _NODE_ID.finditer(text)}
    paths = [p for p in _PATH.findall(no_frames) if p not in frame_paths and p not in node_paths]
    dotted = _dotted_names(no_frames)
    # A module in a string (`extensions = ['sphinx.ext.autodoc']`, INSTALLED_APPS) is configuration,
    # written as deliberately as an import.
    outside_imports = set(_dotted_names(_QUOTED_NAME.sub(" ", _IMPORT.sub(" ", _IMPORT_FROM.sub(" ", no_frames)))))
    code = code_regions(text)
    idents: list[str] = []
    for region in code:
        idents += _IDENT.findall(region)
    idents += [w for w in _CALL.findall(text) if w not in _COMMON_WORDS_AS_CODE]
    idents += [w for w in _IDENT.findall(text) if _looks_like_code(w)]
    for d in dotted:
        idents += d.split(".")
    words = _IDENT.findall(text) + compound_words(text)
    test_ids = []
    test_names = _TEST_NAME.findall(text)
    for m in _NODE_ID.finditer(text):
        parts = [re.sub(r"\[.*\]$", "", p) for p in m.group(2).split("::") if p]
        test_ids.append((m.group(1), ".".join(parts)))
        test_names += parts
    return IssueSignals(
        frames=tuple(frames),
        exceptions=tuple(e.rsplit(".", 1)[-1] for e in exceptions),
        paths=tuple(dict.fromkeys(paths)),
        dotted=tuple(dict.fromkeys(dotted)),
        code_idents=tuple(dict.fromkeys(i for i in idents
                                        if len(i) > 1 and not i.isdigit() and i not in _BUILTIN_NAMES)),
        words=tuple(dict.fromkeys(w for w in words if len(w) > 2)),
        test_names=tuple(dict.fromkeys(test_names)),
        test_ids=tuple(dict.fromkeys(test_ids)),
        text=full_text,
        quoted_lines=tuple(quoted_lines(full_text)),
        imports=tuple(extract_imports(full_text)),
        backticks=tuple(backticked(full_text)),
        prose_dotted=tuple(d for d in dict.fromkeys(dotted) if d in outside_imports),
        title=issue_title(full_text),
    )


_HEADING = re.compile(r"^\s*(?:#+|\*\*|Title:)\s*")


def issue_title(text: str) -> str:
    """The first line of prose, when more follows: trackers put the issue's title there."""
    lines = [ln.strip() for ln in text.strip().splitlines()]
    if len(lines) < 2:
        return ""
    return _HEADING.sub("", lines[0]).strip("* ")[:200]


def _dotted_names(text: str) -> list[str]:
    out = []
    for d in _DOTTED.findall(text):
        low = d.lower()
        if low.endswith(".py") or low in _NON_CODE_DOTTED or any(ch.isdigit() for ch in d.split(".")[0][:1]):
            continue
        out.append(d[:-4] if d.endswith(".py") else d)
    return out


def latin_word_count(text: str) -> int:
    """How many words a Latin-script tokenizer can use; 0 means nothing to match against code."""
    return len(_LATIN_WORD.findall(text))
