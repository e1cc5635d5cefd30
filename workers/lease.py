"""Keeps a claimed job's lease alive while its pipeline runs, and says when to stop early."""

from __future__ import annotations

import logging
import threading
from types import TracebackType

from shared.lifecycle import Claim, JobLifecycle
from workers.shutdown import StopSignal

log = logging.getLogger(__name__)


class Interrupted(Exception):  # noqa: N818 - not an error: the job must stop here
    """The job must stop at this step; its state was (or will be) settled elsewhere."""


class ClaimLost(Interrupted):
    """The job was cancelled or taken back: its result would be dropped anyway."""


class WorkerStopping(Interrupted):
    """The worker is shutting down: the job goes back to the queue."""


class LeaseKeeper:
    """A background thread renewing the lease every `interval` seconds until closed.

    A renewal that finds the claim gone (the job was cancelled or taken back) sets `lost`, and
    the pipeline's next `checkpoint` stops it; the final write would be refused anyway.
    """

    def __init__(
        self,
        lifecycle: JobLifecycle,
        held: Claim,
        lease_seconds: float,
        interval: float,
        stop: StopSignal,
    ) -> None:
        self._lifecycle, self._held, self._stop_signal = lifecycle, held, stop
        self._lease, self._interval = lease_seconds, interval
        self._closed = threading.Event()
        self._lost = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lease-keeper", daemon=True)

    def __enter__(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._closed.set()
        self._thread.join()

    def checkpoint(self) -> None:
        """Raise `Interrupted` if the job must stop now; called between a pipeline's steps."""
        if self._lost.is_set():
            raise ClaimLost(f"job {self._held.job_id} was cancelled or taken back")
        if self._stop_signal.is_set():
            raise WorkerStopping(f"the worker is stopping; job {self._held.job_id} goes back")

    def _run(self) -> None:
        while not self._closed.wait(self._interval):
            try:
                if not self._lifecycle.renew(self._held, self._lease):
                    self._lost.set()
                    return
            except Exception:  # a failed renewal is retried next tick; the lease has slack
                log.warning("lease renewal failed for job %s", self._held.job_id, exc_info=True)
