"""The builtin engine does not edit the machinery the test run loads from the package itself:
pytest plugins it names and the assertion helpers the tests import (swebot/engines/machinery.py)."""

from __future__ import annotations

from typing import Mapping

from swebot.engines.machinery import run_machinery
from tests.test_engine_targets import repair_logged

ASSERT_HELPER = ("class RunResult:\n"
                 "    def assert_outcomes(self, passed=0, failed=0):\n"
                 "        obtained = {'passed': self.passed, 'failed': self.failed}\n"
                 "        assert obtained == {'passed': passed, 'failed': failed}\n")


def found(files: Mapping[str, str], failing: list[str], command: str | None = None) -> dict[str, str]:
    return run_machinery(files.get, failing, command)


def test_pytest_s_own_plugin_named_with_dash_p_in_its_config_is_machinery() -> None:
    # pytest-7490's shape: pytest's suite loads src/_pytest/pytester.py with ``-p pytester``
    files = {"pyproject.toml": '[tool.pytest.ini_options]\naddopts = "-rfEX -p pytester -p no:cacheprovider"\n',
             "src/_pytest/__init__.py": "", "src/_pytest/pytester.py": ASSERT_HELPER,
             "src/_pytest/skipping.py": "def evaluate(item):\n    return item\n",
             "src/_pytest/cacheprovider.py": "",
             "testing/test_skipping.py": "def test_dynamic_xfail(testdir):\n    pass\n"}
    result = found(files, ["testing/test_skipping.py::TestXFail::test_dynamic_xfail"])
    assert list(result) == ["src/_pytest/pytester.py"]
    assert "-p pytester in pyproject.toml" in result["src/_pytest/pytester.py"]


def test_plugins_named_in_pytest_plugins_or_the_test_command_are_machinery() -> None:
    files = {"conftest.py": "pytest_plugins = ['pkg.fixtures']\n", "pkg/__init__.py": "",
             "pkg/fixtures.py": "def helper():\n    return 1\n", "pkg/runner.py": "",
             "tests/test_a.py": "def test_a():\n    pass\n"}
    assert list(found(files, ["tests/test_a.py::test_a"])) == ["pkg/fixtures.py"]
    assert set(found(files, ["tests/test_a.py::test_a"], "python -m pytest -p pkg.runner tests")) \
        == {"pkg/fixtures.py", "pkg/runner.py"}


def test_an_imported_module_is_machinery_only_when_it_defines_a_helper_that_asserts() -> None:
    files = {"pkg/__init__.py": "",
             "pkg/checks.py": "def assert_close(a, b):\n    assert abs(a - b) < 1e-9\n",
             # a product function named assert_* that raises ValueError is code under test (scikit-learn)
             "pkg/validation.py": "def assert_all_finite(x):\n    if x != x:\n        raise ValueError(x)\n",
             # library asserts (black-14, tornado-1) are code under test too
             "pkg/core.py": "def parse(x):\n    assert isinstance(x, str)\n    return x\n",
             "pkg/compat.py": "def assert_never(value):\n    assert False, value\n",
             "tests/test_core.py": ("from pkg.checks import assert_close\nfrom pkg import validation\n"
                                    "import pkg.core\nfrom pkg.compat import assert_never\n")}
    result = found(files, ["tests/test_core.py::test_parse"])
    assert list(result) == ["pkg/checks.py"]
    assert "assert_close" in result["pkg/checks.py"]


def test_a_helper_re_exported_by_its_package_is_followed_to_its_module() -> None:
    files = {"pkg/__init__.py": "", "pkg/test/__init__.py": "from .testcases import TestCase\n",
             "pkg/test/testcases.py": ("import unittest\nclass TestCase(unittest.TestCase):\n"
                                       "    def assertContains(self, response, text):\n"
                                       "        self.assertIn(text, response)\n"),
             "tests/views/test_views.py": "from pkg.test import TestCase\n"}
    assert list(found(files, ["tests/views/test_views.py::ViewTests::test_get"])) == ["pkg/test/testcases.py"]


def test_a_helper_stays_editable_when_the_failing_tests_are_its_own_tests() -> None:
    # pandas-42 fixes assert_series_equal, tested by tests/util/test_assert_frame_equal.py
    helper = "def assert_frame_equal(a, b):\n    assert a == b\n"
    files = {"pkg/__init__.py": "", "pkg/_testing.py": helper,
             "pkg/tests/util/test_assert_frame_equal.py": "import pkg._testing as tm\n",
             "pkg/tests/io/test_pickle.py": "import pkg._testing as tm\n"}
    assert found(files, ["pkg/tests/util/test_assert_frame_equal.py::test_extension_dtype_mismatch"]) == {}
    assert list(found(files, ["pkg/tests/io/test_pickle.py::test_round_trip"])) == ["pkg/_testing.py"]
    # pytest's tests of pytester, by file, folder, class or function name
    plugin = {"tox.ini": "[pytest]\naddopts = -p pytester\n", "src/_pytest/__init__.py": "",
              "src/_pytest/pytester.py": ASSERT_HELPER}
    for test in ("testing/test_pytester.py::test_x", "testing/pytester/test_a.py::test_x",
                 "testing/test_misc.py::TestRunResult::test_x", "testing/test_misc.py::test_run_result_outcomes"):
        assert found(plugin, [test]) == {}, test
    assert list(found(plugin, ["testing/test_misc.py::test_runs"])) == ["src/_pytest/pytester.py"]


# The mean is wrong in a way no single or double edit of calc.py repairs; weakening the assertion
# helper of the package's pytest plugin (loaded by the root conftest.py) would make it pass.
PLUGIN_ONLY = {
    "pkg/__init__.py": "",
    "pkg/calc.py": "def mean(values):\n    return max(values)\n",
    "pkg/checks.py": ("import pytest\n\n\nclass Checker:\n    def assert_close(self, actual, expected):\n"
                      "        assert abs(actual - expected) < 1e-9, (actual, expected)\n\n\n"
                      "@pytest.fixture\ndef checker():\n    return Checker()\n"),
    "conftest.py": "pytest_plugins = ['pkg.checks']\n",
    "tests/test_calc.py": ("from pkg.calc import mean\n\n\n"
                           "def test_mean(checker):\n    checker.assert_close(mean([5, 10, 30]), 45 / 3)\n\n\n"
                           "def test_single():\n    assert mean([4]) == 4\n"),
}


def test_the_engine_never_edits_a_plugin_of_the_package_even_when_that_alone_would_pass(make_repo) -> None:
    result, localize = repair_logged(make_repo(PLUGIN_ONLY), "python -m pytest tests")
    assert result.status == "not_fixed", result.patch
    assert list(localize["machinery"]) == ["pkg/checks.py"]
    assert localize["ranking"] and all(p.startswith("pkg/calc.py:") for p in localize["ranking"])
