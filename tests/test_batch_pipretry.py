"""pipretry: a conda environment file installed with pip, without the packages PyPI lacks (real pip, local wheels)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import swebot.batch.pipretry as pipretry


def _wheel(folder: Path, name: str, version: str) -> None:
    dist = f"{name}-{version}.dist-info"
    files = {f"{name}/__init__.py": f"VERSION = {version!r}\n",
             f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
             f"{dist}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    files[f"{dist}/RECORD"] = "".join(f"{path},,\n" for path in [*files, f"{dist}/RECORD"])
    with zipfile.ZipFile(folder / f"{name}-{version}-py3-none-any.whl", "w") as whl:
        for path, text in files.items():
            whl.writestr(path, text)


def _run(tmp_path: Path, requirements: str) -> tuple[subprocess.CompletedProcess[str], Path, Path]:
    wheels, target = tmp_path / "wheels", tmp_path / "target"
    wheels.mkdir(exist_ok=True)
    _wheel(wheels, "alpha", "1.0")
    _wheel(wheels, "beta", "2.0")
    req = tmp_path / "requirements.txt"
    req.write_text(requirements)
    proc = subprocess.run([sys.executable, pipretry.__file__, str(req), "--no-index", "--find-links", str(wheels),
                           "--target", str(target), "--disable-pip-version-check"],
                          capture_output=True, text=True, timeout=300)
    return proc, req, target


def test_packages_pypi_lacks_are_left_out_and_the_rest_installed(tmp_path: Path) -> None:
    proc, req, target = _run(tmp_path, "alpha\ncdms2\nbeta>=1\nhdf5-tools==1.2.*\n")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (target / "alpha" / "__init__.py").is_file() and (target / "beta" / "__init__.py").is_file()
    assert "swebot: cdms2 has no distribution on PyPI for this Python (a conda package): left out" in proc.stdout
    assert "swebot: left out of the environment: cdms2, hdf5-tools" in proc.stdout
    assert req.read_text() == "alpha\nbeta>=1\n"


def test_a_version_that_does_not_exist_of_a_known_package_still_fails(tmp_path: Path) -> None:
    proc, req, target = _run(tmp_path, "alpha==9.9\nbeta\n")
    assert proc.returncode != 0
    assert "left out" not in proc.stdout and req.read_text() == "alpha==9.9\nbeta\n"
    assert not (target / "beta").exists()


def test_requirement_names_are_compared_as_pip_does() -> None:
    assert pipretry.without(["Foo_Bar>=1", "# foo-bar", "foo.barbaz", "-c x.txt"], "foo-bar") == [
        "# foo-bar", "foo.barbaz", "-c x.txt"]
