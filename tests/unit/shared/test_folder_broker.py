"""The folder broker never shows a consumer half a message (kombu's own transport did: a worker
polling while a wake-up was written took it empty and lost it)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from shared.config import Settings
from shared.queue import create_celery, send_wakeup


def test_a_wake_up_appears_whole_or_not_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(data_dir=tmp_path)
    queue = settings.broker_folder / "queue"
    seen_before: list[list[str]] = []
    rename = os.replace

    def watching_replace(source: str, target: str) -> None:
        seen_before.append([path.name for path in queue.glob("*.ocr.msg")])
        json.loads(Path(source).read_bytes())  # complete before it is renamed into place
        rename(source, target)

    monkeypatch.setattr(os, "replace", watching_replace)
    send_wakeup(create_celery(settings), "general", "job-1")

    assert seen_before == [[]]  # nothing a consumer matches existed while it was written
    [message] = queue.glob("*.ocr.msg")
    assert json.loads(message.read_bytes())["headers"]["task"] == "run_general"
    assert [path.name for path in queue.iterdir() if path.name.startswith(".")] == []
