"""`/healthz` (the process is up) and `/readyz` (its database, broker and storage answer)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from gateway.capabilities import live_workers
from gateway.services import Services, ServicesDep
from shared.schemas.api import HealthOut

router = APIRouter(tags=["service"])


@router.get("/healthz", response_model=HealthOut)
def healthz() -> HealthOut:
    return HealthOut(status="ok")


@router.get("/readyz", response_model=HealthOut, responses={503: {"model": HealthOut}})
async def readyz(services: ServicesDep) -> JSONResponse:
    """503 when the database, the broker or the storage fails; live workers are reported only."""
    checks = await run_in_threadpool(_checks, services)
    ready = all(value == "ok" for value in checks.values())
    workers = await run_in_threadpool(_live_workers, services) if checks["database"] == "ok" else {}
    body = HealthOut(status="ok" if ready else "unavailable", checks=checks, workers=workers)
    headers = None if ready else {"Retry-After": "5"}
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503, headers=headers)


def _checks(services: Services) -> dict[str, str]:
    probes = {
        "database": services.db.ping,
        "broker": lambda: _ping_broker(services),
        "storage": services.store.ping,
    }
    checks = {}
    for name, probe in probes.items():
        try:
            probe()
            checks[name] = "ok"
        except Exception as e:
            checks[name] = f"error: {type(e).__name__}"
    return checks


def _ping_broker(services: Services) -> None:
    with services.celery.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, timeout=2)


def _live_workers(services: Services) -> dict[str, int]:
    with services.db.session() as session:
        return live_workers(session, services.settings.worker.heartbeat_seconds)
