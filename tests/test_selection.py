"""Choosing among plausible patches by the failing tests' execution (swebot.engines.selection)."""

from __future__ import annotations

from swebot.engines.selection import Footprint, Plausible, choose, footprint

FAILING = ("tests/test_m.py::test_it",)

SETATTR = '''\
class Record:
    def set(self, name, value):
        key = name.lower()
        if key in self.aliases:
            key = self.aliases[key]
        self.values[key] = value
        self.order.append(key)
        return self
'''


def _cov(*lines: int, path: str = "m.py") -> dict[str, dict[str, frozenset[int]]]:
    return {FAILING[0]: {path: frozenset(lines)}}


def test_an_early_return_before_code_the_failing_test_ran_switches_it_off():
    # sympy-22714's shape: `if not value: return None` at the top, where the test never looks again
    patched = SETATTR.replace("        key = name.lower()\n",
                              "        if not value:\n            return None\n        key = name.lower()\n")
    before = _cov(3, 4, 6, 7, 8)
    after = _cov(3, 4)  # the new `if` and its `return`, in the patched file's numbers
    fp = footprint({"m.py": SETATTR}, [("m.py", patched)], before, after, FAILING, raised=())
    assert fp.switched_off == (("m.py", 4), ("m.py", 6), ("m.py", 7), ("m.py", 8))
    assert fp.exits_taken == ("return at m.py:4",)


def test_an_edit_that_leaves_the_path_alone_switches_nothing_off():
    patched = SETATTR.replace("self.values[key] = value", "self.values[key] = [value]")
    before = _cov(3, 4, 6, 7, 8)
    fp = footprint({"m.py": SETATTR}, [("m.py", patched)], before, _cov(3, 4, 6, 7, 8), FAILING, raised=())
    assert fp == Footprint()


def test_a_conjunct_false_on_the_tests_input_switches_the_branch_off():
    # django-17087's shape: `and <something false>` added so that the branch never runs
    patched = SETATTR.replace("if key in self.aliases:", "if key in self.aliases and key is None:")
    before = _cov(3, 4, 5, 6, 7, 8)
    fp = footprint({"m.py": SETATTR}, [("m.py", patched)], before, _cov(3, 4, 6, 7, 8), FAILING, raised=())
    assert fp.switched_off == (("m.py", 5),)
    assert fp.cost == 1


def test_a_path_sent_down_another_branch_is_redirected_not_switched_off():
    source = "def f(x):\n    if x > 1:\n        y = 1\n    else:\n        y = 2\n    return y\n"
    patched = source.replace("x > 1", "x >= 1")
    fp = footprint({"m.py": source}, [("m.py", patched)], _cov(2, 5, 6), _cov(2, 3, 6), FAILING, raised=())
    assert fp.switched_off == ()
    assert fp.gained == 1


def test_the_line_the_failing_test_raised_through_may_stop_running():
    # httpie-3's shape: the crashing statement wrapped in an `if`: not running it is no cut
    patched = SETATTR.replace("        self.values[key] = value\n",
                              "        if value:\n            self.values[key] = value\n")
    before = _cov(3, 4, 6)  # it raised at line 6
    after = _cov(3, 4, 6, 8, 9)
    fp = footprint({"m.py": SETATTR}, [("m.py", patched)], before, after, FAILING, raised=[("m.py", 6)])
    assert fp.switched_off == ()


def test_a_try_whose_handler_ran_skips_the_rest_of_its_body():
    broad = SETATTR.replace(
        "        self.values[key] = value\n        self.order.append(key)\n",
        "        try:\n            self.values[key] = value\n            self.order.append(key)\n"
        "        except TypeError:\n            pass\n")
    narrow = SETATTR.replace(
        "        self.values[key] = value\n",
        "        try:\n            self.values[key] = value\n        except TypeError:\n            pass\n")
    before = _cov(3, 4, 6)  # it raised at line 6
    broad_fp = footprint({"m.py": SETATTR}, [("m.py", broad)], before, _cov(3, 4, 6, 7, 9, 10, 11), FAILING,
                         raised=[("m.py", 6)])
    assert broad_fp.switched_off == (("m.py", 7),)  # `self.order.append(key)` never ran
    assert broad_fp.exits_taken == ("except handler at m.py:9",)
    narrow_fp = footprint({"m.py": SETATTR}, [("m.py", narrow)], before, _cov(3, 4, 6, 7, 9, 10, 11), FAILING,
                          raised=[("m.py", 6)])
    assert narrow_fp.switched_off == ()
    assert narrow_fp.exits_taken == ("except handler at m.py:8",)


