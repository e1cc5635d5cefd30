"""Celery tasks: one `run_<type>` per analysis type, each a thin shell around `execute`.

The payload is the job id only. A task claims the job, runs the pipeline under a lease,
and writes the result with the terminal transition; redelivered or duplicate messages find
the job already claimed or ended and do nothing.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from functools import cache

import urllib3.exceptions
from billiard.exceptions import SoftTimeLimitExceeded
from celery import Task
from celery.signals import worker_process_init
from sqlalchemy.exc import OperationalError

from shared.analysis import ANALYSIS_TYPES
from shared.config import get_settings
from shared.db.models import Job
from shared.db.session import Database, get_database
from shared.errors import BodaError
from shared.queue import task_name
from shared.storage import ObjectStore, open_store
from workers import claims
from workers.analyses import Analyses
from workers.celery_app import app
from workers.lease import LeaseKeeper
from workers.liveness import worker_name

log = logging.getLogger(__name__)

# Failures of the services around the worker, not of the job: the job goes back to the queue.
TRANSIENT_ERRORS = (OperationalError, urllib3.exceptions.HTTPError, ConnectionError, TimeoutError)


class JobTask(Task):
    """Retry policy of job tasks: only transient errors, with backoff and jitter."""

    abstract = True
    autoretry_for = TRANSIENT_ERRORS
    retry_backoff = 2
    retry_backoff_max = 120
    retry_jitter = True
    max_retries = 8


@dataclass
class WorkerRuntime:
    """What a worker process needs for every job, created once per process."""

    db: Database
    store: ObjectStore
    analyses: Analyses


@cache
def runtime() -> WorkerRuntime:
    settings = get_settings()
    return WorkerRuntime(
        db=get_database(settings.database_url),
        store=open_store(settings.storage),
        analyses=Analyses(settings),
    )


@worker_process_init.connect
def _prepare_process(**_kwargs: object) -> None:
    # A forked pool process must not reuse the parent's database connections.
    runtime().db.after_fork()
    runtime().analyses.warm_up({q.name for q in app.amqp.queues.consume_from.values()})


def execute(job_id: str) -> None:
    """Claim the job, run its pipeline and record the outcome exactly once."""
    settings, rt = get_settings().worker, runtime()
    held = claims.claim(rt.db, uuid.UUID(job_id), worker_name(), settings.lease_seconds)
    if held is None:
        log.info("job %s is not queued (done, taken or deleted); nothing to do", job_id)
        return
    log.info("job %s claimed (attempt %d)", job_id, held.attempt)
    with LeaseKeeper(rt.db, held, settings.lease_seconds, settings.heartbeat_seconds):
        try:
            _run(rt, held)
        except TRANSIENT_ERRORS:
            claims.release(rt.db, held)
            raise


def _run(rt: WorkerRuntime, held: claims.Claim) -> None:
    with rt.db.session() as session:
        job = session.get(Job, held.job_id)
        if job is None or job.object_key is None:
            log.info("job %s was deleted while starting; nothing to do", held.job_id)
            return
        job_type, object_key, options = job.type, job.object_key, dict(job.options)
    started = time.perf_counter()
    try:
        output = rt.analyses.run(job_type, rt.store.get(object_key), options)
    except SoftTimeLimitExceeded:
        claims.fail(rt.db, held, "timeout", "the analysis ran past its time limit")
    except BodaError as e:
        claims.fail(rt.db, held, e.code, e.message)
    except TRANSIENT_ERRORS:
        raise
    except Exception:
        log.exception("job %s failed unexpectedly", held.job_id)
        claims.fail(rt.db, held, "internal_error", "the analysis failed unexpectedly")
    else:
        if claims.succeed(rt.db, held, output.payload, output.text, output.models):
            log.info("job %s succeeded in %.2f s", held.job_id, time.perf_counter() - started)
        else:
            log.info(
                "job %s ended elsewhere (cancelled or taken back); result dropped", held.job_id
            )


def _register(job_type: str) -> None:
    @app.task(name=task_name(job_type), base=JobTask)
    def run(job_id: str) -> None:
        execute(job_id)


for _analysis in ANALYSIS_TYPES.values():
    if _analysis.installed:
        _register(_analysis.name)
