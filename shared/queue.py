"""The Celery application's configuration, shared by the gateway (which sends) and workers.

A broker message carries only a job id: it is a wake-up call, the database is the truth.
"""

from __future__ import annotations

from typing import Any

from celery import Celery
from kombu import Queue

from shared.analyses import ANALYSES
from shared.config import Settings

FAMILIES = ("ocr", "face")
BATCH_LANE = "_batch"
"""A family's jobs of batches wait in a queue of their own (`ocr_batch`), so that a single job
submitted during a large batch is taken next rather than after it; the folder broker has no
message priorities."""
QUEUES = (*FAMILIES, *(family + BATCH_LANE for family in FAMILIES), "webhooks")
DELIVER_WEBHOOK = "deliver_webhook"
"""The task of the `webhooks` queue: one attempt of one delivery (see workers/webhooks)."""


def create_celery(settings: Settings) -> Celery:
    """A Celery app bound to the configured broker, with Boda's queues and task policy."""
    app = Celery("boda", broker=settings.broker_url, set_as_current=False)
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=settings.worker.prefetch_multiplier,
        # Pool processes load their models before saying they are up.
        worker_proc_alive_timeout=300,
        task_soft_time_limit=settings.worker.soft_time_limit,
        task_time_limit=settings.worker.time_limit,
        task_queues=[Queue(name, routing_key=name) for name in QUEUES],
        task_default_queue="ocr",
        broker_connection_retry_on_startup=True,
        broker_transport_options=_transport_options(settings),
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
    )
    if settings.broker_url == "filesystem://":
        app.conf.broker_transport = "shared.folder_broker:Transport"
        # The folder broker has no fanout exchange for remote control; liveness comes from
        # the heartbeats in the database anyway.
        app.conf.worker_enable_remote_control = False
    return app


def _transport_options(settings: Settings) -> dict[str, Any]:
    if settings.broker_url == "filesystem://":
        folder = settings.broker_folder
        for sub in ("queue", "processed", "control"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        return {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            "control_folder": str(folder / "control"),
            "store_processed": False,
            "polling_interval": settings.broker.polling_interval,
        }
    options: dict[str, Any] = {
        # Longer than the hard time limit, so Redis never redelivers a task that still runs.
        "visibility_timeout": settings.worker.time_limit * 2,
    }
    if settings.broker.key_prefix:
        options["global_keyprefix"] = settings.broker.key_prefix
    return options


def send_delivery(app: Celery, delivery_id: str, attempt: int) -> None:
    """Ask a `webhooks` worker for one attempt of a webhook delivery."""
    app.send_task(
        DELIVER_WEBHOOK, args=[delivery_id, attempt], queue="webhooks", routing_key="webhooks"
    )


def lane(job_type: str, batch: bool) -> str:
    """The queue a job's wake-up goes to: its family's, or the family's batch lane."""
    queue = ANALYSES[job_type].queue
    return queue + BATCH_LANE if batch else queue


def worker_queues(names: str) -> list[str]:
    """The queues a worker given `ocr,webhooks` consumes: each family with its batch lane."""
    queues = [name.strip() for name in names.split(",") if name.strip()]
    return [
        q for name in queues for q in ([name, name + BATCH_LANE] if name in FAMILIES else [name])
    ]


def send_wakeup(app: Celery, job_type: str, job_id: str, *, batch: bool = False) -> None:
    """Wake a worker of the type's queue (or batch lane) for the job: its task, with the job id
    alone."""
    queue = lane(job_type, batch)
    app.send_task(ANALYSES[job_type].task_name, args=[job_id], queue=queue, routing_key=queue)
