"""Worker liveness in the database: a row per worker, refreshed by its main process.

`/readyz` reports live workers per queue from these rows, on every broker.
"""

from __future__ import annotations

import logging
import os
import socket
from typing import Any

from celery import bootsteps
from sqlalchemy import delete

from shared.config import get_settings
from shared.db.models import WorkerHeartbeat, utcnow
from shared.db.session import get_database

log = logging.getLogger(__name__)


def worker_name() -> str:
    """host:pid, unique among live processes; also the `claimed_by` of a job."""
    return f"{socket.gethostname()}:{os.getpid()}"


class LivenessStep(bootsteps.StartStopStep):
    requires = {"celery.worker.components:Timer"}

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self.tref: Any = None

    def start(self, worker: Any) -> None:
        settings = get_settings()
        queues = ",".join(sorted(q.name for q in worker.app.amqp.queues.consume_from.values()))
        name = worker_name()
        db = get_database(settings.database_url)

        def beat() -> None:
            try:
                with db.session() as session:
                    session.merge(WorkerHeartbeat(name=name, queues=queues, last_seen=utcnow()))
            except Exception:
                log.warning("could not record the worker heartbeat", exc_info=True)

        beat()
        self.tref = worker.timer.call_repeatedly(settings.worker.heartbeat_seconds, beat)

    def stop(self, worker: Any) -> None:
        if self.tref is not None:
            self.tref.cancel()
        settings = get_settings()
        with get_database(settings.database_url).session() as session:
            session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.name == worker_name()))
