"""Which analysis types this deployment can run, from what its workers report.

Every worker records, with its heartbeat, the types whose pipeline and model files it found
(`WorkerHeartbeat.analyses`), and keeps that row when it stops. A type is refused with
`501 model_unavailable` when this release has no pipeline for it, or when the workers of its
queue say they cannot run it: the live ones if any are up, otherwise the one seen last (so a
worker that is restarting does not make a type unavailable). Before any worker of the queue
has reported, jobs are accepted and wait for one.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.analyses import Analysis
from shared.db.models import WorkerHeartbeat, utcnow
from shared.errors import ModelUnavailableError

LIVE_HEARTBEATS = 3
"""A worker is live while its last heartbeat is at most this many periods old."""


def require_runnable(session: Session, analysis: Analysis[Any], heartbeat_seconds: float) -> None:
    """Raise `ModelUnavailableError` unless the deployment can run `analysis`."""
    if analysis.pipeline is None:
        raise ModelUnavailableError(
            f"the {analysis.name!r} analysis is not part of this release",
            details={"type": analysis.name},
        )
    reports = _reports(session, analysis.queue, heartbeat_seconds)
    if reports and not any(analysis.name in runnable for runnable in reports):
        raise ModelUnavailableError(
            f"no worker of this deployment has the models for {analysis.name!r} "
            "(install them and restart the workers; their logs say what is missing)",
            details={"type": analysis.name, "queue": analysis.queue},
        )


def _reports(session: Session, queue: str, heartbeat_seconds: float) -> list[list[str]]:
    """What the workers of `queue` can run: the live ones, else the last one seen."""
    columns = (
        WorkerHeartbeat.queues,
        WorkerHeartbeat.analyses,
        WorkerHeartbeat.last_seen,
        WorkerHeartbeat.stopped_at,
    )
    rows = session.execute(select(*columns).order_by(WorkerHeartbeat.last_seen.desc())).all()
    serving = [row for row in rows if queue in row.queues.split(",")]
    since = _live_since(heartbeat_seconds)
    live = [row.analyses for row in serving if row.last_seen >= since and row.stopped_at is None]
    return live or [row.analyses for row in serving[:1]]


def live_workers(session: Session, heartbeat_seconds: float) -> dict[str, int]:
    """Live workers per queue (what `/readyz` reports)."""
    rows = session.scalars(
        select(WorkerHeartbeat.queues).where(
            WorkerHeartbeat.last_seen >= _live_since(heartbeat_seconds),
            WorkerHeartbeat.stopped_at.is_(None),
        )
    )
    counts: dict[str, int] = {}
    for queue in (q for queues in rows for q in queues.split(",")):
        counts[queue] = counts.get(queue, 0) + 1
    return counts


def _live_since(heartbeat_seconds: float) -> datetime:
    return utcnow() - timedelta(seconds=LIVE_HEARTBEATS * heartbeat_seconds)


def readers_of(session: Session, analysis: Analysis[Any], heartbeat_seconds: float) -> int:
    """Live workers that report they can run `analysis`."""
    rows = session.execute(
        select(WorkerHeartbeat.queues, WorkerHeartbeat.analyses).where(
            WorkerHeartbeat.last_seen >= _live_since(heartbeat_seconds),
            WorkerHeartbeat.stopped_at.is_(None),
        )
    ).all()
    return sum(
        1
        for row in rows
        if analysis.queue in row.queues.split(",") and analysis.name in row.analyses
    )
