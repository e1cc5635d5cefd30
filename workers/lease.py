"""Keeps a claimed job's lease alive while its pipeline runs."""

from __future__ import annotations

import logging
import threading
from types import TracebackType

from shared.db.session import Database
from workers.claims import Claim, renew

log = logging.getLogger(__name__)


class LeaseKeeper:
    """A background thread renewing the lease every `interval` seconds until closed.

    If a renewal finds the claim gone (the job was cancelled or taken back), `lost` is set and
    the final write will be refused by the claim check anyway.
    """

    def __init__(self, db: Database, held: Claim, lease_seconds: float, interval: float) -> None:
        self._db, self._held = db, held
        self._lease, self._interval = lease_seconds, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lease-keeper", daemon=True)
        self.lost = False

    def __enter__(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                if not renew(self._db, self._held, self._lease):
                    self.lost = True
                    return
            except Exception:  # a failed renewal is retried next tick; the lease has slack
                log.warning("lease renewal failed for job %s", self._held.job_id, exc_info=True)
