"""Celery tasks: one `run_<type>` per analysis type of the registry (`Analysis.task_name`),
each a thin shell around `execute`.

The payload is the job id only. A task claims the job, runs the type's pipeline under a lease
on the pages the type declares, and writes the result with the terminal transition;
redelivered or duplicate messages find the job already claimed or ended and do nothing.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any

import urllib3.exceptions
from billiard.exceptions import SoftTimeLimitExceeded
from celery import Celery, Task
from celery.signals import worker_process_init, worker_shutting_down
from sqlalchemy.exc import OperationalError

from shared.analyses import ANALYSES, Analysis
from shared.config import get_settings
from shared.db.models import Job
from shared.db.session import Database, get_database
from shared.errors import BodaError, ModelUnavailableError
from shared.face_groups import GalleryCache
from shared.lifecycle import Claim, JobLifecycle, Outcome
from shared.queue import create_celery
from shared.storage import ObjectStore, open_store
from workers.celery_app import app
from workers.face_groups import JobFaceGroups
from workers.inputs import Checkpoint, job_inputs
from workers.lease import ClaimLost, LeaseKeeper, WorkerStopping
from workers.liveness import worker_name
from workers.pipeline_cache import PipelineCache
from workers.pipelines import JobContext
from workers.shutdown import STOPPING

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
    lifecycle: JobLifecycle
    pipelines: PipelineCache
    celery: Celery
    """For wake-ups a job sends itself (given back by a stopping worker)."""
    galleries: GalleryCache
    """Face groups' search indexes, kept while their revision holds."""


@cache
def runtime() -> WorkerRuntime:
    settings = get_settings()
    db, store = get_database(settings.database_url), open_store(settings.storage)
    lifecycle = JobLifecycle(db, store, settings.webhooks)
    galleries = GalleryCache(settings.faces.index_cache_mb * 1024 * 1024)
    return WorkerRuntime(
        db, store, lifecycle, PipelineCache(settings), create_celery(settings), galleries
    )


@worker_process_init.connect
def _prepare_process(**_kwargs: object) -> None:
    # A forked pool process must not reuse the parent's database connections.
    runtime().db.after_fork()
    runtime().pipelines.warm_up({q.name for q in app.amqp.queues.consume_from.values()})


@worker_shutting_down.connect
def _stopping(**_kwargs: object) -> None:
    STOPPING.set()


def execute(job_id: str) -> None:
    """Claim the job, run its pipeline and record the outcome exactly once."""
    settings, rt = get_settings().worker, runtime()
    held = rt.lifecycle.claim(uuid.UUID(job_id), worker_name(), settings.lease_seconds)
    if held is None:
        log.info("job %s is not queued (done, taken or deleted); nothing to do", job_id)
        return
    log.info("job %s claimed (attempt %d)", job_id, held.attempt)
    lease = LeaseKeeper(
        rt.lifecycle, held, settings.lease_seconds, settings.heartbeat_seconds, STOPPING
    )
    with lease:
        try:
            _run(rt, held, lease.checkpoint)
        except TRANSIENT_ERRORS:
            rt.lifecycle.release(held)
            raise
        except ClaimLost:
            log.info("job %s was cancelled or taken back; stopped", job_id)
        except WorkerStopping:
            _give_back(rt, held)


def _run(rt: WorkerRuntime, held: Claim, checkpoint: Checkpoint) -> None:
    with rt.db.session() as session:
        job = session.get(Job, held.job_id)
        if job is None:
            log.info("job %s was deleted while starting; nothing to do", held.job_id)
            return
        job_type, originals, options = job.type, dict(job.originals), dict(job.options)
        groups = JobFaceGroups(rt.db, rt.galleries, get_settings().faces, job.tenant_id, job.id)
    started = time.perf_counter()
    analysis = ANALYSES.get(job_type)
    try:
        if analysis is None:
            raise ModelUnavailableError(f"no analysis {job_type!r} in this release")
        outcome = _analyse(rt, analysis, originals, options, groups, checkpoint)
        ended = rt.lifecycle.succeed(held, outcome)
    except SoftTimeLimitExceeded:
        rt.lifecycle.fail(held, "timeout", "the analysis ran past its time limit")
    except BodaError as e:
        rt.lifecycle.fail(held, e.code, e.message)
    except (*TRANSIENT_ERRORS, ClaimLost, WorkerStopping):
        raise
    except Exception:
        log.exception("job %s failed unexpectedly", held.job_id)
        rt.lifecycle.fail(held, "internal_error", "the analysis failed unexpectedly")
    else:
        if ended:
            log.info("job %s succeeded in %.2f s", held.job_id, time.perf_counter() - started)
        else:
            log.info(
                "job %s ended elsewhere (cancelled or taken back); result dropped", held.job_id
            )


def _analyse(
    rt: WorkerRuntime,
    analysis: Analysis[Any],
    originals: dict[str, str],
    options: dict[str, Any],
    groups: JobFaceGroups,
    checkpoint: Checkpoint,
) -> Outcome:
    """The type's pipeline on the pages it reads, its result stored as JSON and text, with
    the faces it registers."""
    pipeline = rt.pipelines.get(analysis)
    limits = get_settings().limits
    inputs = job_inputs(rt.store, originals, analysis, limits, checkpoint)
    result = pipeline.run(inputs, analysis.options.model_validate(options), JobContext(groups))
    payload, text = result.model_dump(mode="json"), analysis.text(result)
    return Outcome(payload, text, pipeline.models, write=groups.write)


def _give_back(rt: WorkerRuntime, held: Claim) -> None:
    """The worker is stopping: the job goes back to the queue with a new wake-up now (or the
    scheduler's, if the broker cannot take it)."""
    if not rt.lifecycle.release(held, resend=True):
        return
    log.info("job %s given back: the worker is stopping", held.job_id)
    with rt.db.session() as session:
        job = session.get_one(Job, held.job_id)
        job_type, batch = job.type, job.batch_id is not None
    rt.lifecycle.wake(rt.celery, job_type, held.job_id, batch=batch)


def _register(analysis: Analysis[Any]) -> None:
    @app.task(name=analysis.task_name, base=JobTask)
    def run(job_id: str) -> None:
        execute(job_id)


for _analysis in ANALYSES.values():
    _register(_analysis)
