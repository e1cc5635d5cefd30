"""SQLAlchemy models: tenants, API keys, batches, jobs (with their lease), results, events and
their webhook deliveries, worker heartbeats, face groups and their faces.

Alembic migrations under `shared/db/migrations` are the only way these tables change.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """`timestamptz` on Postgres; on SQLite (which drops the zone) values come back as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a timestamptz column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


Document = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: UTCDateTime,
        dict[str, Any]: Document,
        dict[str, str]: Document,
        list[str]: Document,
        list[dict[str, Any]]: Document,
    }


class Tenant(Base):
    __tablename__ = "tenants"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    webhook_secret: Mapped[str] = mapped_column(String(200))
    originals_days: Mapped[int | None]
    """Days an ended job's originals are kept; None: the deployment's default."""
    results_days: Mapped[int | None]
    """Days an ended job (its result) is kept; None: the deployment's default."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    api_keys: Mapped[list[ApiKey]] = relationship(back_populates="tenant")


class ApiKey(Base):
    """An API key: only a short lookup prefix and the SHA-256 of the whole key are stored."""

    __tablename__ = "api_keys"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100), default="")
    prefix: Mapped[str] = mapped_column(String(32), unique=True)
    key_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    tenant: Mapped[Tenant] = relationship(back_populates="api_keys")


class Job(Base):
    """One analysis of one upload. Status moves queued → running → a terminal state.

    A worker owns a running job through `claimed_by` and `lease_until` (renewed by its
    heartbeat); an expired lease means the worker is gone and the scheduler takes the job back.
    """

    __tablename__ = "jobs"
    __table_args__ = (
        UniqueConstraint("tenant_id", "idempotency_key"),
        Index("ix_jobs_tenant_created", "tenant_id", "created_at", "id"),
        Index("ix_jobs_status_enqueued", "status", "enqueued_at"),
        Index("ix_jobs_status_lease", "status", "lease_until"),
        Index("ix_jobs_tenant_finished", "tenant_id", "finished_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="queued")
    batch_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("batches.id", ondelete="CASCADE"), index=True
    )
    batch_index: Mapped[int | None]
    """The document's place in its batch (0, 1, …): the order results are downloaded in."""
    input: Mapped[dict[str, Any]]
    originals: Mapped[dict[str, str]] = mapped_column(default=dict)
    """Object keys of the uploaded files by form field (`file`, `target`)."""
    originals_deleted_at: Mapped[datetime | None]
    """When the originals were removed (personal data at the job's end, or retention)."""
    pages: Mapped[int | None]
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    webhook_url: Mapped[str | None] = mapped_column(String(2000))
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    request_sha256: Mapped[str | None] = mapped_column(String(64))
    models: Mapped[dict[str, Any] | None]
    error_code: Mapped[str | None] = mapped_column(String(60))
    error_message: Mapped[str | None] = mapped_column(Text)
    run: Mapped[int] = mapped_column(Integer, default=1)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[datetime | None]
    enqueued_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    result: Mapped[JobResult | None] = relationship(
        back_populates="job", cascade="all, delete-orphan", passive_deletes=True
    )


class JobResult(Base):
    """The one result set of a job, written in the transaction that makes it succeed."""

    __tablename__ = "job_results"

    job_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True
    )
    payload: Mapped[dict[str, Any]]
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    job: Mapped[Job] = relationship(back_populates="result")


