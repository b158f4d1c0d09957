"""A small GitHub REST client: issues, comments, pull requests, collaborator permissions.

The HTTP layer is a one-method seam (``swebot.github.transport.Transport``); the default uses urllib. Tests point
the client at a fake API server on loopback through ``base_url`` (``GITHUB_API_URL``).

The token is only ever placed in the ``Authorization`` header. Every message this module builds
from a response goes through ``redact`` so the token cannot leak into logs or exceptions.
"""

from __future__ import annotations

import http.client
import json
import re
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any, Mapping

from swebot.errors import SwebotError
from swebot.github.secrets import redact
from swebot.github.transport import HttpResponse, Transport, UrllibTransport
from swebot.github.urls import DEFAULT_API_URL
WRITE_PERMISSIONS = frozenset({"admin", "maintain", "write"})
_MAX_PAGES = 20


# ----------------------------------------------------------------------------- errors


class GitHubError(SwebotError):
    """The GitHub API answered with an error (or could not be reached). ``status`` is the HTTP
    status code, or ``None`` when no response came back."""

    exit_status = 3

    def __init__(self, message: str, *, status: int | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status = status


class GitHubAuthError(GitHubError):
    """401 or 403: the token is missing, wrong, or lacks a permission."""


class GitHubNotFound(GitHubError):
    """404: the repository, issue or user does not exist (or the token cannot see it)."""

    exit_status = 2


class GitHubValidationError(GitHubError):
    """422: GitHub refused the request as invalid (e.g. a PR for this branch already exists)."""


class GitHubServerError(GitHubError):
    """5xx, or the server could not be reached at all."""


def error_for_status(status: int | None, message: str) -> GitHubError:
    if status in (401, 403):
        return GitHubAuthError(
            message,
            status=status,
            hint="set GITHUB_TOKEN (or GH_TOKEN) to a token with contents, pull-requests and issues write access",
        )
    if status == 404:
        return GitHubNotFound(message, status=status)
    if status == 422:
        return GitHubValidationError(message, status=status)
    if status is None or status >= 500:
        return GitHubServerError(message, status=status, hint="GitHub may be unavailable; try again later")
    return GitHubError(message, status=status)


# ----------------------------------------------------------------------------- values


@dataclass(frozen=True)
class Comment:
    author: str
    body: str
    author_association: str = "NONE"
    user_type: str = "User"


@dataclass(frozen=True)
class Issue:
    number: int
    title: str
    body: str
    state: str  # open | closed
    locked: bool
    html_url: str = ""
    author: str = ""
    labels: tuple[str, ...] = ()
    is_pull_request: bool = False
    comments: tuple[Comment, ...] = ()


@dataclass(frozen=True)
class PullRequest:
    number: int
    html_url: str
    head_ref: str
    base_ref: str = ""
    state: str = "open"
    draft: bool = False
    title: str = ""
    body: str = ""


@dataclass(frozen=True)
class RepoInfo:
    full_name: str
    default_branch: str
    clone_url: str = ""
    html_url: str = ""


def _issue_from_json(data: Mapping[str, Any], comments: tuple[Comment, ...] = ()) -> Issue:
    return Issue(
        number=int(data["number"]),
        title=str(data.get("title") or ""),
        body=str(data.get("body") or ""),
        state=str(data.get("state") or "open"),
        locked=bool(data.get("locked", False)),
        html_url=str(data.get("html_url") or ""),
        author=str((data.get("user") or {}).get("login") or ""),
        labels=tuple(
            str(label.get("name") if isinstance(label, Mapping) else label) for label in data.get("labels") or ()
        ),
        is_pull_request="pull_request" in data and data["pull_request"] is not None,
        comments=comments,
    )


def _comment_from_json(data: Mapping[str, Any]) -> Comment:
    user = data.get("user") or {}
    return Comment(
        author=str(user.get("login") or ""),
        body=str(data.get("body") or ""),
        author_association=str(data.get("author_association") or "NONE"),
        user_type=str(user.get("type") or "User"),
    )


def _pull_from_json(data: Mapping[str, Any]) -> PullRequest:
    return PullRequest(
        number=int(data["number"]),
        html_url=str(data.get("html_url") or ""),
        head_ref=str((data.get("head") or {}).get("ref") or ""),
        base_ref=str((data.get("base") or {}).get("ref") or ""),
        state=str(data.get("state") or "open"),
        draft=bool(data.get("draft", False)),
        title=str(data.get("title") or ""),
        body=str(data.get("body") or ""),
    )


_NEXT_LINK = re.compile(r'<([^>]+)>;\s*rel="next"')


# ----------------------------------------------------------------------------- client


@dataclass
class GitHubClient:
    """REST calls for one repository ``owner/name``. ``token`` may be ``None`` for public reads."""

    repo: str
    token: str | None = field(default=None, repr=False)
    base_url: str = DEFAULT_API_URL
    transport: Transport = field(default_factory=UrllibTransport, repr=False)
    timeout: float = 30.0
    retries: int = 2  # extra attempts for GETs that hit 5xx or no response
    backoff: float = 1.0  # seconds, doubled per retry

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", self.repo):
            raise GitHubError(f"not a repository name (owner/name): {self.repo!r}", status=None)
        self.base_url = self.base_url.rstrip("/")
        parsed = urllib.parse.urlsplit(self.base_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise GitHubError(f"GITHUB_API_URL is not an http(s) URL: {self.base_url!r}")

    # -- plumbing

    def redact(self, text: str) -> str:
        return redact(text, (self.token,) if self.token else ())

    def _headers(self, has_body: bool) -> dict[str, str]:
        headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": "swebot",
        }
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if has_body:
            headers["Content-Type"] = "application/json"
        return headers

    def _url(self, path: str, query: Mapping[str, str | int] | None = None) -> str:
        url = f"{self.base_url}{path}"
        if query:
            url += "?" + urllib.parse.urlencode({k: str(v) for k, v in query.items()})
        return url

    def _send(self, method: str, url: str, payload: Any = None) -> HttpResponse:
        body = json.dumps(payload).encode() if payload is not None else None
        attempts = 1 + (self.retries if method == "GET" else 0)
        delay = self.backoff
        for attempt in range(attempts):
            try:
                resp = self.transport.request(method, url, self._headers(body is not None), body, self.timeout)
            except (OSError, http.client.HTTPException) as exc:
                if attempt + 1 < attempts:
                    time.sleep(delay)
                    delay *= 2
                    continue
                where = self.redact(url)
                raise error_for_status(None, self.redact(f"GitHub API unreachable ({method} {where}): {exc}")) from None
            if resp.status >= 500 and attempt + 1 < attempts:
                time.sleep(delay)
                delay *= 2
                continue
            if resp.status >= 300:  # redirects are not followed: they could carry the token elsewhere
                raise self._error(method, url, resp)
            return resp
        raise AssertionError("unreachable")  # pragma: no cover

    def _error(self, method: str, url: str, resp: HttpResponse) -> GitHubError:
        detail = ""
        try:
            data = resp.json()
            if isinstance(data, Mapping):
                detail = str(data.get("message") or "")
                errors = data.get("errors")
                if errors:
                    detail += " " + json.dumps(errors)[:500]
        except (ValueError, UnicodeDecodeError):
            detail = resp.body[:200].decode("utf-8", "replace")
        path = urllib.parse.urlsplit(url).path
        message = f"GitHub API {method} {path} failed with HTTP {resp.status}"
        if detail:
            message += f": {detail.strip()}"
        if resp.status == 403 and resp.headers.get("X-RateLimit-Remaining", resp.headers.get("x-ratelimit-remaining")) == "0":
            message += " (rate limit exhausted)"
        return error_for_status(resp.status, self.redact(message))

    def _json(self, method: str, url: str, payload: Any = None) -> Any:
        resp = self._send(method, url, payload)
        try:
            return resp.json()
        except (ValueError, UnicodeDecodeError):
            path = urllib.parse.urlsplit(url).path
            raise GitHubServerError(f"GitHub API {method} {path} answered HTTP {resp.status} with a body "
                                    "that is not JSON", status=resp.status) from None

    def _get_json(self, path: str, query: Mapping[str, str | int] | None = None) -> Any:
        data = self._json("GET", self._url(path, query))
        if not isinstance(data, Mapping):
            raise GitHubServerError(f"GitHub API GET {path}: expected an object", status=200)
        return data

    def _get_pages(self, path: str, query: Mapping[str, str | int] | None = None) -> list[Any]:
        url: str | None = self._url(path, {"per_page": 100, **(query or {})})
        items: list[Any] = []
        for _ in range(_MAX_PAGES):
            if url is None:
                break
            resp = self._send("GET", url)
            try:
                page = resp.json() or []
            except (ValueError, UnicodeDecodeError):
                page = None
            if not isinstance(page, list):
                raise GitHubServerError(f"GitHub API GET {path}: expected a list", status=resp.status)
            items.extend(page)
            link = resp.headers.get("Link") or resp.headers.get("link") or ""
            match = _NEXT_LINK.search(link)
            url = match.group(1) if match else None
            if url is not None and urllib.parse.urlsplit(url).netloc != urllib.parse.urlsplit(self.base_url).netloc:
                url = None  # never follow a link (carrying our token) to another host
        return items

    # -- endpoints

    def get_repo(self) -> RepoInfo:
        data = self._get_json(f"/repos/{self.repo}")
        return RepoInfo(
            full_name=str(data.get("full_name") or self.repo),
            default_branch=str(data.get("default_branch") or "main"),
            clone_url=str(data.get("clone_url") or ""),
            html_url=str(data.get("html_url") or ""),
        )

    def get_issue(self, number: int, *, with_comments: bool = True) -> Issue:
        data = self._get_json(f"/repos/{self.repo}/issues/{int(number)}")
        comments: tuple[Comment, ...] = ()
        if with_comments and int(data.get("comments") or 0) > 0:
            comments = self.list_issue_comments(number)
        return _issue_from_json(data, comments)

    def list_issue_comments(self, number: int) -> tuple[Comment, ...]:
        return tuple(_comment_from_json(c) for c in self._get_pages(f"/repos/{self.repo}/issues/{int(number)}/comments"))

    def list_pulls(self, state: str = "open") -> tuple[PullRequest, ...]:
        return tuple(_pull_from_json(p) for p in self._get_pages(f"/repos/{self.repo}/pulls", {"state": state}))

    def create_pull(
        self, *, title: str, head: str, base: str, body: str, draft: bool = True
    ) -> PullRequest:
        data = self._json(
            "POST",
            self._url(f"/repos/{self.repo}/pulls"),
            {"title": title, "head": head, "base": base, "body": body, "draft": draft, "maintainer_can_modify": True},
        )
        if not isinstance(data, Mapping) or "number" not in data:
            raise GitHubServerError("GitHub API POST /pulls: the answer carries no pull request", status=None)
        return _pull_from_json(data)

    def comment_on_issue(self, number: int, body: str) -> str:
        """Post a comment; returns its URL."""
        data = self._json("POST", self._url(f"/repos/{self.repo}/issues/{int(number)}/comments"), {"body": body})
        return str((data if isinstance(data, Mapping) else {}).get("html_url") or "")

    def collaborator_permission(self, username: str) -> str:
        """``admin``, ``maintain``, ``write``, ``triage``, ``read`` or ``none`` (not a collaborator)."""
        if not re.fullmatch(r"[A-Za-z0-9-]+(\[bot\])?", username or ""):
            return "none"
        user = urllib.parse.quote(username, safe="")
        try:
            data = self._get_json(f"/repos/{self.repo}/collaborators/{user}/permission")
        except GitHubNotFound:
            return "none"
        role = str((data or {}).get("role_name") or "")
        permission = str((data or {}).get("permission") or "none")
        # role_name carries maintain/triage, which the legacy "permission" field folds away.
        return role if role in ("admin", "maintain", "write", "triage", "read") else permission
