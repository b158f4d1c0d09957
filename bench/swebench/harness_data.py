#!/usr/bin/env python3
"""Rebuild swebot/batch/swebench_specs.json from the SWE-bench harness package on PyPI.

The harness keeps its per-(repository, version) environment specs in
``swebench.harness.constants.MAP_REPO_VERSION_TO_SPECS`` (release 4.1.x; 5.x moved them into
the dataset rows), and its log parser names in ``swebench.harness.log_parsers`` (5.x). swebot
records both as data instead of guessing them; this script is how the data is made:

    python bench/swebench/harness_data.py            # downloads the wheels with pip
    python bench/swebench/harness_data.py --specs-wheel W1.whl --parsers-wheel W2.whl

Only the wheels are read (unzipped to a temporary folder, never installed): the package's own
``__init__`` modules import its Docker/datasets runners, which this needs none of.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import subprocess
import sys
import tempfile
import types
import zipfile
from pathlib import Path

SPECS_VERSION = "4.1.0"
PARSERS_VERSION = "5.0.2"
OUT = Path(__file__).resolve().parents[2] / "swebot" / "batch" / "swebench_specs.json"
SPEC_KEYS = ("python", "packages", "install", "pip_packages", "pre_install", "eval_commands", "test_cmd",
             "env_vars_test", "no_use_env", "execute_test_as_nonroot", "nano_cpus")


def download(version: str, into: Path) -> Path:
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--dest", str(into),
                    f"swebench=={version}"], check=True)
    return next(into.glob(f"swebench-{version}-*.whl"))


def load_package(wheel: Path, into: Path) -> None:
    """Unzip ``wheel`` and make ``swebench`` and ``swebench.harness`` bare packages (no __init__ run)."""
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(into)
    for name in [m for m in sys.modules if m == "swebench" or m.startswith("swebench.")]:
        del sys.modules[name]
    for name, folder in (("swebench", into / "swebench"), ("swebench.harness", into / "swebench" / "harness")):
        module = types.ModuleType(name)
        module.__path__ = [str(folder)]
        sys.modules[name] = module


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--specs-wheel", type=Path)
    parser.add_argument("--parsers-wheel", type=Path)
    parser.add_argument("--output", type=Path, default=OUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        specs_wheel = args.specs_wheel or download(SPECS_VERSION, root / "dl")
        parsers_wheel = args.parsers_wheel or download(PARSERS_VERSION, root / "dl")

        load_package(specs_wheel, root / "specs")
        constants = importlib.import_module("swebench.harness.constants")
        python_repos = sorted(importlib.import_module("swebench.harness.constants.python").MAP_REPO_VERSION_TO_SPECS_PY)
        specs = {
            repo: {version: {k: spec[k] for k in SPEC_KEYS if k in spec}
                   for version, spec in sorted(constants.MAP_REPO_VERSION_TO_SPECS[repo].items())}
            for repo in python_repos
        }
        reqs_paths = {r: constants.MAP_REPO_TO_REQS_PATHS[r] for r in python_repos if r in constants.MAP_REPO_TO_REQS_PATHS}
        env_paths = {r: constants.MAP_REPO_TO_ENV_YML_PATHS[r] for r in python_repos
                     if r in constants.MAP_REPO_TO_ENV_YML_PATHS}
        install = {r: constants.MAP_REPO_TO_INSTALL[r] for r in python_repos if r in constants.MAP_REPO_TO_INSTALL}
        non_test_exts = list(constants.NON_TEST_EXTS)

        load_package(parsers_wheel, root / "parsers")
        parsers_module = importlib.import_module("swebench.harness.log_parsers.python")
        parsers = {repo: fn.__name__ for repo, fn in sorted(parsers_module.MAP_REPO_TO_PARSER_PY.items())}
        wheel_hashes = sha256(specs_wheel), sha256(parsers_wheel)  # the downloads go with the folder

    data = {
        "source": {
            "specs": f"swebench {SPECS_VERSION} (PyPI) swebench/harness/constants: MAP_REPO_VERSION_TO_SPECS, "
                     "MAP_REPO_TO_REQS_PATHS, MAP_REPO_TO_ENV_YML_PATHS, MAP_REPO_TO_INSTALL, NON_TEST_EXTS",
            "specs_wheel_sha256": wheel_hashes[0],
            "parsers": f"swebench {PARSERS_VERSION} (PyPI) swebench/harness/log_parsers/python.py: MAP_REPO_TO_PARSER_PY",
            "parsers_wheel_sha256": wheel_hashes[1],
            "rebuild": "python bench/swebench/harness_data.py",
        },
        "specs": specs,
        "requirements_paths": reqs_paths,
        "environment_yml_paths": env_paths,
        "repo_install": install,
        "non_test_exts": non_test_exts,
        "log_parsers": parsers,
    }
    args.output.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print(f"wrote {args.output}: {sum(len(v) for v in specs.values())} (repo, version) specs for {len(specs)} repositories")
    return 0


if __name__ == "__main__":
    sys.exit(main())
