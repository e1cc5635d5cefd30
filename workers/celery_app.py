"""The workers' Celery application: `celery -A workers.celery_app worker -Q ocr`."""

from __future__ import annotations

from shared.config import get_settings
from shared.queue import create_celery
from workers.liveness import LivenessStep

app = create_celery(get_settings())
app.steps["worker"].add(LivenessStep)
app.conf.include = ["workers.tasks", "workers.webhooks"]
