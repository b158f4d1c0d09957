"""Templates real single-hunk fixes need (BugsInPy thefuck, the bench's dev set): dropping one test
of a condition, a try/except around the statement the failing test's traceback raises through, and
a literal grown into the word the test expects; plus the hints the engine draws from the tests."""

from __future__ import annotations

import pytest

from swebot.engines.hints import crash_lines, exception_name, mutation_hints, raised_lines, literal_strings
from swebot.mutate import Hints, mutations_at
from swebot.mutate.literals import extended_phrases, extended_words, quoted
from swebot.sandbox.local import LocalSandbox
from swebot.types import Frame, TestCase
from swebot.mutate.calls import call_keywords
from swebot.mutate.model import ANY_CALLEE
from tests.mutate_tables import assert_absent, assert_produces, code, produced

# -- operand_deletion ----------------------------------------------------------------------------

CONDITION = '''
def match(command):
    return ('did not match' in command.stderr
            and "forget to 'git add'?" in command.stderr)
'''


@pytest.mark.parametrize("after", [
    '''
    def match(command):
        return ('did not match' in command.stderr)
    ''',
    '''
    def match(command):
        return ("forget to 'git add'?" in command.stderr)
    ''',
])
def test_either_operand_of_a_parenthesized_condition_can_go(after: str) -> None:
    assert_produces("operand_deletion", CONDITION, 2, after)


def test_operand_deletion_in_a_chain_keeps_the_others_and_the_precedence() -> None:
    assert_produces("operand_deletion", "x = a and b or c\n", 1, "x = a and b\n")
    assert_produces("operand_deletion", "x = a and b or c\n", 1, "x = a or c\n")
    assert_produces("operand_deletion", "x = a or b and c\n", 1, "x = a or c\n")
    assert_absent("operand_deletion", "x = a + b\n", 1)


# -- exception_guard -----------------------------------------------------------------------------

POP = '''
def get_new_command(command, index):
    if index:
        command.parts.pop(index)  # the option's value
        command.parts.pop(
            index)
    return command.parts
'''


