"""GitHub addresses: the REST base URL, issue URLs, and repositories named by git remote URLs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

from swebot.errors import BadInput

DEFAULT_API_URL = "https://api.github.com"


def api_url_from_env(env: Mapping[str, str], *, web_host: str | None = None) -> str:
    """The REST base URL: ``GITHUB_API_URL`` if set; else derived from a web host (GitHub
    Enterprise serves the API under ``https://HOST/api/v3``); else api.github.com."""
    configured = env.get("GITHUB_API_URL", "").strip()
    if configured:
        return configured.rstrip("/")
    if web_host and web_host.lower() not in ("github.com", "www.github.com"):
        return f"https://{web_host}/api/v3"
    return DEFAULT_API_URL


@dataclass(frozen=True)
class IssueRef:
    host: str
    owner: str
    repo: str
    number: int

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.repo}"


_ISSUE_URL = re.compile(r"^https?://([^/\s]+)/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)/(?:issues|pull)/(\d+)/?(?:[#?].*)?$")


def parse_issue_url(url: str) -> IssueRef:
    """``https://HOST/OWNER/REPO/issues/N`` -> IssueRef; raises ``BadInput`` otherwise."""
    match = _ISSUE_URL.match(url.strip())
    if not match:
        raise BadInput(
            f"not an issue URL: {url!r}", hint="expected https://github.com/OWNER/REPO/issues/NUMBER"
        )
    host, owner, repo, number = match.groups()
    if "@" in host:
        raise BadInput("an issue URL must not carry credentials", hint="put the token in GITHUB_TOKEN instead")
    return IssueRef(host=host, owner=owner, repo=repo.removesuffix(".git"), number=int(number))


_REMOTE_PATTERNS = (
    re.compile(r"^(?:https?|ssh|git)://(?:[^@/]+@)?([^/:]+)(?::\d+)?/(?:.*/)?([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?$"),
    re.compile(r"^(?:[^@/]+@)?([^/:]+):(?:.*/)?([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?$"),
)


def repo_from_remote_url(url: str) -> tuple[str, str] | None:
    """(host, "owner/name") for a GitHub-style remote URL (https, ssh, scp-like); else ``None``."""
    url = url.strip()
    if url.startswith("file://") or url.startswith("/"):
        return None
    for pattern in _REMOTE_PATTERNS:
        match = pattern.match(url)
        if match:
            host, owner, name = match.groups()
            return host, f"{owner}/{name}"
    return None


def is_issue_number(value: str) -> bool:
    """``12`` or ``#12``: an issue of the repository at hand, not prose."""
    return bool(re.fullmatch(r"#?\d{1,9}", value.strip()))
