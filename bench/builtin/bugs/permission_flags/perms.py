"""Bit-flag permissions for users and roles."""

from __future__ import annotations

from enum import IntFlag
from typing import Iterable


class Perm(IntFlag):
    NONE = 0
    READ = 1
    WRITE = 2
    DELETE = 4
    ADMIN = 8


ROLES = {
    "viewer": Perm.READ,
    "editor": Perm.READ | Perm.WRITE,
    "owner": Perm.READ | Perm.WRITE | Perm.DELETE,
}


class Permissions:
    def __init__(self, value: int = 0) -> None:
        self.value = int(value)

    def has(self, flag: int) -> bool:
        return self.value & flag == flag

    def grant(self, flag: int) -> None:
        self.value ^= flag

    def revoke(self, flag: int) -> None:
        self.value &= ~flag

    def grant_all(self, roles: Iterable[str]) -> None:
        for role in roles:
            self.grant(ROLES[role])

    def names(self) -> list[str]:
        return [p.name for p in Perm if p and self.has(p)]
