"""Keeps the processes of ``alliance serve`` running: the web server and the background workers.

The supervisor is a small parent process. It starts each child in a session of its own (so a
Ctrl+C in the terminal reaches the supervisor only, which then stops the children in order),
restarts a background worker that dies (after 1 s, doubling up to 30 s while it keeps dying
young), puts the dead worker's running task back in the queue at once, and stops everything
when it is asked to stop or when the web server exits. On Linux each child is also told to
stop if the supervisor itself is killed.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import FrameType

logger = logging.getLogger("alliance.serve")

RESTART_FIRST, RESTART_LONGEST = 1.0, 30.0
# A worker that lived this long before dying is restarted after the first, short pause again.
HEALTHY_AFTER = 60.0
STOP_GRACE = 25.0
POLL = 0.2


def _stop_with_parent() -> None:  # pragma: no cover  (runs in the child between fork and exec)
    """Linux: the child gets SIGTERM when the supervisor dies, even by SIGKILL."""
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGTERM)


@dataclass
class Child:
    name: str
    argv: Callable[[], Sequence[str]]
    restart: bool
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    pause: float = 0.0
    restart_at: float | None = None
    on_exit: Callable[[Child], None] | None = None
    generation: int = field(default=0)

    def start(self) -> None:
        self.generation += 1
        self.process = subprocess.Popen(  # noqa: S603  (our own command line)
            list(self.argv()), start_new_session=True, preexec_fn=_stop_with_parent
        )
        self.started = time.monotonic()
        self.restart_at = None
        logger.info("Started %s (pid %d)", self.name, self.process.pid)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


class Supervisor:
    def __init__(self, children: Sequence[Child]) -> None:
        self.children = list(children)
        self.stop_signal: int | None = None

    def run(self) -> int:
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, self._request_stop)
        for child in self.children:
            child.start()
        try:
            return self._watch()
        finally:
            self._stop_all()

    def _request_stop(self, signum: int, frame: FrameType | None) -> None:
        self.stop_signal = signum

    def _watch(self) -> int:
        while self.stop_signal is None:
            for child in self.children:
                code = self._check(child)
                if code is not None:
                    return code
            time.sleep(POLL)
        logger.info("Stopping (%s)", signal.Signals(self.stop_signal).name)
        return 0

    def _check(self, child: Child) -> int | None:
        """Restart a child that died, when it is to be restarted; otherwise the exit code
        that ends the supervisor."""
        now = time.monotonic()
        if child.restart_at is not None:
            if now >= child.restart_at:
                child.start()
            return None
        if child.running or child.process is None:
            return None
        code = child.process.returncode
        how = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"
        if not child.restart:
            logger.error("%s stopped (%s): stopping everything", child.name, how)
            return code if code > 0 else 1
        lived = now - child.started
        child.pause = (
            RESTART_FIRST
            if lived >= HEALTHY_AFTER
            else min(RESTART_LONGEST, child.pause * 2 or RESTART_FIRST)
        )
        logger.error("%s stopped (%s); starting a new one in %.0f s", child.name, how, child.pause)
        if child.on_exit is not None:
            try:
                child.on_exit(child)
            except Exception:
                logger.exception("Tidying up after %s failed", child.name)
        child.restart_at = now + child.pause
        return None

    def _stop_all(self) -> None:
        live = [child for child in self.children if child.running]
        for child in live:
            assert child.process is not None
            _signal_group(child.process, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        for child in live:
            assert child.process is not None
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                logger.warning("%s did not stop in %.0f s: killing it", child.name, STOP_GRACE)
                _signal_group(child.process, signal.SIGKILL)
                child.process.wait()


def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)
