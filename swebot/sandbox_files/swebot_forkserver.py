"""Validate many candidate patches in one process: import pytest once, fork per candidate.

Runs inside the sandbox (no swebot imports), as
``python swebot_forkserver.py JOB.json`` in the directory the test command runs in. The job lists
candidates (files to write), the node ids to run, and a per-candidate timeout. For each candidate
it writes the files, forks a child that runs ``pytest.main`` with swebot's plugin (which selects
the ids and records one JSON line per test), waits with the timeout (killing the child's whole
process group when it runs over), and puts the original files back. It prints one JSON line per
candidate: ``{"index", "exit_code", "timed_out", "results"}``.

Why: starting an interpreter and importing pytest and its plugins costs more than running a few
selected tests of a small project, and the parent never imports the project itself, so each child
imports the candidate's code fresh.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time


def _write(root: str, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = os.path.join(root, rel)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)


def _child(job: dict, results: str) -> None:
    os.setsid()
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.environ["SWEBOT_RESULTS"] = results
    # As under ``python -m pytest``: the working directory is importable.
    sys.path.insert(0, os.getcwd())
    import pytest

    code = pytest.main(["-p", "swebot_pytest_plugin", "-p", "no:cacheprovider", "-q",
                        *job.get("pytest_args", [])])
    os._exit(int(code))


def _wait(pid: int, timeout: float) -> tuple[int, bool]:
    deadline = time.monotonic() + timeout
    delay = 0.002
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status), False
        if time.monotonic() >= deadline:
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
            return -signal.SIGKILL, True
        time.sleep(delay)
        delay = min(delay * 2, 0.05)


def _warm_up() -> None:
    """Import pytest and its installed plugins once, here, for every child to inherit."""
    import pytest  # noqa: F401
    import _pytest.junitxml  # noqa: F401
    import _pytest.python  # noqa: F401

    try:
        from importlib.metadata import entry_points

        plugins = entry_points(group="pytest11")
    except Exception:  # very old importlib.metadata: the children load plugins themselves
        return
    for plugin in plugins:
        try:
            plugin.load()
        except Exception:  # a broken plugin fails in the child as it would without us
            pass


def main(job_path: str) -> int:
    with open(job_path, encoding="utf-8") as fh:
        job = json.load(fh)
    root = job["root"]
    os.environ["SWEBOT_ROOT"] = root
    os.environ["SWEBOT_SELECT"] = job["select_file"]
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
    sys.dont_write_bytecode = True
    _warm_up()

    deadline = time.monotonic() + float(job["budget"]) if job.get("budget") else None
    originals = job["originals"]
    try:
        for index, candidate in enumerate(job["candidates"]):
            if deadline is not None and time.monotonic() >= deadline:
                break
            results = f"{job['results_prefix']}-{index}.jsonl"
            _write(root, candidate)
            try:
                sys.stdout.flush()
                pid = os.fork()
                if pid == 0:
                    try:
                        _child(job, results)
                    finally:
                        os._exit(70)
                exit_code, timed_out = _wait(pid, float(job["timeout"]))
            finally:
                _write(root, {rel: originals[rel] for rel in candidate})
            print(json.dumps({"index": index, "exit_code": exit_code, "timed_out": timed_out,
                              "results": results}), flush=True)
            if exit_code == 0 and job.get("stop_on_pass"):
                break
    finally:
        _write(root, originals)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
