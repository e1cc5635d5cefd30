"""A graceful stop gives running jobs back at once instead of leaving them to their lease.

When a worker's main process begins a warm shutdown (SIGTERM, `boda run` stopping), it sets the
signal; its pool processes see it at their job's next checkpoint and put the job back in the
queue, so that another worker (or this one, restarted) takes it without waiting for the lease to
expire. The signal must exist before the pool forks: it is made when this module is imported,
which the worker's main process does while loading its tasks.
"""

from __future__ import annotations

import multiprocessing


class StopSignal:
    """A flag the main process sets and its forked pool processes read."""

    def __init__(self) -> None:
        self._event = multiprocessing.get_context("fork").Event()

    def set(self) -> None:
        self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set()


STOPPING = StopSignal()
