"""nearestwheel: exact pins without a wheel for this Python moved to the nearest release with one
(real pip, local wheels whose tags this Python does or does not accept)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import swebot.batch.nearestwheel as nearestwheel

# A tag no Python 3 accepts: the wheel exists, but not for this interpreter.
FOREIGN = "cp27-cp27mu-manylinux1_x86_64"
ANY = "py3-none-any"


def _wheel(folder: Path, name: str, version: str, tag: str) -> None:
    dist = f"{name}-{version}.dist-info"
    files = {f"{name}/__init__.py": f"VERSION = {version!r}\n",
             f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
             f"{dist}/WHEEL": f"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: {tag}\n"}
    files[f"{dist}/RECORD"] = "".join(f"{path},,\n" for path in [*files, f"{dist}/RECORD"])
    with zipfile.ZipFile(folder / f"{name}-{version}-{tag}.whl", "w") as whl:
        for path, text in files.items():
            whl.writestr(path, text)


def _index(tmp_path: Path) -> Path:
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    for version, tag in [("1.0", FOREIGN), ("1.1", FOREIGN), ("1.2", ANY), ("1.3rc1", ANY), ("1.4", ANY),
                         ("2.0", ANY)]:
        _wheel(wheels, "alpha", version, tag)
    _wheel(wheels, "beta", "1.0", ANY)
    _wheel(wheels, "gamma", "1.0", FOREIGN)
    _wheel(wheels, "gamma", "2.0", ANY)
    return wheels


def test_pins_without_a_wheel_move_to_the_nearest_release_of_their_major_that_has_one(tmp_path: Path) -> None:
    wheels = _index(tmp_path)
    req = tmp_path / "requirements.txt"
    req.write_text("alpha==1.0\nbeta==1.0\ngamma==1.0\ndelta>=2\n# a comment\n")
    proc = subprocess.run([sys.executable, nearestwheel.__file__, str(req), "--no-index", "--find-links", str(wheels),
                           "--disable-pip-version-check"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # alpha: 1.1 has no wheel here either, 1.3rc1 is a pre-release, 2.0 another major
    assert req.read_text() == "alpha==1.2\nbeta==1.0\ngamma==1.0\ndelta>=2\n# a comment\n"
    python = f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert f"swebot: alpha==1.0 has no wheel for Python {python}; using 1.2, the nearest release with one" in proc.stdout
    assert f"swebot: gamma==1.0 has no wheel for Python {python} and no later 1.x release has one" in proc.stdout
    assert "beta" not in proc.stdout


def test_nearest_compares_versions_as_releases_not_strings() -> None:
    assert nearestwheel.nearest("1.19.2", ["1.20.0", "1.19.10", "1.19.3", "1.19.1", "2.0.0", "1.19.4rc1"]) == "1.19.3"
    assert nearestwheel.nearest("1.5.2", ["1.5.2", "1.5.10", "1.6.0"]) == "1.5.10"
    assert nearestwheel.nearest("0.27.3", ["0.29.21", "3.0.0"]) == "0.29.21"
    assert nearestwheel.nearest("5.4.2", ["4.0", "6.0"]) is None


def test_a_pin_pip_reports_without_a_version_list_is_kept() -> None:
    def run(args: list[str]) -> tuple[int, str]:
        return 1, "ERROR: network unreachable\n"

    assert nearestwheel.rewrite(["numpy==1.16.0"], [], run)[0] == ["numpy==1.16.0"]
