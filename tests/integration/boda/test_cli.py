"""The `boda` CLI's tenant, key and secret commands on the embedded default."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from boda.cli import app, main
from shared.config import get_settings
from shared.db.models import ApiKey, Tenant
from shared.db.session import Database
from shared.keys import key_matches, key_prefix
from tests.conftest import free_port


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("BODA_DATA_DIR", str(tmp_path / "data"))
    for name in ("BODA_BOOTSTRAP_API_KEY", "BODA_BOOTSTRAP_WEBHOOK_SECRET", "BODA_DB__URL"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def invoke(cli: CliRunner, *args: str) -> str:
    result = cli.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_migrate_bootstraps_a_default_tenant_with_a_kept_key(cli: CliRunner) -> None:
    invoke(cli, "migrate")
    key_file = get_settings().data_dir / "api_key"
    key = key_file.read_text().strip()
    assert key_prefix(key) is not None and key_file.stat().st_mode & 0o077 == 0
    invoke(cli, "migrate")  # again: same key, no second one
    db = Database(get_settings().database_url)
    with db.session() as session:
        keys = session.scalars(select(ApiKey)).all()
        assert len(keys) == 1 and key_matches(key, keys[0].key_sha256)
        assert key not in {k.key_sha256 for k in keys}  # only the hash is stored
    db.engine.dispose()


def test_tenants_keys_and_secrets(cli: CliRunner) -> None:
    invoke(cli, "migrate")
    created = invoke(cli, "tenants", "create", "acme")
    assert "API key (shown once): boda_" in created
    assert "acme" in invoke(cli, "tenants", "list")
    key = invoke(cli, "keys", "create", "--tenant", "acme", "--name", "ci").strip()
    prefix = key_prefix(key)
    assert prefix is not None
    listed = invoke(cli, "keys", "list", "--tenant", "acme")
    assert f"boda_{prefix}_…\tci\tactive" in listed and key not in listed
    invoke(cli, "keys", "revoke", prefix)
    assert f"boda_{prefix}_…\tci\trevoked" in invoke(cli, "keys", "list", "--tenant", "acme")
    secret = invoke(cli, "secrets", "show", "--tenant", "acme").strip()
    rotated = invoke(cli, "secrets", "rotate", "--tenant", "acme").strip()
    assert secret.startswith("whsec_") and rotated.startswith("whsec_") and rotated != secret
    assert invoke(cli, "secrets", "show", "--tenant", "acme").strip() == rotated


def test_bootstrap_variables_set_the_default_tenant(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = "boda_abcdef123456_" + "s" * 40
    monkeypatch.setenv("BODA_BOOTSTRAP_API_KEY", key)
    monkeypatch.setenv("BODA_BOOTSTRAP_WEBHOOK_SECRET", "whsec_configured")
    get_settings.cache_clear()
    invoke(cli, "migrate")
    assert not (get_settings().data_dir / "api_key").exists()
    db = Database(get_settings().database_url)
    with db.session() as session:
        tenant = session.scalar(select(Tenant).where(Tenant.name == "default"))
        assert tenant is not None and tenant.webhook_secret == "whsec_configured"
        stored = session.scalar(select(ApiKey).where(ApiKey.prefix == "abcdef123456"))
        assert stored is not None and key_matches(key, stored.key_sha256)
    db.engine.dispose()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["submit", "no-such-scan.png", "--api-key", "boda_x_y"], "no such file: no-such-scan.png"),
        (["tenants", "create", "default"], "tenant 'default' already exists"),
        (["keys", "revoke", "nosuchprefix"], "no API key with prefix 'nosuchprefix'"),
    ],
    ids=["missing-file", "duplicate-tenant", "unknown-key"],
)
def test_a_refusal_is_one_line_and_a_failing_exit(
    cli: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    says: str,
) -> None:
    invoke(cli, "migrate")
    capsys.readouterr()
    monkeypatch.setattr(sys, "argv", ["boda", *args])

    with pytest.raises(SystemExit) as exited:
        main()

    out = capsys.readouterr()
    assert exited.value.code == 1
    assert out.err == f"boda: {says}\n" and out.out == ""


def test_a_server_that_is_down_is_one_line(
    cli: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    scan = tmp_path / "scan.png"
    scan.write_bytes(b"\x89PNG")
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    argv = ["boda", "submit", str(scan), "--url", url, "--api-key", "boda_x_y"]
    monkeypatch.setattr(sys, "argv", argv)

    with pytest.raises(SystemExit) as exited:
        main()

    err = capsys.readouterr().err
    assert exited.value.code == 1
    assert err.startswith(f"boda: cannot reach {url}/: ") and err.count("\n") == 1


def test_an_empty_bootstrap_webhook_secret_keeps_the_tenants_own(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoke(cli, "migrate")
    own = invoke(cli, "secrets", "show").strip()
    monkeypatch.setenv("BODA_BOOTSTRAP_WEBHOOK_SECRET", "")  # how compose passes an unset one
    get_settings.cache_clear()
    invoke(cli, "migrate")
    assert invoke(cli, "secrets", "show").strip() == own and own.startswith("whsec_")


def test_tenant_retention_is_shown_and_set(cli: CliRunner) -> None:
    invoke(cli, "migrate")
    assert invoke(cli, "tenants", "retention", "default").splitlines() == [
        "originals: 7 days (default)",
        "results: kept until deleted (default)",
    ]
    shown = invoke(cli, "tenants", "retention", "default", "--results-days", "30")
    assert shown.splitlines() == ["originals: 7 days (default)", "results: 30 days (tenant)"]
    back = invoke(cli, "tenants", "retention", "default", "--default")
    assert "results: kept until deleted (default)" in back
