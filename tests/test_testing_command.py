"""The pytest invocation used for selected tests, and putting our plugin on PYTHONPATH."""

from __future__ import annotations

import subprocess

import pytest

from swebot.testing.command import DEFAULT_SELECT_COMMAND, select_command_for, with_pythonpath


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("pytest", "pytest"),
        ("python3 -m pytest tests/ -x -k 'not slow' -m fast", "python3 -m pytest"),
        (
            "python -m pytest -p no:randomly --import-mode=importlib -o addopts= -c ci.ini tests",
            "python -m pytest -p no:randomly --import-mode=importlib -o addopts= -c ci.ini",
        ),
        ("PYTHONPATH=src .venv/bin/pytest -q tests -Werror", "PYTHONPATH=src .venv/bin/pytest -Werror"),
        ("poetry run pytest --junitxml=out.xml", "poetry run pytest"),
        ("make test", DEFAULT_SELECT_COMMAND),
        ("tox -e py", DEFAULT_SELECT_COMMAND),
        ("cd sub && pytest", DEFAULT_SELECT_COMMAND),
        ("pytest 'unclosed", DEFAULT_SELECT_COMMAND),
    ],
)
def test_select_command_keeps_interpreter_and_configuration_but_not_filters(command: str, expected: str) -> None:
    assert select_command_for(command) == expected


def test_with_pythonpath_prepends_even_where_the_command_sets_pythonpath(tmp_path) -> None:  # type: ignore[no-untyped-def]
    script = with_pythonpath(
        "PYTHONPATH=src python3 -c 'import os; print(os.environ[\"PYTHONPATH\"])'; "
        "python3 -c 'import os; print(os.environ[\"PYTHONPATH\"])'",
        "/plug dir",
    )
    out = subprocess.run(
        ["sh", "-c", script],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": "/old"},
        check=True,
    )
    assert out.stdout.splitlines() == ["/plug dir:src", "/plug dir:/old"]
