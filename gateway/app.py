"""The gateway's FastAPI application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from gateway.body_limit import BodyLimitMiddleware
from gateway.errors import install_error_handlers
from gateway.openapi import build_openapi
from gateway.routes import batches, deliveries, faces, health, jobs, plates, results, ui
from gateway.services import Services
from shared.config import Settings, get_settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app for the given settings (the environment's by default)."""
    settings = settings or get_settings()
    services = Services.create(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        services.watch.start()
        yield
        services.watch.stop()
        services.db.engine.dispose()

    app = FastAPI(
        title="Boda",
        version="1",
        description="Korean document, licence plate and face analysis as asynchronous jobs.",
        lifespan=lifespan,
    )
    app.state.services = services
    install_error_handlers(app)
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.limits.max_request_bytes,
        max_bytes_by_path={"/v1/batches": settings.batches.max_request_bytes},
        read_timeout=settings.limits.read_timeout_seconds,
    )
    app.include_router(health.router)
    app.include_router(jobs.router)
    app.include_router(results.router)
    app.include_router(batches.router)
    app.include_router(deliveries.router)
    app.include_router(faces.router)
    app.include_router(plates.router)
    app.include_router(ui.router)
    app.openapi = lambda: build_openapi(app)  # type: ignore[method-assign]
    return app
