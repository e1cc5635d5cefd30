"""Worker liveness in the database: a row per worker process, refreshed by its main process,
with the analysis types it can run.

`/readyz` reports live workers per queue from these rows, on every broker, and the gateway
learns from them which types the deployment can run (gateway/capabilities). A stopping worker
marks its row stopped rather than deleting it, so that what it could run is still known while
it restarts.
"""

from __future__ import annotations

import logging
import os
import socket
from typing import Any

from celery import bootsteps
from sqlalchemy import update

from shared.config import get_settings
from shared.db.models import WorkerHeartbeat, utcnow
from shared.db.session import get_database
from workers.pipeline_cache import PipelineCache

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
        queues = {q.name for q in worker.app.amqp.queues.consume_from.values()}
        name = worker_name()
        db = get_database(settings.database_url)
        with db.session() as session:
            session.merge(
                WorkerHeartbeat(
                    name=name,
                    queues=",".join(sorted(queues)),
                    analyses=PipelineCache(settings).runnable(queues),
                    started_at=utcnow(),
                    last_seen=utcnow(),
                )
            )

        def beat() -> None:
            try:
                with db.session() as session:
                    session.execute(
                        update(WorkerHeartbeat)
                        .where(WorkerHeartbeat.name == name)
                        .values(last_seen=utcnow())
                    )
            except Exception:
                log.warning("could not record the worker heartbeat", exc_info=True)

        self.tref = worker.timer.call_repeatedly(settings.worker.heartbeat_seconds, beat)

    def stop(self, worker: Any) -> None:
        if self.tref is not None:
            self.tref.cancel()
        settings = get_settings()
        with get_database(settings.database_url).session() as session:
            session.execute(
                update(WorkerHeartbeat)
                .where(WorkerHeartbeat.name == worker_name())
                .values(stopped_at=utcnow())
            )
