"""A small process supervisor for the embedded default: gateway, workers and scheduler.

Each child is a `boda` sub-command; a child that exits is started again after a back-off
(doubling up to a minute), and a stop signal is passed on to every child.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    next_start: float = 0.0
    started_at: float = field(default=0.0)

    def start(self) -> None:
        log.info("starting %s: %s", self.name, " ".join(self.argv))
        self.process = subprocess.Popen(self.argv)
        self.started_at = time.monotonic()

    def exited(self) -> int | None:
        return None if self.process is None else self.process.poll()


class Supervisor:
    def __init__(self, children: list[Child], stop_timeout: float = 20.0) -> None:
        self.children = children
        self.stop_timeout = stop_timeout
        self.stopping = threading.Event()

    def run(self) -> None:
        """Start every child and keep them running until SIGINT or SIGTERM."""
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: self.stopping.set())
        for child in self.children:
            child.start()
        while not self.stopping.wait(0.5):
            for child in self.children:
                self._watch(child)
        self._stop_all()

    def _watch(self, child: Child) -> None:
        code = child.exited()
        now = time.monotonic()
        if code is None and child.process is not None:
            if now - child.started_at > 60:
                child.restarts = 0  # it ran a while: the next crash starts the back-off anew
            return
        if child.process is not None:
            delay = min(60.0, 2.0**child.restarts)
            log.warning("%s exited with %s; starting it again in %.0f s", child.name, code, delay)
            child.process, child.next_start = None, now + delay
            child.restarts += 1
        if now >= child.next_start:
            child.start()

    def _stop_all(self) -> None:
        running = [c.process for c in self.children if c.process and c.process.poll() is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
