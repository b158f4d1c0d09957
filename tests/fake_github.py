"""A fake GitHub REST API on 127.0.0.1 (stdlib http.server on port 0, in a thread).

It keeps a little state (repository, issues, comments, pulls, collaborator permissions),
records every request (method, path, headers, parsed JSON body), checks the bearer token,
and can be told to fail: ``fail("POST", "/pulls", 422)`` makes the next matching request
answer with that status.

Usage::

    with FakeGitHub(token="t0k") as gh:
        gh.add_issue(7, "Title", "Body")
        client = GitHubClient("octo/demo", token="t0k", base_url=gh.url)
"""

from __future__ import annotations

import json
import re
import threading
import os
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

# A tiny buggy project and the patch that fixes it, shared by the GitHub front-end tests.
CALC = "def add(a, b):\n    return a - b\n\n\ndef mul(a, b):\n    return a * b\n"
TESTS = "from calc import add, mul\n\n\ndef test_add():\n    assert add(2, 3) == 5\n\n\ndef test_mul():\n    assert mul(2, 3) == 6\n"
PATCH = (
    "diff --git a/calc.py b/calc.py\n--- a/calc.py\n+++ b/calc.py\n@@ -1,5 +1,5 @@\n"
    " def add(a, b):\n-    return a - b\n+    return a + b\n \n \n def mul(a, b):\n"
)


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any

    @property
    def raw(self) -> str:
        return json.dumps({"m": self.method, "p": self.path, "h": self.headers, "b": self.body})


@dataclass
class _Fault:
    method: str
    pattern: str
    status: int
    times: int
    message: str
    headers: dict[str, str]


