"""What the gateway's routes use, built once per process and reached through dependencies."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from celery import Celery
from fastapi import Depends, Request
from sqlalchemy.orm import Session

from gateway.job_watch import JobWatch
from gateway.url_fetch import UrlFetcher
from shared.config import Settings
from shared.db.session import Database, get_database
from shared.face_groups import GalleryCache
from shared.lifecycle import JobLifecycle
from shared.queue import create_celery
from shared.storage import ObjectStore, open_store
from shared.url_guard import UrlGuard, webhook_guard


@dataclass
class Services:
    settings: Settings
    db: Database
    store: ObjectStore
    celery: Celery
    fetcher: UrlFetcher
    webhook_guard: UrlGuard
    lifecycle: JobLifecycle
    watch: JobWatch
    galleries: GalleryCache
    """Face groups' search indexes (search by face id), kept while their revision holds."""

    @classmethod
    def create(cls, settings: Settings) -> Services:
        db = get_database(settings.database_url)
        store = open_store(settings.storage)
        return cls(
            settings=settings,
            db=db,
            store=store,
            celery=create_celery(settings),
            fetcher=UrlFetcher(settings.url_fetch, max_bytes=settings.limits.max_file_bytes),
            webhook_guard=webhook_guard(settings),
            lifecycle=JobLifecycle(db, store, settings.webhooks),
            watch=JobWatch(db),
            galleries=GalleryCache(settings.faces.index_cache_mb * 1024 * 1024),
        )


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def _session(services: ServicesDep) -> Iterator[Session]:
    with services.db.session() as session:
        yield session


ServicesDep = Annotated[Services, Depends(_services)]
SessionDep = Annotated[Session, Depends(_session)]
