"""The terminal progress display: stages, candidates tried, best so far.

On a terminal one status line is redrawn in place; elsewhere (logs, CI) each stage is one line and
candidate updates are thinned out so the output stays readable.
"""

from __future__ import annotations

from typing import Mapping, TextIO


class TerminalProgress:
    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._live = stream.isatty()
        self._stage = ""
        self._drawn = False

    def __call__(self, event: str, fields: Mapping[str, object]) -> None:
        if event == "stage":
            detail = f": {fields['detail']}" if fields.get("detail") else ""
            self._stage = f"{fields.get('name', '')}{detail}"
            self._line(f"[swebot] {self._stage}", keep=True)
        elif event == "warning":
            self._line(f"[swebot] warning: {fields.get('message', '')}", keep=True)
        elif event == "candidate":
            tried = int(fields.get("tried", 0))  # type: ignore[call-overload]  # progress fields are objects; "tried" is an int
            text = f"[swebot] candidates tried: {tried}  best so far: {fields.get('best', '-')}"
            if self._live:
                self._line(text, keep=False)
            elif tried in (1, 10) or tried % 50 == 0:
                self._line(text, keep=True)
        elif event == "step":
            text = "[swebot] step {n}  tool: {tool}  cost: ${cost}".format(
                n=fields.get("n", "?"), tool=fields.get("tool", "-"), cost=fields.get("cost", 0))
            self._line(text, keep=not self._live)
        elif event == "thinking":
            self._line(f"[thinking] {fields.get('text', '')}", keep=True)

    def _line(self, text: str, *, keep: bool) -> None:
        if self._live:
            self._stream.write("\r\033[K" + text[:200] + ("\n" if keep else ""))
            self._drawn = not keep
        else:
            self._stream.write(text + "\n")
        self._stream.flush()

    def finish(self) -> None:
        if self._drawn:
            self._stream.write("\n")
            self._stream.flush()
            self._drawn = False
