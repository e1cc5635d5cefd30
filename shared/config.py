"""Settings for every Boda process, from `BODA_`-prefixed environment variables.

The embedded default needs no variable at all: SQLite, a filesystem broker and a local object
folder under `data_dir`. Setting `BODA_DB__URL`, `BODA_BROKER__URL` and `BODA_STORAGE__*`
switches the same code to Postgres, Redis (or RabbitMQ) and MinIO/S3.
"""

from __future__ import annotations

import math
import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class DatabaseSettings(BaseModel):
    url: str | None = Field(None, description="SQLAlchemy URL; default: SQLite in data_dir")
    echo: bool = False


class BrokerSettings(BaseModel):
    url: str | None = Field(None, description="Celery broker URL; default: a folder in data_dir")
    key_prefix: str = Field("", description="prefix for every broker key (Redis only)")
    polling_interval: float = Field(
        0.02, description="seconds between polls (folder broker; while a worker can take a job)"
    )


class StorageSettings(BaseModel):
    backend: Literal["local", "s3"] = "local"
    path: Path | None = Field(None, description="local backend folder; default data_dir/objects")
    endpoint: str = Field("127.0.0.1:9000", description="host:port of the S3 API (s3 backend)")
    access_key: str = ""
    secret_key: SecretStr = SecretStr("")
    bucket: str = "boda"
    secure: bool = False
    region: str | None = None
    key_prefix: str = ""


class LimitSettings(BaseModel):
    max_file_bytes: int = 20 * 1024 * 1024
    max_request_bytes: int = 25 * 1024 * 1024
    max_pixels: int = Field(50_000_000, description="decoded pixels per page")
    max_document_pixels: int = Field(
        200_000_000, description="decoded pixels of the pages read, all together (50 A4 at 200 dpi)"
    )
    min_side: int = 16
    max_aspect_ratio: float = 10.0
    max_pages: int = 50
    pdf_dpi: int = 200
    read_timeout_seconds: float = Field(
        30.0, description="for a request head to arrive, and for each piece of a body"
    )


class UrlFetchSettings(BaseModel):
    allowed_ports: list[int] = [80, 443]
    allowed_networks: list[str] = Field(
        default_factory=list,
        description="CIDRs an operator trusts even though they are private (none by default)",
    )
    timeout_seconds: float = 10.0
    max_redirects: int = 5


class WebhookSettings(BaseModel):
    allow_hosts: list[str] = Field(
        default_factory=list,
        description="hosts webhooks may reach although they are not public: `host` for any "
        "port, `host:port` for one (e.g. a receiver on the same private network)",
    )
    timeout_seconds: float = Field(10.0, description="for one delivery attempt")
    first_retry_seconds: float = Field(30.0, description="wait after the first failure")
    max_retry_seconds: float = Field(3600.0, description="longest wait between attempts")
    give_up_after_seconds: float = Field(86400.0, description="from the event to the last try")


class BatchSettings(BaseModel):
    max_request_bytes: int = Field(200 * 1024 * 1024, description="one batch request body")
    max_files: int = Field(500, description="files (or zip entries) in one batch")
    max_uncompressed_bytes: int = Field(
        1024 * 1024 * 1024, description="a zip's entries, all together, once extracted"
    )
    max_compression_ratio: float = Field(
        100.0, description="extracted size over compressed size of one zip entry"
    )


class FaceSettings(BaseModel):
    max_faces_per_group: int = Field(100_000, description="as NHN Cloud's groups")
    index_cache_mb: int = Field(
        512,
        description="embeddings of recently searched groups kept in memory per process "
        "(a 100k-face group of 128-d embeddings is 51 MB)",
    )


class PlateSettings(BaseModel):
    sure_confidence: float = Field(
        0.9, ge=0, le=1, description="a valid first reading below this gets the second look too"
    )
    external_stage: str | None = Field(
        None,
        description="`module:factory` of an external plate reader, asked only about plates "
        "the built-in stages leave unread (off by default)",
    )
    sync_timeout_seconds: float = Field(
        20.0, gt=0, le=30, description="how long POST /ocr/license-plate waits for its job"
    )


class DocumentSettings(BaseModel):
    verifier: str | None = Field(
        None,
        description="`module:factory` of a government verification client for business "
        "registrations and ID cards (none: their `government_verification` check is null)",
    )


class RetentionSettings(BaseModel):
    originals_days: int | None = Field(
        7, description="days an ended job's originals are kept (None: until the job is deleted)"
    )
    results_days: int | None = Field(
        None, description="days an ended job and its result are kept (None: until deleted)"
    )


class WorkerSettings(BaseModel):
    concurrency: int = Field(
        0, description="pool processes per worker, each with its models; 0: one per core / threads"
    )
    prefetch_multiplier: int = Field(
        1,
        description="wake-ups a worker process holds beyond the job it runs: 2 hides the broker's "
        "round trip between batch jobs (throughput +5 %), but a single job may then wait behind "
        "one more batch job",
    )
    lease_seconds: float = 60.0
    heartbeat_seconds: float = 15.0
    max_attempts: int = 3
    soft_time_limit: int = 300
    time_limit: int = 330


class SchedulerSettings(BaseModel):
    interval_seconds: float = 5.0
    requeue_after_seconds: float = 60.0