def guards(source: str, raised: dict[int, tuple[str, ...]]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for m in mutations_at(code(source), list(raised) or [3], hints=Hints(raised)):
        if m.template == "exception_guard":
            found.setdefault(m.line, []).append(m.source)
    return found


def test_a_statement_the_traceback_raises_through_is_wrapped_in_that_exception_only() -> None:
    found = guards(POP, {3: ("IndexError",)})
    assert found == {3: [code('''
        def get_new_command(command, index):
            if index:
                try:
                    command.parts.pop(index)  # the option's value
                except IndexError:
                    pass
                command.parts.pop(
                    index)
            return command.parts
        ''')]}


def test_continuation_lines_move_in_with_the_wrapped_statement() -> None:
    found = guards(POP, {5: ("KeyError", "IndexError")})
    assert len(found[4]) == 2
    assert "        try:\n            command.parts.pop(\n                index)\n        except KeyError:\n" in found[4][0]
    assert "except IndexError:" in found[4][1]


def test_no_traceback_no_exception_guard() -> None:
    assert guards(POP, {}) == {}
    assert guards("x = [][0]\n", {1: ("IndexError",)}) == {}  # module level: no function to guard in


# -- word_from_tests -----------------------------------------------------------------------------------

def test_a_literal_grows_into_the_word_of_the_tests_string_that_holds_it() -> None:
    strings = ("git push --force-with-lease", "'push --force' is not enough")
    assert extended_words("push --force", strings) == ["push --force-with-lease"]
    assert extended_words("force", strings) == ["--force-with-lease", "--force"]
    assert extended_words("absent", strings) == []
    source = "def fix(command):\n    return command.replace('push', 'push --force')\n"
    found = [m.source for m in mutations_at(source, [2], hints=Hints(strings=strings)) if m.template == "word_from_tests"]
    assert "def fix(command):\n    return command.replace('push', 'push --force-with-lease')\n" in found
    assert not [m for m in mutations_at(source, [2]) if m.template == "word_from_tests"]


def test_a_literal_grows_into_a_phrase_of_the_tests_string_by_up_to_two_words_each_side() -> None:
    strings = ("fatal: run git push --set-upstream origin master", "other")
    grown = extended_phrases("set-upstream", strings)
    assert grown[0] == "--set-upstream"  # the word first
    assert {"push --set-upstream", "git push --set-upstream", "--set-upstream origin"} <= set(grown)
    assert "run git push --set-upstream" not in grown  # three words more: too far
    assert len(grown) <= 8
    # a quote or a bracket ends a phrase as it ends a word
    assert extended_phrases("set-upstream", ("try 'git push --set-upstream' (or not)",)) == [
        "--set-upstream", "push --set-upstream", "git push --set-upstream"]
    source = "def match(command):\n    return 'set-upstream' in command.output\n"
    found = [m.source for m in mutations_at(source, [2], hints=Hints(strings=strings)) if m.template == "word_from_tests"]
    assert "def match(command):\n    return 'git push --set-upstream' in command.output\n" in found


def test_grown_literals_keep_prefix_and_quotes_and_escape_what_they_must() -> None:
    assert quoted("it's", "", "'") == "'it\\'s'"
    assert quoted("a\\b\n", "", '"') == '"a\\\\b\\n"'
    assert quoted(r"\bmkdir", "r", "'") == r"r'\bmkdir'"
    assert quoted("it's", "r", "'") is None  # a raw literal cannot escape its quote
    assert eval(quoted("tab\tand 'q' \\", "", "'") or "") == "tab\tand 'q' \\"


# -- hints from the tests ------------------------------------------------------------------------

def case(message: str, frames: tuple[Frame, ...] = (), traceback: str = "") -> TestCase:
    return TestCase("tests/test_x.py::test_a", "failed", message=message, traceback=traceback, frames=frames)


def test_the_builtin_exception_a_test_died_of_is_read_from_its_message_or_traceback() -> None:
    assert exception_name(case("IndexError: pop index out of range")) == "IndexError"
    assert exception_name(case("", traceback="    x.pop()\nE   KeyError: 'a'\n")) == "KeyError"
    assert exception_name(case("AssertionError: assert 1 == 2")) == "AssertionError"
    assert exception_name(case("shop.errors.CartError: empty")) is None  # not importable without a name in scope
    assert exception_name(case("assert 1 == 2")) is None


def test_raised_lines_map_every_frame_of_a_failing_test_to_its_exception() -> None:
    frames = (Frame("tests/test_x.py", 4), Frame("shop.py", 10), Frame("shop.py", 3))
    cases = [case("IndexError: x", frames), case("KeyError: k", frames[1:2]),
             TestCase("tests/test_x.py::test_b", "passed", frames=frames)]
    assert raised_lines(cases) == {"tests/test_x.py": {4: ("IndexError",)},
                                   "shop.py": {10: ("IndexError", "KeyError"), 3: ("IndexError",)}}


def test_test_strings_are_every_string_literal_of_the_failing_tests_files(tmp_path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text(
        '"""Doc."""\nimport pytest\n\n@pytest.mark.parametrize("s", ["git push --force-with-lease"])\n'
        'def test_a(s):\n    assert fix(s) == f"done {s}"\n')
    assert literal_strings(["x = 'a'\ny = 'a' + 'b'\n", "broken(:"]) == ("a", "b")
    sandbox = LocalSandbox(tmp_path)
    try:
        hints = mutation_hints(sandbox, [case("IndexError: x", (Frame("shop.py", 3),))],
                               ["tests/test_x.py::test_a", "tests/test_missing.py::test_b"])
    finally:
        sandbox.close()
    assert "git push --force-with-lease" in hints.strings and "Doc." in hints.strings
    assert hints.for_path("shop.py") == Hints({3: ("IndexError",)}, hints.strings)
    assert hints.for_path("other.py").raised == {}


# -- platform_constant ---------------------------------------------------------------------------

def test_a_hard_coded_separator_becomes_the_os_constant_where_os_is_imported() -> None:
    before = "import os\n\ndef paths():\n    return os.environ.get('PATH', '').split(':')\n"
    assert_produces("platform_constant", before, 4,
                    "import os\n\ndef paths():\n    return os.environ.get('PATH', '').split(os.pathsep)\n")
    assert_produces("platform_constant", "import os, re\nx = a + '/' + b\n", 2, "import os, re\nx = a + os.sep + b\n")
    assert_absent("platform_constant", "x = s.split(':')\n", 1)  # no os in scope
    assert_absent("platform_constant", "import os\nx = s.split(b':')\n", 2)
    assert_absent("platform_constant", "import os\nx = s.split(', ')\n", 2)


# -- open_encoding -------------------------------------------------------------------------------

def test_a_text_file_opened_without_an_encoding_gets_utf_8() -> None:
    assert_produces("open_encoding", "with open(path) as f:\n    pass\n", 1,
                    "with open(path, encoding='utf-8') as f:\n    pass\n")
    assert_produces("open_encoding", "f = open(path, 'w')\n", 1, "f = open(path, 'w', encoding='utf-8')\n")
    assert_produces("open_encoding", "f = io.open(path, mode='r', )\n", 1,
                    "f = io.open(path, mode='r', encoding='utf-8')\n")
    assert_absent("open_encoding", "f = open(path, 'rb')\n", 1)  # binary
    assert_absent("open_encoding", "f = open(path, mode)\n", 1)  # a mode known only at run time
    assert_absent("open_encoding", "f = open(path, encoding='latin-1')\n", 1)
    assert_absent("open_encoding", "f = open(*args)\n", 1)
    assert_absent("open_encoding", "f = opener(path)\n", 1)


# -- condition_wrap ------------------------------------------------------------------------------

SCALE = '''
def format_meter(n, total, unit_scale):
    if unit_scale:
        total *= unit_scale  # scaled
        n *= unit_scale
    return n, total
'''


def test_a_statement_the_traceback_raises_through_is_wrapped_in_a_test_of_a_local_it_reads() -> None:
    found = [m.source for m in mutations_at(code(SCALE), [3], hints=Hints({3: ("TypeError",)}))
             if m.template == "condition_wrap"]
    assert code('''
        def format_meter(n, total, unit_scale):
            if unit_scale:
                if total:
                    total *= unit_scale  # scaled
                n *= unit_scale
            return n, total
        ''') in found
    assert any("        if unit_scale is not None:\n            total *= unit_scale  # scaled\n" in s for s in found)
    assert not [m for m in mutations_at(code(SCALE), [3]) if m.template == "condition_wrap"]  # no traceback
    # an IndexError is an empty sequence, not a missing value: a truth test only
    empty = [m.description for m in mutations_at(code(SCALE), [3], hints=Hints({3: ("IndexError",)}))
             if m.template == "condition_wrap"]
    assert empty and all("is not None" not in d for d in empty)
    assert not [m for m in mutations_at(code(SCALE), [3], hints=Hints({3: ("KeyError",)}))
                if m.template == "condition_wrap"]


REALISE = '''
class Commands:
    def realise(self):
        """Sorts the commands."""
        commands = self.unique(self.found)
        self.cached = [self.cached[0]] + sorted(
            commands, key=lambda c: c.priority)
        self.done = True
'''


def test_an_attribute_the_statement_indexes_is_tested_around_it_and_the_statement_feeding_it() -> None:
    wraps = {m.description: m.source for m in mutations_at(code(REALISE), [5], hints=Hints({5: ("IndexError",)}))
             if m.template == "condition_wrap"}
    assert code('''
        class Commands:
            def realise(self):
                """Sorts the commands."""
                if self.cached:
                    commands = self.unique(self.found)
                    self.cached = [self.cached[0]] + sorted(
                        commands, key=lambda c: c.priority)
                self.done = True
        ''') in wraps.values()
    assert "line 5: wrap in `if self.cached:`" in wraps  # the statement alone too
    assert "line 5: wrap in `if commands:`" in wraps
    # a method called is no value to test; nor is an attribute the statement only assigns
    assert not any("self.unique" in d or "self.done" in d for d in wraps)


def test_the_line_a_failing_test_crashed_on_is_its_innermost_frame_in_the_ranked_code() -> None:
    frames = (Frame("tests/test_x.py", 4), Frame("shop.py", 10), Frame("shop.py", 3), Frame("lib/ext.py", 7))
    crashed = case("AttributeError: 'NoneType' object has no attribute 'decode'", frames)
    asserted = TestCase("tests/test_x.py::test_b", "failed", message="AssertionError: assert 1 == 2",
                        frames=(Frame("shop.py", 20),))
    custom = TestCase("tests/test_x.py::test_c", "failed", message="shop.CartError: empty", frames=(Frame("shop.py", 30),))
    assert crash_lines([crashed, asserted, custom], {"shop.py"}) == {("shop.py", 3)}
    assert crash_lines([crashed], {"other.py"}) == set()


# -- regex_anchor --------------------------------------------------------------------------------

def test_an_anchor_of_a_re_pattern_becomes_a_word_boundary_or_goes() -> None:
    source = "import re\n\n\ndef fix(script):\n    return re.sub('^mkdir (.*)', 'mkdir -p \\\\1', script)\n"
    assert_produces("regex_anchor", source, 5,
                    "import re\n\n\ndef fix(script):\n    return re.sub('\\\\bmkdir (.*)', 'mkdir -p \\\\1', script)\n")
    assert_produces("regex_anchor", source, 5,
                    "import re\n\n\ndef fix(script):\n    return re.sub('mkdir (.*)', 'mkdir -p \\\\1', script)\n")
    ends = "import re\nWORD = re.compile(r'\\w+$', re.M)\n"
    assert_produces("regex_anchor", ends, 2, "import re\nWORD = re.compile(r'\\w+\\b', re.M)\n")
    assert_produces("regex_anchor", ends, 2, "import re\nWORD = re.compile(r'\\w+', re.M)\n")
    # the replacement is no pattern; an escaped dollar is no anchor; other calls' strings are left alone
    assert len(produced("regex_anchor", source, 5)) == 2
    assert_absent("regex_anchor", "import re\nPRICE = re.compile(r'\\d+\\$')\n", 2)
    assert_absent("regex_anchor", "x = text.startswith('^a$')\n", 1)
    assert_absent("regex_anchor", "import re\nX = re.compile(b'^a')\n", 2)


# -- keyword_argument ----------------------------------------------------------------------------

PROMPT = '''
import click


def read_choice(prompt, choices, default):
    return click.prompt(prompt, type=click.Choice(choices), default=default)


def read_flag(prompt):
    return click.prompt(prompt, type=bool, show_default=False)
'''


def test_a_call_gets_a_keyword_other_calls_of_its_callee_pass_as_given_or_flipped() -> None:
    keywords = call_keywords([code(PROMPT)])
    # a call as the value is left out: its meaning depends on where it runs
    assert keywords["prompt"] == ("default=default", "type=bool", "show_default=False")
    found = {m.source for m in mutations_at(code(PROMPT), [5], hints=Hints(keywords=keywords))
             if m.template == "keyword_argument"}
    assert code(PROMPT).replace("default=default)", "default=default, show_default=False)") in found
    assert code(PROMPT).replace("default=default)", "default=default, show_default=True)") in found
    assert all("type=bool" not in s.splitlines()[4] for s in found)  # `type` is passed already
    assert not [m for m in mutations_at(code(PROMPT), [5]) if m.template == "keyword_argument"]  # no hints


def test_a_failing_tests_mock_assertion_names_keywords_any_suspicious_call_may_lack() -> None:
    test = ("def test_choice(mocker):\n    prompt = mocker.patch('click.prompt')\n    read_choice('v', [1], 1)\n"
            "    prompt.assert_called_once_with('v', type=click.Choice([1]), default=1, show_choices=False,\n"
            "                                   key=some_local)\n")
    keywords = call_keywords([code(PROMPT)], [test])
    assert keywords[ANY_CALLEE] == ("default=1", "show_choices=False")  # literal values only, from a test
    found = {m.source for m in mutations_at(code(PROMPT), [5], hints=Hints(keywords=keywords))
             if m.template == "keyword_argument"}
    assert code(PROMPT).replace("default=default)", "default=default, show_choices=False)") in found
    # a test's own calls name its helpers' keywords, not the code's
    assert "type" not in call_keywords([], ["read_choice(prompt, type=1)\n"]).get("read_choice", ())


def test_mutation_hints_carry_the_keywords_of_the_suspicious_code_and_the_failing_tests(tmp_path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text("def test_a(m):\n    m.assert_called_with(flag=True)\n")
    sandbox = LocalSandbox(tmp_path)
    try:
        hints = mutation_hints(sandbox, [], ["tests/test_x.py::test_a"], [code(PROMPT)])
    finally:
        sandbox.close()
    assert hints.for_path("cli.py").keywords[ANY_CALLEE] == ("flag=True",)
    assert "show_default=False" in hints.for_path("cli.py").keywords["prompt"]
