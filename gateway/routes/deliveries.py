"""`…/deliveries`: the webhook deliveries of a job or a batch, every attempt, and redelivery."""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi import APIRouter
from sqlalchemy import ColumnElement, Select, select, update
from sqlalchemy.orm import Session, selectinload

from gateway import batches, queries
from gateway.auth import TenantDep
from gateway.errors import ERRORS
from gateway.services import ServicesDep, SessionDep
from shared.db.models import Delivery, utcnow
from shared.errors import ConflictError
from shared.schemas.api import DeliveryList, DeliveryOut

router = APIRouter(tags=["webhooks"])


@router.get("/v1/jobs/{job_id}/deliveries", response_model=DeliveryList, responses=ERRORS)
def job_deliveries(session: SessionDep, tenant_id: TenantDep, job_id: uuid.UUID) -> DeliveryList:
    """Every delivery of the job's events, with every attempt."""
    queries.get_job(session, tenant_id, job_id)
    return _list(session, select(Delivery).where(Delivery.job_id == job_id))


@router.post(
    "/v1/jobs/{job_id}/deliveries/redeliver", response_model=DeliveryList, responses=ERRORS
)
def redeliver_job(services: ServicesDep, tenant_id: TenantDep, job_id: uuid.UUID) -> DeliveryList:
    """Send the job's events again, with the same event ids."""
    with services.db.session() as session:
        queries.get_job(session, tenant_id, job_id)
        return _redeliver(session, Delivery.job_id == job_id, services.lifecycle.give_up)


@router.get("/v1/batches/{batch_id}/deliveries", response_model=DeliveryList, responses=ERRORS)
def batch_deliveries(
    services: ServicesDep, tenant_id: TenantDep, batch_id: uuid.UUID
) -> DeliveryList:
    """Every delivery to the batch's webhook (its end, and its jobs' events if asked for)."""
    batches.get_batch(services, tenant_id, batch_id)
    with services.db.session() as session:
        return _list(session, select(Delivery).where(Delivery.batch_id == batch_id))


@router.post(
    "/v1/batches/{batch_id}/deliveries/redeliver", response_model=DeliveryList, responses=ERRORS
)
def redeliver_batch(
    services: ServicesDep, tenant_id: TenantDep, batch_id: uuid.UUID
) -> DeliveryList:
    """Send the batch's events again, with the same event ids."""
    batches.get_batch(services, tenant_id, batch_id)
    with services.db.session() as session:
        return _redeliver(session, Delivery.batch_id == batch_id, services.lifecycle.give_up)


def _list(session: Session, query: Select[Delivery]) -> DeliveryList:
    rows = session.scalars(
        query.options(selectinload(Delivery.attempt_log)).order_by(Delivery.created_at)
    ).all()
    return DeliveryList(items=[_out(delivery) for delivery in rows])


def _redeliver(session: Session, which: ColumnElement[bool], give_up: timedelta) -> DeliveryList:
    """Every delivery `which` selects, pending again now, its give-up time counted anew."""
    now = utcnow()
    changed = session.execute(
        update(Delivery)
        .where(which)
        .values(status="pending", next_attempt_at=now, give_up_at=now + give_up)
        .returning(Delivery.id)
    ).all()
    if not changed:
        raise ConflictError("no_deliveries", "no webhook event was delivered for this resource")
    return _list(session, select(Delivery).where(which))


def _out(delivery: Delivery) -> DeliveryOut:
    return DeliveryOut.model_validate(
        {
            "id": delivery.id,
            "event_id": delivery.event_id,
            "event": delivery.event,
            "job_id": delivery.job_id,
            "batch_id": delivery.batch_id,
            "url": delivery.url,
            "status": delivery.status,
            "attempts": [
                {
                    "attempt": a.attempt,
                    "attempted_at": a.attempted_at,
                    "status_code": a.status_code,
                    "error": a.error,
                    "milliseconds": a.milliseconds,
                }
                for a in delivery.attempt_log
            ],
            "next_attempt_at": delivery.next_attempt_at,
            "give_up_at": delivery.give_up_at,
            "created_at": delivery.created_at,
            "delivered_at": delivery.delivered_at,
        }
    )