@dataclass
class FakeGitHub:
    repo: str = "octo/demo"
    token: str | None = None
    default_branch: str = "main"
    clone_url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    pulls: list[dict[str, Any]] = field(default_factory=list)
    permissions: dict[str, str] = field(default_factory=dict)
    page_size: int = 100
    _faults: list[_Fault] = field(default_factory=list)

    # ------------------------------------------------------------------ lifecycle

    def __enter__(self) -> "FakeGitHub":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> "FakeGitHub":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = raw.decode("utf-8", "replace")
                status, payload, headers = fake._dispatch(self.command, self.path, dict(self.headers.items()), body)
                data = json.dumps(payload).encode() if payload is not None else b""
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # ------------------------------------------------------------------ state helpers

    def add_issue(
        self,
        number: int,
        title: str,
        body: str = "",
        *,
        state: str = "open",
        locked: bool = False,
        comments: list[tuple[str, str]] = (),  # type: ignore[assignment]
        author: str = "reporter",
    ) -> dict[str, Any]:
        issue = {
            "number": number,
            "title": title,
            "body": body,
            "state": state,
            "locked": locked,
            "html_url": f"https://github.com/{self.repo}/issues/{number}",
            "user": {"login": author, "type": "User"},
            "labels": [],
            "comments": 0,
        }
        self.issues[number] = issue
        self.comments[number] = []
        for login, text in comments:
            self._add_comment(number, login, text)
        return issue

    def _add_comment(self, number: int, login: str, body: str, association: str = "NONE") -> dict[str, Any]:
        comment = {
            "id": 1000 + sum(len(c) for c in self.comments.values()),
            "body": body,
            "user": {"login": login, "type": "Bot" if login.endswith("[bot]") else "User"},
            "author_association": association,
            "html_url": f"https://github.com/{self.repo}/issues/{number}#issuecomment-{len(self.comments[number])}",
        }
        self.comments[number].append(comment)
        self.issues[number]["comments"] = len(self.comments[number])
        return comment

    def add_pull(self, head: str, *, base: str = "main", title: str = "a PR", state: str = "open") -> dict[str, Any]:
        number = 100 + len(self.pulls)
        pull = {
            "number": number,
            "title": title,
            "body": "",
            "state": state,
            "draft": False,
            "head": {"ref": head},
            "base": {"ref": base},
            "html_url": f"https://github.com/{self.repo}/pull/{number}",
        }
        self.pulls.append(pull)
        return pull

    def fail(
        self,
        method: str,
        pattern: str,
        status: int,
        *,
        times: int = 1,
        message: str = "fake failure",
        headers: dict[str, str] | None = None,
    ) -> None:
        """The next ``times`` requests whose path matches regex ``pattern`` answer ``status``."""
        self._faults.append(_Fault(method, pattern, status, times, message, headers or {}))

    def calls(self, method: str | None = None, pattern: str = "") -> list[Recorded]:
        return [
            r
            for r in self.requests
            if (method is None or r.method == method) and re.search(pattern, r.path)
        ]

    @property
    def created_pulls(self) -> list[dict[str, Any]]:
        return [r.body for r in self.calls("POST", r"/pulls$") if isinstance(r.body, dict)]

    # ------------------------------------------------------------------ routing

    def _dispatch(
        self, method: str, path: str, headers: dict[str, str], body: Any
    ) -> tuple[int, Any, dict[str, str]]:
        self.requests.append(Recorded(method, path, headers, body))
        for fault in self._faults:
            if fault.times > 0 and fault.method == method and re.search(fault.pattern, path):
                fault.times -= 1
                return fault.status, {"message": fault.message}, fault.headers
        if self.token is not None:
            auth = {k.lower(): v for k, v in headers.items()}.get("authorization", "")
            if auth not in (f"Bearer {self.token}", f"token {self.token}"):
                return 401, {"message": "Bad credentials"}, {}
        route, _, query = path.partition("?")
        params = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
        prefix = f"/repos/{self.repo}"
        if not route.startswith(prefix):
            return 404, {"message": "Not Found"}, {}
        rest = route[len(prefix):]
        if rest in ("", "/") and method == "GET":
            return 200, {
                "full_name": self.repo,
                "default_branch": self.default_branch,
                "clone_url": self.clone_url,
                "html_url": f"https://github.com/{self.repo}",
            }, {}
        match = re.fullmatch(r"/issues/(\d+)", rest)
        if match and method == "GET":
            issue = self.issues.get(int(match.group(1)))
            return (200, issue, {}) if issue else (404, {"message": "Not Found"}, {})
        match = re.fullmatch(r"/issues/(\d+)/comments", rest)
        if match:
            number = int(match.group(1))
            if number not in self.issues:
                return 404, {"message": "Not Found"}, {}
            if method == "GET":
                return self._page(self.comments[number], route, params)
            if method == "POST":
                if self.issues[number]["locked"]:
                    return 403, {"message": "Issue is locked"}, {}
                return 201, self._add_comment(number, "swebot[bot]", str((body or {}).get("body", ""))), {}
        if rest == "/pulls" and method == "GET":
            state = params.get("state", "open")
            pulls = [p for p in self.pulls if state == "all" or p["state"] == state]
            return self._page(pulls, route, params)
        if rest == "/pulls" and method == "POST":
            body = body or {}
            for key in ("title", "head", "base"):
                if not body.get(key):
                    return 422, {"message": "Validation Failed", "errors": [{"field": key, "code": "missing"}]}, {}
            if any(p["head"]["ref"] == body["head"] and p["state"] == "open" for p in self.pulls):
                return 422, {"message": "Validation Failed", "errors": [{"message": "A pull request already exists"}]}, {}
            pull = self.add_pull(body["head"], base=body["base"], title=body["title"])
            pull["body"] = body.get("body", "")
            pull["draft"] = bool(body.get("draft", False))
            return 201, pull, {}
        match = re.fullmatch(r"/collaborators/([^/]+)/permission", rest)
        if match and method == "GET":
            user = match.group(1)
            if user not in self.permissions:
                return 404, {"message": "Not Found"}, {}
            permission = self.permissions[user]
            legacy = {"maintain": "write", "triage": "read"}.get(permission, permission)
            return 200, {"permission": legacy, "role_name": permission, "user": {"login": user}}, {}
        return 404, {"message": "Not Found"}, {}

    def _page(self, items: list[Any], route: str, params: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        page = int(params.get("page", "1"))
        size = min(int(params.get("per_page", "30")), self.page_size)
        chunk = items[(page - 1) * size : page * size]
        headers: dict[str, str] = {}
        if page * size < len(items):
            extra = "&".join(f"{k}={v}" for k, v in params.items() if k not in ("page",))
            headers["Link"] = f'<{self.url}{route}?{extra}&page={page + 1}>; rel="next"'
        return 200, chunk, headers


@dataclass
class FakeFixer:
    """Stands in for run_fix: records the request, the environment, and what a sandbox sees."""

    status: str = "fixed"
    patch: str = PATCH
    calls: list[Any] = field(default_factory=list)
    environ: list[dict[str, str]] = field(default_factory=list)
    sandbox_env: list[str] = field(default_factory=list)
    seen_files: list[set[str]] = field(default_factory=list)

    def __call__(self, request: Any) -> Any:
        from swebot.repair import FixReport
        from swebot.sandbox.local import LocalSandbox

        self.calls.append(request)
        self.environ.append(dict(os.environ))
        root = Path(request.path)
        self.seen_files.append({str(p.relative_to(root)) for p in root.rglob("*") if ".git" not in p.parts})
        with LocalSandbox(Path(request.path)) as box:
            self.sandbox_env.append(box.execute("env", timeout=30).stdout)
        run_dir = request.output_dir or Path(request.path).parent / "run"
        run_dir.mkdir(parents=True, exist_ok=True)
        (run_dir / "trajectory.json").write_text(json.dumps({"issue": request.issue, "env": "scrubbed"}))
        fixed = self.status == "fixed"
        return FixReport(
            status=self.status,
            patch=self.patch if self.status != "nothing_to_fix" else "",
            files_changed=("calc.py",),
            failing_before=("tests/test_calc.py::test_add",) if self.status != "nothing_to_fix" else (),
            failing_after=() if fixed or self.status == "nothing_to_fix" else ("tests/test_calc.py::test_add",),
            candidates_tried=4,
            seconds=1.5,
            run_dir=run_dir,
            limit_hit=None if fixed else "max_candidates",
            cost=0.0,
            description="replaced '-' with '+' in calc.add (calc.py:2)",
        )
