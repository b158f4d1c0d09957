"""Runs one command inside a sandbox container; copied into every container swebot starts.

Standard library only, Python 3.8+: it runs under whatever interpreter the image has.

``python3 inside_exec.py SPEC_JSON`` (or ``@FILE`` holding it) runs the command described by SPEC_JSON, enforces the
timeout *inside* the container (so a slow or broken link to the daemon cannot stretch it),
kills every process the command started, keeps at most ``limit`` bytes per stream (head and
tail, so a command printing gigabytes costs neither memory nor disk), and prints one JSON
object: exit_code, timed_out, stdout, stderr, truncated.

``python3 inside_exec.py --kill MARKER`` kills whatever is left of a command (the host's
fallback when the in-container timeout itself did not come back).
"""

import collections
import json
import os
import selectors
import signal
import subprocess
import sys
import time

MARKER_VAR = "SWEBOT_EXEC_MARKER"
LONG_COMMAND = 100000  # bytes; longer shell commands run from a script file


def _proc_pids():
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) != os.getpid():
            yield int(name)


def _belongs(pid, marker, sid):
    """A process is the command's if it is in its session or still carries its marker."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as fh:
            stat = fh.read()
        # Fields after the parenthesised command name: state ppid pgrp session ...
        fields = stat[stat.rindex(b")") + 2:].split()
        if sid is not None and int(fields[3]) == sid:
            return True
        with open("/proc/%d/environ" % pid, "rb") as fh:
            return (MARKER_VAR + "=" + marker).encode() in fh.read().split(b"\0")
    except (OSError, ValueError, IndexError):
        return False


def sweep(marker, sid=None, rounds=50):
    """Kill the command's processes until a full pass finds none (a fork bomb keeps forking)."""
    for _ in range(rounds):
        found = False
        if sid is not None:
            try:
                os.killpg(sid, signal.SIGKILL)
            except OSError:
                pass
        for pid in list(_proc_pids()):
            if _belongs(pid, marker, sid):
                found = True
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        if not found:
            return
        time.sleep(0.01)


