"""Tenants, their API keys and webhook secrets (used by the CLI and at start-up)."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.config import Settings
from shared.db.models import ApiKey, Tenant, utcnow
from shared.db.session import Database
from shared.errors import ConflictError, NotFoundError
from shared.keys import key_prefix, key_sha256, new_api_key, new_webhook_secret

DEFAULT_TENANT = "default"
log = logging.getLogger(__name__)


def get_tenant(session: Session, name: str) -> Tenant:
    tenant = session.scalar(select(Tenant).where(Tenant.name == name))
    if tenant is None:
        raise NotFoundError(f"tenant {name!r} not found")
    return tenant


def create_tenant(session: Session, name: str, webhook_secret: str | None = None) -> Tenant:
    if session.scalar(select(Tenant.id).where(Tenant.name == name)) is not None:
        raise ConflictError("tenant_exists", f"tenant {name!r} already exists")
    tenant = Tenant(name=name, webhook_secret=webhook_secret or new_webhook_secret())
    session.add(tenant)
    session.flush()
    return tenant


def add_api_key(session: Session, tenant: Tenant, name: str = "", key: str | None = None) -> str:
    """Store a key for the tenant (a new one unless given) and return it in clear, once."""
    if key is None:
        key, prefix = new_api_key()
    else:
        parsed = key_prefix(key)
        if parsed is None:
            raise ValueError("an API key looks like boda_<prefix>_<secret>")
        prefix = parsed
    session.add(ApiKey(tenant_id=tenant.id, name=name, prefix=prefix, key_sha256=key_sha256(key)))
    session.flush()
    return key


def revoke_api_key(session: Session, prefix: str) -> None:
    api_key = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if api_key is None:
        raise NotFoundError(f"no API key with prefix {prefix!r}")
    api_key.revoked_at = utcnow()


def set_retention(
    session: Session, tenant: Tenant, originals_days: int | None, results_days: int | None
) -> None:
    """How long the tenant's ended jobs keep their originals and results (None: the
    deployment's default); a negative number is refused."""
    if any(days is not None and days < 0 for days in (originals_days, results_days)):
        raise ValueError("retention is a number of days, 0 or more")
    tenant.originals_days, tenant.results_days = originals_days, results_days


def rotate_webhook_secret(session: Session, tenant: Tenant) -> str:
    tenant.webhook_secret = new_webhook_secret()
    return tenant.webhook_secret


def bootstrap(db: Database, settings: Settings) -> str | None:
    """Make sure the default tenant exists and can be reached with a key.

    Returns the key kept in the data folder when no bootstrap key is configured (the
    embedded default prints it), else None.
    """
    with db.session() as session:
        tenant = session.scalar(select(Tenant).where(Tenant.name == DEFAULT_TENANT))
        if tenant is None:
            tenant = create_tenant(session, DEFAULT_TENANT)
        if settings.bootstrap_webhook_secret is not None:
            tenant.webhook_secret = settings.bootstrap_webhook_secret.get_secret_value()
        if settings.bootstrap_api_key is not None:
            _ensure_key(session, tenant, settings.bootstrap_api_key.get_secret_value())
            return None
        return _ensure_embedded_key(session, tenant, settings.data_dir / "api_key")


def _ensure_key(session: Session, tenant: Tenant, key: str) -> None:
    prefix = key_prefix(key)
    if prefix is None:
        raise ValueError("BODA_BOOTSTRAP_API_KEY must look like boda_<prefix>_<secret>")
    existing = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if existing is None:
        add_api_key(session, tenant, name="bootstrap", key=key)
    elif existing.key_sha256 != key_sha256(key) or existing.tenant_id != tenant.id:
        raise ValueError("BODA_BOOTSTRAP_API_KEY collides with another key's prefix")


def _ensure_embedded_key(session: Session, tenant: Tenant, path: Path) -> str | None:
    """With no bootstrap key configured, keep one in the data folder."""
    if path.exists():
        key = path.read_text().strip()
        _ensure_key(session, tenant, key)
        return key
    key = add_api_key(session, tenant, name="embedded")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(key + "\n")
    log.info("created an API key for the default tenant, kept in %s", path)
    return key


def list_api_keys(session: Session, tenant_name: str | None = None) -> list[ApiKey]:
    query = select(ApiKey).join(Tenant).order_by(Tenant.name, ApiKey.created_at)
    if tenant_name is not None:
        query = query.where(Tenant.name == tenant_name)
    return list(session.scalars(query))
