"""The compose file validates offline (Debian's docker-compose) and refuses empty secrets."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]
SECRETS = {
    "POSTGRES_PASSWORD": "pg-secret",
    "REDIS_PASSWORD": "redis-secret",
    "MINIO_ROOT_USER": "root",
    "MINIO_ROOT_PASSWORD": "minio-secret",
    "BODA_S3_ACCESS_KEY": "boda-app",
    "BODA_S3_SECRET_KEY": "boda-app-secret",
    "BODA_BOOTSTRAP_API_KEY": "boda_0123456789ab_" + "k" * 32,
    "BODA_BOOTSTRAP_WEBHOOK_SECRET": "whsec_test",
}


def compose(env_file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["docker-compose", "--env-file", str(env_file), *args, "config"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def write_env(path: Path, values: dict[str, str]) -> Path:
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    return path


def test_the_stack_validates_with_every_secret_set(tmp_path: Path) -> None:
    result = compose(write_env(tmp_path / ".env", SECRETS))
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    services = config["services"]
    assert {"postgres", "redis", "minio", "minio-init", "migrate", "gateway", "scheduler"} <= set(
        services
    )
    assert services["migrate"]["command"] == ["boda", "migrate"]
    worker_env = services["worker-ocr"]["environment"]
    assert worker_env["BODA_DB__URL"].startswith("postgresql+psycopg://boda:pg-secret@postgres")
    assert worker_env["BODA_STORAGE__BACKEND"] == "s3"
    assert "ports" not in services["worker-ocr"]  # scalable with --scale
    assert json.dumps(services["gateway"]["healthcheck"]).count("/healthz") == 1


def test_the_gpu_worker_is_only_in_its_profile(tmp_path: Path) -> None:
    env = write_env(tmp_path / ".env", SECRETS)
    gpu = yaml.safe_load(compose(env, "--profile", "gpu").stdout)["services"]["worker-gpu"]
    assert gpu["environment"]["BODA_MODELS__DEVICE"] == "gpu:0"
    devices = gpu["deploy"]["resources"]["reservations"]["devices"]
    assert devices[0]["capabilities"] == ["gpu"]


def test_an_empty_secret_stops_compose(tmp_path: Path) -> None:
    result = compose(write_env(tmp_path / ".env", {**SECRETS, "POSTGRES_PASSWORD": ""}))
    assert result.returncode != 0
    assert "POSTGRES_PASSWORD is not set" in result.stderr


def test_the_webhook_secret_is_optional(tmp_path: Path) -> None:
    without = {k: v for k, v in SECRETS.items() if k != "BODA_BOOTSTRAP_WEBHOOK_SECRET"}
    result = compose(write_env(tmp_path / ".env", without))
    assert result.returncode == 0, result.stderr
    migrate = yaml.safe_load(result.stdout)["services"]["migrate"]
    assert migrate["environment"]["BODA_BOOTSTRAP_WEBHOOK_SECRET"] == ""
