"""Retention, run by the scheduler: an ended job's originals go after the tenant's
`originals_days`, the job itself (result, events, deliveries) after its `results_days`; a
tenant without its own value has the deployment's (`BODA_RETENTION__…`). Batches go with
their last job. Face groups' embeddings are no jobs: retention never touches them.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, exists, select, update

from shared.config import RetentionSettings
from shared.db.models import Batch, Job, Tenant, utcnow
from shared.db.session import Database
from shared.storage import ObjectStore

log = logging.getLogger(__name__)
BATCH = 500
"""Jobs handled per tenant and pass; the next tick goes on."""


@dataclass
class Retention:
    db: Database
    store: ObjectStore
    settings: RetentionSettings

    def apply(self) -> None:
        """One pass over every tenant."""
        with self.db.session() as session:
            tenants = session.execute(
                select(Tenant.id, Tenant.originals_days, Tenant.results_days)
            ).all()
        for tenant_id, originals_days, results_days in tenants:
            originals = (
                originals_days if originals_days is not None else self.settings.originals_days
            )
            results = results_days if results_days is not None else self.settings.results_days
            if originals is not None:
                self._remove_originals(tenant_id, originals)
            if results is not None:
                self._remove_jobs(tenant_id, results)

    def _remove_originals(self, tenant_id: uuid.UUID, days: int) -> None:
        cutoff = utcnow() - timedelta(days=days)
        with self.db.session() as session:
            rows = session.execute(
                update(Job)
                .where(
                    Job.id.in_(
                        select(Job.id)
                        .where(
                            Job.tenant_id == tenant_id,
                            Job.finished_at < cutoff,
                            Job.originals_deleted_at.is_(None),
                        )
                        .limit(BATCH)
                        .scalar_subquery()
                    )
                )
                .values(originals_deleted_at=utcnow())
                .returning(Job.originals)
            ).all()
        self._delete([key for row in rows for key in row.originals.values()])
        if rows:
            log.info("retention: originals of %d jobs removed", len(rows))

    def _remove_jobs(self, tenant_id: uuid.UUID, days: int) -> None:
        cutoff = utcnow() - timedelta(days=days)
        with self.db.session() as session:
            rows = session.execute(
                delete(Job)
                .where(
                    Job.id.in_(
                        select(Job.id)
                        .where(Job.tenant_id == tenant_id, Job.finished_at < cutoff)
                        .limit(BATCH)
                        .scalar_subquery()
                    )
                )
                .returning(Job.originals, Job.originals_deleted_at)
            ).all()
            session.execute(
                delete(Batch).where(
                    Batch.tenant_id == tenant_id,
                    Batch.created_at < cutoff,
                    ~exists().where(Job.batch_id == Batch.id),
                )
            )
        self._delete(
            [k for row in rows if not row.originals_deleted_at for k in row.originals.values()]
        )
        if rows:
            log.info("retention: %d ended jobs removed", len(rows))

    def _delete(self, keys: list[str]) -> None:
        for key in keys:
            try:
                self.store.delete(key)
            except Exception:  # marked deleted; the object is an orphan a later sweep may find
                log.warning("retention: could not delete %s", key, exc_info=True)
