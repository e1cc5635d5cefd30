"""`boda`: run the service's processes; the other commands live in boda/admin and
boda/client."""

from __future__ import annotations

import os
import signal
import sys
import threading
from typing import Annotated

import httpx
import typer

from boda import admin, client
from boda.console import CommandError, configured_settings
from shared.config import get_settings
from shared.db.session import get_database

app = typer.Typer(
    help="Boda: Korean document, plate and face analysis service.", no_args_is_help=True
)
app.add_typer(admin.tenants_app, name="tenants")
app.add_typer(admin.keys_app, name="keys")
app.add_typer(admin.secrets_app, name="secrets")
app.add_typer(admin.models_app, name="models")
app.command()(client.submit)
app.command()(client.batch)


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


@app.command()
def migrate() -> None:
    """Bring the database schema up to date and make sure the default tenant exists."""
    from shared.db.migrations import upgrade
    from shared.tenants import bootstrap

    settings = configured_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database_url)
    bootstrap(get_database(settings.database_url), settings)
    typer.echo("database is up to date")


@app.command()
def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the HTTP gateway."""
    import uvicorn

    settings = configured_settings()
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
    queues: Annotated[
        str, typer.Option(help="comma-separated: ocr, face (each with its batch lane), webhooks")
    ] = "ocr",
    concurrency: Annotated[
        int | None,
        typer.Option(help="processes (default: BODA_WORKER__CONCURRENCY, else one per core)"),
    ] = None,
) -> None:
    """Run a Celery worker for the given queues."""
    if concurrency:
        # Before any settings are read: each job's threads are sized from the processes.
        os.environ["BODA_WORKER__CONCURRENCY"] = str(concurrency)
        get_settings.cache_clear()
    from shared.queue import worker_queues
    from workers.celery_app import app as celery_app

    settings = configured_settings()
    name = queues.replace(",", "-")
    celery_app.worker_main(
        [
            "worker",
            f"--queues={','.join(worker_queues(queues))}",
            f"--concurrency={settings.worker.concurrency}",
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

    settings = configured_settings()
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    db = get_database(settings.database_url)
    lifecycle = JobLifecycle(db, open_store(settings.storage), settings.webhooks)
    run_forever(Reconciler(db, create_celery(settings), settings, lifecycle), stop)


@app.command()
def run(host: str = "127.0.0.1", port: int = 8000) -> None:
    """The embedded default: migrate, then supervise the gateway, a worker and the scheduler."""
    from boda.supervisor import Child, Supervisor
    from shared.db.migrations import upgrade
    from shared.tenants import bootstrap

    settings = configured_settings()
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