class ModelSettings(BaseModel):
    dir: Path | None = Field(None, description="model directory; default ./models")
    text_detection: str = "PP-OCRv6_tiny_det"
    text_recognition: str = "PP-OCRv6_small_rec"
    korean_recognition: str = Field(
        "boda_korean_rec_v8",
        description="Boda's Korean line model in text_recognition/; empty: Tesseract reads Hangul",
    )
    hangul_first: Literal["model", "tesseract"] = Field(
        "model", description="which reads every Hangul line; the other reads unsure ones"
    )
    korean_decoding: Literal["beam", "greedy"] = Field(
        "beam",
        description="the Korean model's unsure lines: a beam search weighed by a Korean jamo "
        "n-gram, or the likeliest token at each step",
    )
    tessdata_dir: Path | None = Field(None, description="folder with kor/eng .traineddata")
    plate_detection: str = Field(
        "PP-OCRv6_tiny_det", description="the text detector that finds plates' lines"
    )
    plate_recognition: str = Field(
        "boda_plate_rec_v1", description="the line model that reads plates, in text_recognition/"
    )
    face_pack: str = Field("yunet-sface", description="face models: the folder face/<pack>/")
    liveness: str = Field(
        "minifasnet", description="liveness model: the folder face_liveness/<name>/, if present"
    )
    intra_op_threads: int = Field(
        0,
        description="threads per job: onnxruntime's, and Tesseract lines at once; 0: 1 when "
        "the pool is sized by the cores, else the cores shared out among the pool's processes",
    )
    device: str = Field("cpu", description="cpu, or gpu:N for onnxruntime's CUDA provider")

    @property
    def root(self) -> Path:
        """The model directory (`dir`, else ./models)."""
        return self.dir or Path("models").resolve()


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BODA_", env_nested_delimiter="__")

    data_dir: Path = Path("data")
    db: DatabaseSettings = DatabaseSettings()
    broker: BrokerSettings = BrokerSettings()
    storage: StorageSettings = StorageSettings()
    limits: LimitSettings = LimitSettings()
    url_fetch: UrlFetchSettings = UrlFetchSettings()
    webhooks: WebhookSettings = WebhookSettings()
    batches: BatchSettings = BatchSettings()
    faces: FaceSettings = FaceSettings()
    plates: PlateSettings = PlateSettings()
    documents: DocumentSettings = DocumentSettings()
    retention: RetentionSettings = RetentionSettings()
    worker: WorkerSettings = WorkerSettings()
    scheduler: SchedulerSettings = SchedulerSettings()
    models: ModelSettings = ModelSettings()
    bootstrap_api_key: SecretStr | None = None
    bootstrap_webhook_secret: SecretStr | None = None
    log_level: str = "INFO"

    @model_validator(mode="after")
    def _fill_embedded_defaults(self) -> Settings:
        self.data_dir = self.data_dir.resolve()
        if self.db.url is None:
            self.db.url = f"sqlite:///{self.data_dir / 'boda.sqlite3'}"
        if self.broker.url is None:
            self.broker.url = "filesystem://"
        if self.storage.path is None:
            self.storage.path = self.data_dir / "objects"
        if self.models.dir is None:
            self.models.dir = Path("models").resolve()
        if (
            self.bootstrap_webhook_secret is not None
            and not self.bootstrap_webhook_secret.get_secret_value()
        ):
            self.bootstrap_webhook_secret = None  # compose passes an unset variable as empty
        self._size_the_worker(available_cores())
        if self.worker.heartbeat_seconds >= self.worker.lease_seconds:
            raise ValueError("worker.heartbeat_seconds must be shorter than worker.lease_seconds")
        return self

    def _size_the_worker(self, cores: int) -> None:
        """Processes and threads per job sized together, so that as many jobs at once as the
        pool has processes use every core without oversubscribing them. Threads scale poorly
        in these models (1 -> 2 threads: 1.30x pages/s on 2 cores; 2 processes x 1 thread:
        1.86x), so by default each job has one thread and the pool one process per core."""
        threads, processes = self.models.intra_op_threads, self.worker.concurrency
        if processes <= 0:
            processes = max(1, cores // max(threads, 1))
        if threads <= 0:
            threads = 1 if self.worker.concurrency <= 0 else max(1, cores // processes)
        self.worker.concurrency, self.models.intra_op_threads = processes, threads

    @property
    def embedded(self) -> bool:
        """True when nothing outside data_dir is needed (SQLite and the folder broker)."""
        return self.database_url.startswith("sqlite") and self.broker_url == "filesystem://"

    @property
    def database_url(self) -> str:
        assert self.db.url is not None
        return self.db.url

    @property
    def broker_url(self) -> str:
        assert self.broker.url is not None
        return self.broker.url

    @property
    def broker_folder(self) -> Path:
        return self.data_dir / "broker"


CPU_MAX = Path("/sys/fs/cgroup/cpu.max")
"""cgroup v2: a container's CPU quota (`max` or `<quota> <period>` in microseconds)."""


def available_cores(cpu_max: Path = CPU_MAX) -> int:
    """The cores this process may use: its CPU affinity, less a container's CPU quota."""
    cores = len(os.sched_getaffinity(0))
    try:
        quota, period = cpu_max.read_text().split()
    except (OSError, ValueError):
        return cores
    if quota == "max":
        return cores
    return max(1, min(cores, math.ceil(int(quota) / int(period))))


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