class Bounded:
    """Keeps the first and last ``limit // 2`` bytes of a stream and counts the rest."""

    def __init__(self, limit):
        self.half = max(limit // 2, 1)
        self.head = bytearray()
        self.tail = collections.deque()
        self.tail_len = 0
        self.total = 0

    def add(self, data):
        self.total += len(data)
        room = self.half - len(self.head)
        if room > 0:
            self.head += data[:room]
            data = data[room:]
        if data:
            self.tail.append(data)
            self.tail_len += len(data)
            while self.tail_len - len(self.tail[0]) >= self.half:
                self.tail_len -= len(self.tail.popleft())

    def text(self):
        tail = b"".join(self.tail)[-self.half:] if self.tail else b""
        cut = self.total - len(self.head) - len(tail)
        if cut <= 0:
            return (bytes(self.head) + tail).decode("utf-8", "replace"), False
        note = ("\n[... %d bytes of output cut by swebot ...]\n" % cut).encode()
        return (bytes(self.head) + note + tail).decode("utf-8", "replace"), True


# Where the container's cgroup counts OOM kills: cgroup v2, then v1 (kernel >= 4.13).
OOM_COUNTERS = ("/sys/fs/cgroup/memory.events", "/sys/fs/cgroup/memory/memory.oom_control")


def oom_kills():
    """How many processes the memory limit has killed in this container so far; None if unknown."""
    for path in OOM_COUNTERS:
        try:
            with open(path) as fh:
                for line in fh:
                    key, _, value = line.partition(" ")
                    if key == "oom_kill":
                        return int(value)
        except (OSError, ValueError):
            continue
    return None


def _prefer_me_for_oom():
    # Raising one's own OOM score needs no privilege; the command dies first, not this helper.
    try:
        with open("/proc/self/oom_score_adj", "w") as fh:
            fh.write("1000")
    except OSError:
        pass


def run(spec):
    marker = spec["marker"]
    env = dict(os.environ)
    for name in spec.get("unset") or ():
        env.pop(name, None)
    env[MARKER_VAR] = marker
    command = spec["command"]
    timeout = float(spec.get("timeout") or 0)
    limit = int(spec.get("limit") or 1000000)

    # SIGCHLD wakes the selector the moment the command exits, without polling.
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)

    script = None
    if isinstance(command, str) and len(command.encode()) > LONG_COMMAND:
        # `sh -c` takes the script as one argument, capped by the kernel at 128 KiB.
        script = "/tmp/swebot-cmd-%s.sh" % marker
        with open(script, "w", encoding="utf-8") as fh:
            fh.write(command)
        command = ["/bin/sh", script]
    start = time.monotonic()
    kills_before = oom_kills()
    try:
        proc = subprocess.Popen(
            command,
            shell=isinstance(command, str),
            cwd=spec.get("cwd") or None,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            preexec_fn=_prefer_me_for_oom,
        )
    except OSError as exc:
        # Same shape as a shell's "command not found" (127) or "cannot execute" (126).
        code = 127 if isinstance(exc, FileNotFoundError) else 126
        return {"exit_code": code, "timed_out": False, "stdout": "",
                "stderr": "swebot: %s\n" % exc, "truncated": False}

    streams = {proc.stdout: Bounded(limit), proc.stderr: Bounded(limit)}
    out_buf, err_buf = streams[proc.stdout], streams[proc.stderr]
    sel = selectors.DefaultSelector()
    for pipe in streams:
        os.set_blocking(pipe.fileno(), False)
        sel.register(pipe, selectors.EVENT_READ)
    sel.register(wake_r, selectors.EVENT_READ)

    deadline = start + timeout if timeout > 0 else None
    timed_out = False
    swept = False
    drain_until = None
    open_pipes = len(streams)
    while open_pipes:
        if not swept and proc.poll() is not None:
            # The command is done; anything it left running (holding our pipes) goes too.
            sweep(marker, proc.pid)
            swept = True
        if deadline is not None and not swept and time.monotonic() >= deadline:
            timed_out = True
            sweep(marker, proc.pid)
            swept = True
        if swept and drain_until is None:
            # A process that escaped both session and marker may hold a pipe open forever.
            drain_until = time.monotonic() + 2.0
        if drain_until is not None and time.monotonic() >= drain_until:
            break
        wait = 1.0
        if deadline is not None and not swept:
            wait = max(0.0, min(wait, deadline - time.monotonic()))
        elif drain_until is not None:
            wait = max(0.0, min(wait, drain_until - time.monotonic()))
        for key, _ in sel.select(wait):
            if key.fileobj == wake_r:
                try:
                    os.read(wake_r, 4096)
                except BlockingIOError:
                    pass
                continue
            try:
                data = os.read(key.fileobj.fileno(), 65536)
            except BlockingIOError:
                continue
            if data:
                streams[key.fileobj].add(data)
            else:
                sel.unregister(key.fileobj)
                open_pipes -= 1
    proc.wait()
    if not swept:
        sweep(marker, proc.pid)
    if script:
        os.unlink(script)
    stdout, cut_out = out_buf.text()
    stderr, cut_err = err_buf.text()
    kills_after = oom_kills()
    return {
        "exit_code": -signal.SIGKILL if timed_out else proc.returncode,
        "timed_out": timed_out,
        "stdout": stdout,
        "stderr": stderr,
        "truncated": cut_out or cut_err,
        # Another command running at the same time in this container could be the one killed;
        # swebot runs one at a time per container.
        "oom_killed": None if kills_before is None or kills_after is None else kills_after > kills_before,
    }


def main(argv):
    if len(argv) == 3 and argv[1] == "--kill":
        sweep(argv[2])
        return 0
    arg = argv[1]
    if arg.startswith("@"):  # a spec too large for one argument, staged in a file by the host
        with open(arg[1:], encoding="utf-8") as fh:
            arg = fh.read()
        os.unlink(fh.name)
    result = run(json.loads(arg))
    sys.stdout.write(json.dumps(result))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
