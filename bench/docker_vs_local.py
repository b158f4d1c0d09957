"""Per-candidate validation time in the Docker sandbox vs the local one, and container start time.

A "candidate" is what the builtin engine does per mutation: write one file, run pytest on a
small project with JUnit XML output, read the XML back. Prints medians; target: docker
<= 1.5x local per candidate.

    python3 bench/docker_vs_local.py [--rounds 15] [--starts 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from swebot.sandbox.docker import DockerSandbox, connect  # noqa: E402
from swebot.sandbox.images import BASE_IMAGE  # noqa: E402
from swebot.sandbox.local import LocalSandbox  # noqa: E402
from swebot.types import Sandbox  # noqa: E402

PYTEST = "python3 -m pytest -q -p no:cacheprovider --junitxml=.swebot/junit.xml"


def make_project(root: Path) -> Path:
    """Five modules, 60 tests, one failing: the size of a typical fixture repository."""
    for i in range(5):
        (root / "pkg").mkdir(parents=True, exist_ok=True)
        (root / "pkg" / f"m{i}.py").write_text(f"def f{i}(x):\n    return x + {i}\n")
        tests = "".join(
            f"def test_{i}_{j}():\n    from pkg.m{i} import f{i}\n    assert f{i}({j}) == {j} + {i}\n"
            for j in range(12)
        )
        (root / "tests").mkdir(exist_ok=True)
        (root / "tests" / f"test_m{i}.py").write_text(tests)
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "m0.py").write_text("def f0(x):\n    return x - 1\n")  # the bug
    env = {"GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@l", "GIT_COMMITTER_NAME": "b",
           "GIT_COMMITTER_EMAIL": "b@l", "PATH": "/usr/bin:/bin"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "base"]):
        subprocess.run(["git", *args], cwd=root, check=True, env=env)
    return root


def candidate(box: Sandbox, n: int, env: dict[str, str] | None = None) -> None:
    box.write_file("pkg/m0.py", f"def f0(x):\n    return x + {n % 3}\n".encode())
    result = box.execute(PYTEST, timeout=120, env=env)
    assert result.exit_code in (0, 1), result.stderr or result.stdout
    assert box.read_file(".swebot/junit.xml").startswith(b"<?xml")


def timed(fn: Callable[[], object], rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10, help="candidates per sandbox and variant")
    parser.add_argument("--starts", type=int, default=5, help="container starts to time")
    args = parser.parse_args()

    client = connect()
    with tempfile.TemporaryDirectory(prefix="swebot-bench-") as tmp:
        project = make_project(Path(tmp) / "project")

        def start_one() -> None:
            with DockerSandbox(client, BASE_IMAGE) as box:
                box.copy_in(project)

        start_times = timed(start_one, args.starts)

        # Interleaved, so load from anything else on the machine hits both sides alike.
        # Two variants: each side's pytest as installed (the host's may load many plugins),
        # and with plugin autoloading off on both sides (the sandbox cost alone).
        variants = {"as installed": None, "no plugin autoload": {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}}
        times: dict[tuple[str, str], list[float]] = {}
        local = LocalSandbox(project)
        with DockerSandbox(client, BASE_IMAGE) as box:
            box.copy_in(project)
            candidate(local, 0)  # warm caches on both sides
            candidate(box, 0)
            for n in range(1, args.rounds + 1):
                for name, env in variants.items():
                    times.setdefault(("local", name), []).extend(timed(lambda: candidate(local, n, env), 1))
                    times.setdefault(("docker", name), []).extend(timed(lambda: candidate(box, n, env), 1))
            exec_times = timed(lambda: box.execute("true", timeout=30), args.rounds)
            local_exec = timed(lambda: local.execute("true", timeout=30), args.rounds)
        local.close()

    med = statistics.median
    print(f"per-candidate validation (write + pytest 60 tests + read junit), median of {args.rounds}:")
    for name in variants:
        lt, dt = times[("local", name)], times[("docker", name)]
        print(f"  {name}:")
        print(f"    local   {med(lt) * 1000:7.0f} ms   (min {min(lt) * 1000:.0f})")
        print(f"    docker  {med(dt) * 1000:7.0f} ms   (min {min(dt) * 1000:.0f})")
        print(f"    ratio   {med(dt) / med(lt):7.2f} x   (target <= 1.5x)")
    print(f"per-command overhead (`true`), median: docker {med(exec_times) * 1000:.0f} ms, "
          f"local {med(local_exec) * 1000:.0f} ms")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"container start + copy-in, median of {args.starts}: {med(start_times) * 1000:.0f} ms "
          f"(max {max(start_times) * 1000:.0f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
