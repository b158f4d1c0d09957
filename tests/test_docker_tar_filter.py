"""Extracting the container's workspace safely on interpreters without tarfile's "data" filter
(Python < 3.11.4, e.g. Debian 12's 3.11.2, where `swebot fix` with Docker crashed on `filter=`)."""

from __future__ import annotations

import io
import os
import tarfile
from pathlib import Path

import pytest

from swebot.sandbox.docker import _data_filter, _extract


def _member(name: str, kind: bytes = tarfile.REGTYPE, linkname: str = "", mode: int = 0o644) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname, info.mode = kind, linkname, mode
    info.uid = info.gid = 4242
    info.uname = info.gname = "someone"
    return info


@pytest.fixture(params=["python's filter", "swebot's rules"])
def rules(request, monkeypatch):  # type: ignore[no-untyped-def]
    if request.param == "swebot's rules":
        monkeypatch.delattr(tarfile, "data_filter")
    return request.param


def test_unsafe_members_are_refused_with_or_without_pythons_data_filter(tmp_path: Path, rules: str) -> None:
    dest = str(tmp_path)
    refused = [
        _member("../escape.txt"),
        _member("sub/../../escape.txt"),
        _member("dev", tarfile.CHRTYPE),
        _member("pipe", tarfile.FIFOTYPE),
        _member("hard", tarfile.LNKTYPE, linkname="../../etc/passwd"),
        _member("soft", tarfile.SYMTYPE, linkname="/etc/passwd"),
    ]
    for member in refused:
        with pytest.raises(tarfile.TarError):
            _data_filter(member, dest)
    assert _data_filter(_member("/etc/passwd"), dest).name == "etc/passwd"  # under dest, as a relative name
    safe = _data_filter(_member("pkg/mod.py", mode=0o4777), dest)
    assert safe.name == "pkg/mod.py"
    assert safe.mode is not None and not safe.mode & 0o7022  # no setuid, no group/other write
    assert not safe.uname and not safe.gname  # the host user owns what is extracted


def test_a_file_is_extracted_with_its_content_with_or_without_pythons_data_filter(tmp_path: Path,
                                                                                   rules: str) -> None:
    data = b"print('hi')\n"
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        info = _member("pkg/mod.py", mode=0o644)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    buffer.seek(0)
    (tmp_path / "out").mkdir()
    with tarfile.open(fileobj=buffer, mode="r") as tar:
        for member in tar:
            _extract(tar, member, tmp_path / "out")
    extracted = tmp_path / "out" / "pkg" / "mod.py"
    assert extracted.read_bytes() == data
    assert extracted.stat().st_uid == os.getuid()