class JobEvent(Base):
    """A terminal transition of one run of a job; its id is the webhook event id."""

    __tablename__ = "job_events"
    __table_args__ = (UniqueConstraint("job_id", "run"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    run: Mapped[int]
    event: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Batch(Base):
    """Many documents of one type submitted together: a job each, and the files refused."""

    __tablename__ = "batches"
    __table_args__ = (
        UniqueConstraint("tenant_id", "idempotency_key"),
        Index("ix_batches_tenant_created", "tenant_id", "created_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(40))
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    webhook_url: Mapped[str | None] = mapped_column(String(2000))
    rejected: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    """Files refused one by one: `{"filename", "error": {"code", "message"}}`."""
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    request_sha256: Mapped[str | None] = mapped_column(String(64))
    total: Mapped[int] = mapped_column(Integer, default=0)
    round: Mapped[int] = mapped_column(Integer, default=1)
    """Raised by a retry of the batch's failed jobs: each round ends with its own event."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
    """When every job of the current round had ended."""


class BatchEvent(Base):
    """The end of a round of a batch (`batch.completed`); its id is the webhook event id."""

    __tablename__ = "batch_events"
    __table_args__ = (UniqueConstraint("batch_id", "round"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    batch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("batches.id", ondelete="CASCADE"))
    round: Mapped[int]
    event: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Delivery(Base):
    """One event for one webhook URL: an outbox row, sent until delivered or given up.

    The body is kept as sent the first time, so a retry or a redelivery carries the same event
    id and data; only the signature's timestamp is new.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "url"),
        Index("ix_deliveries_status_next_attempt", "status", "next_attempt_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    event: Mapped[str] = mapped_column(String(40))
    job_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("jobs.id", ondelete="CASCADE"), index=True
    )
    batch_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("batches.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(2000))
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(20), default="pending")
    """pending, delivered or failed (gave up)."""
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    give_up_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]

    attempt_log: Mapped[list[DeliveryAttempt]] = relationship(
        order_by="DeliveryAttempt.attempt", cascade="all, delete-orphan", passive_deletes=True
    )


class DeliveryAttempt(Base):
    """One POST of a delivery and how it went."""

    __tablename__ = "delivery_attempts"
    __table_args__ = (UniqueConstraint("delivery_id", "attempt"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    delivery_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("deliveries.id", ondelete="CASCADE"))
    attempt: Mapped[int]
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)
    milliseconds: Mapped[int]


class WorkerHeartbeat(Base):
    """Liveness of a worker process and what it can run, written by the worker itself (works on
    every broker). Kept after the worker stops: its `analyses` tell the gateway which types the
    deployment runs while no worker is up."""

    __tablename__ = "worker_heartbeats"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    queues: Mapped[str] = mapped_column(String(200))
    analyses: Mapped[list[str]] = mapped_column(default=list)
    """The analysis types whose pipeline and model files this worker found."""
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    stopped_at: Mapped[datetime | None]


class FaceGroup(Base):
    """A tenant's named set of registered faces, pinned to the face model pack that embeds them.

    `revision` grows with every face added or removed: a search index built at one revision is
    still exact while the revision holds.
    """

    __tablename__ = "face_groups"
    __table_args__ = (
        UniqueConstraint("tenant_id", "group_id"),
        Index("ix_face_groups_tenant_created", "tenant_id", "created_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    group_id: Mapped[str] = mapped_column(String(255))
    pack: Mapped[str] = mapped_column(String(100))
    """The face model pack (`models.face_pack`) the group was made with."""
    pack_version: Mapped[str | None] = mapped_column(String(64))
    """The pack's version (its model files' hash), set by the first face registered."""
    revision: Mapped[int] = mapped_column(Integer, default=0)
    face_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RegisteredFace(Base):
    """A face of a group: its embedding (float32, unit length) and where it was found; the
    image itself is not kept."""

    __tablename__ = "faces"
    __table_args__ = (
        Index("ix_faces_group_created", "group_pk", "created_at", "id"),
        Index("ix_faces_group_external", "group_pk", "external_image_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    group_pk: Mapped[uuid.UUID] = mapped_column(ForeignKey("face_groups.id", ondelete="CASCADE"))
    external_image_id: Mapped[str | None] = mapped_column(String(255))
    job_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    """The `face_register` job that added it."""
    face: Mapped[dict[str, Any]]
    """Box, confidence, landmarks and orientation in the registered image (the API's face)."""
    embedding: Mapped[bytes] = mapped_column(LargeBinary)
    pack_version: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FacePackInfo(Base):
    """What the face workers report of a pack they ran: its similarity calibration, which the
    gateway's search by face id maps cosines through."""

    __tablename__ = "face_packs"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    version: Mapped[str] = mapped_column(String(64), primary_key=True)
    dimensions: Mapped[int]
    calibration: Mapped[dict[str, Any]]
    reported_at: Mapped[datetime] = mapped_column(default=utcnow)
