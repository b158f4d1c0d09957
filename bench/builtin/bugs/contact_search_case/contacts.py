"""A tiny address book."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    tags: tuple[str, ...] = ()


def _matches(haystack: str, needle: str, case_sensitive: bool) -> bool:
    if not case_sensitive:
        haystack, needle = haystack.casefold(), needle.casefold()
    return needle in haystack


def search(contacts: list[Contact], term: str, case_sensitive: bool = True) -> list[Contact]:
    """Contacts whose name or email contains `term` (case-insensitive by default)."""
    term = term.strip()
    if not term:
        return list(contacts)
    return [
        c for c in contacts
        if _matches(c.name, term, case_sensitive) or _matches(c.email, term, case_sensitive)
    ]


def by_tag(contacts: list[Contact], tag: str) -> list[str]:
    return sorted(c.name for c in contacts if tag in c.tags)