def test_the_patch_with_fewest_lines_switched_off_is_chosen_and_equals_keep_the_search_order():
    cut = Footprint(switched_off=(("m.py", 4), ("m.py", 6)), exits_taken=("return at m.py:4",))
    patches = [Plausible("guard", cut), Plausible("not measured", None),
               Plausible("the fix", Footprint()), Plausible("another fix", Footprint())]
    choice = choose(patches)
    assert choice.index == 2
    assert "fewest lines switched off" in choice.reason and "return at m.py:4" in choice.reason
    assert choose([Plausible("a", Footprint()), Plausible("b", Footprint())]).index == 0
    assert choose([Plausible("a", None), Plausible("b", None)]).index == 0
    assert choose([Plausible("a", None), Plausible("b", cut)]).index == 1  # only b has evidence


def test_an_edited_return_line_is_no_inserted_exit():
    patched = SETATTR.replace("return self", "return self.values")
    fp = footprint({"m.py": SETATTR}, [("m.py", patched)], _cov(3, 4, 6, 7, 8), _cov(3, 4, 6, 7, 8), FAILING, raised=())
    assert fp == Footprint()


def test_a_conjunct_that_sends_the_test_past_its_branch_cuts_even_when_other_lines_run():
    # django-17087 exactly: the branch the test ran is skipped and the function's later code runs instead
    source = ("def serialize(v):\n    if v.owner and v.kind:\n        name = v.owner\n        return name\n"
              "    return v.path\n")
    patched = source.replace("if v.owner and v.kind:", "if v.owner and v.kind and v.module is None:")
    fp = footprint({"m.py": source}, [("m.py", patched)], _cov(2, 3, 4), _cov(2, 5), FAILING, raised=())
    assert fp.switched_off == (("m.py", 3), ("m.py", 4))
    boundary = source.replace("if v.owner and v.kind:", "if v.owner or v.kind:")
    assert footprint({"m.py": source}, [("m.py", boundary)], _cov(2, 5), _cov(2, 3, 4), FAILING,
                     raised=()).switched_off == ()


def test_a_patch_after_which_the_failing_test_runs_none_of_its_own_code_is_never_chosen():
    # pylint-5859's shape: `if not args: return` in the package's `set_config` decorator, so the
    # decorated test returns before its body; it "passes" because it no longer runs
    test_file = FAILING[0].partition("::")[0]
    patched = SETATTR.replace("self.order.append(key)", "self.order.append(key.lower())")
    before = {FAILING[0]: {"m.py": frozenset({3, 4, 6, 7, 8}), test_file: frozenset({5, 6})}}
    after = {FAILING[0]: {"m.py": frozenset({3, 4, 6, 7, 8})}}
    skipped = footprint({"m.py": SETATTR}, [("m.py", patched)], before, after, FAILING, raised=())
    assert skipped.tests_not_run == FAILING
    assert "no longer run their own code" in skipped.summary()
    ran = footprint({"m.py": SETATTR}, [("m.py", patched)], before, before, FAILING, raised=())
    assert ran.tests_not_run == () and ran == Footprint()
    # never chosen, however few lines it switches off; alone, nothing is
    costly = Footprint(switched_off=(("m.py", 4), ("m.py", 6)))
    choice = choose([Plausible("guard", skipped), Plausible("other", costly)])
    assert choice is not None and choice.index == 1
    assert choose([Plausible("guard", skipped)]) is None
    # an unmeasured patch still stands beside it
    unmeasured = choose([Plausible("guard", skipped), Plausible("other", None)])
    assert unmeasured is not None and unmeasured.index == 1
