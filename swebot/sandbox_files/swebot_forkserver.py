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


_ENCODINGS: dict = {}  # path -> the codec its text is written in (a PEP 263 cookie's); else UTF-8


def _write(root: str, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = os.path.join(root, rel)
        with open(path, "w", encoding=_ENCODINGS.get(rel, "utf-8")) as fh:
            fh.write(text)


def _child(args: list, results: str, select: bool) -> None:
    os.setsid()
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.environ["SWEBOT_RESULTS"] = results
    if not select:
        os.environ.pop("SWEBOT_SELECT", None)
    # As under ``python -m pytest``: the working directory is importable.
    sys.path.insert(0, os.getcwd())
    import pytest

    code = pytest.main(["-p", "swebot_pytest_plugin", "-p", "no:cacheprovider", "-q", *args])
    os._exit(int(code))


def _run_child(args: list, results: str, select: bool, timeout: float) -> tuple[int, bool]:
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        try:
            _child(args, results, select)
        finally:
            os._exit(70)
    return _wait(pid, timeout)


def _wait(pid: int, timeout: float) -> tuple[int, bool]:
    deadline = time.monotonic() + timeout
    delay = 0.002
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return _exit_code(status), False
        if time.monotonic() >= deadline:
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
            return -signal.SIGKILL, True
        time.sleep(delay)
        delay = min(delay * 2, 0.05)


def _exit_code(status: int) -> int:
    # os.waitstatus_to_exitcode is Python 3.9+; projects under test may run on older ones.
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def _warm_up() -> None:
    """Import pytest, its installed plugins and what they import lazily, once, here, for every
    child to inherit: one empty pytest session in a scratch folder outside the project."""
    import tempfile

    import pytest

    scratch = tempfile.mkdtemp(prefix="swebot-warmup-")
    ini = os.path.join(scratch, "pytest.ini")
    with open(ini, "w") as fh:
        fh.write("[pytest]\n")
    saved = os.dup(1), os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        pytest.main(["-q", "-p", "no:cacheprovider", "-c", ini, "--rootdir", scratch, scratch])
    except BaseException:  # a plugin that cannot start here fails in the child as it would anyway
        pass
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, devnull):
            os.close(fd)
        import shutil

        shutil.rmtree(scratch, ignore_errors=True)


def main(job_path: str) -> int:
    with open(job_path, encoding="utf-8") as fh:
        job = json.load(fh)
    root = job["root"]
    os.environ["SWEBOT_ROOT"] = root
    os.environ["SWEBOT_SELECT"] = job["select_file"]
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
    os.environ["SWEBOT_NO_PROJECT_COVERAGE"] = "1"  # see swebot_pytest_plugin.py
    sys.dont_write_bytecode = True
    _warm_up()

    deadline = time.monotonic() + float(job["budget"]) if job.get("budget") else None
    originals = job["originals"]
    _ENCODINGS.update(job.get("encodings") or {})
    try:
        for index, candidate in enumerate(job["candidates"]):
            if deadline is not None and time.monotonic() >= deadline:
                break
            results = f"{job['results_prefix']}-{index}.jsonl"
            answer: dict = {"index": index, "results": results}
            _write(root, candidate)
            try:
                started = time.monotonic()
                exit_code, timed_out = _run_child(job.get("pytest_args", []), results, True,
                                                  float(job["timeout"]))
                answer.update(exit_code=exit_code, timed_out=timed_out,
                              seconds=time.monotonic() - started)
                # The selected tests pass: run the whole suite too, as the test command would.
                if exit_code == 0 and job.get("full_args") is not None:
                    full_code, full_timed_out = _run_child(
                        job["full_args"], f"{results}.full", False, float(job["full_timeout"]))
                    answer.update(full_exit_code=full_code, full_timed_out=full_timed_out)
            finally:
                _write(root, {rel: originals[rel] for rel in candidate})
            print(json.dumps(answer), flush=True)
            if job.get("stop_on_pass") and answer.get("full_exit_code", exit_code) == 0:
                break
    finally:
        _write(root, originals)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
