"""Which jobs have a wake-up waiting in the broker, so that the scheduler re-sends only the lost.

A wake-up is lost when the broker forgets it (a Redis without persistence restarted) or a worker
takes it and dies before claiming the job (the folder broker has no acknowledgements). Brokers
that can be read without consuming (the folder and Redis) are read message by message; for the
others (RabbitMQ) only counts are known, and `BrokerQueues.pending` says so with None.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from celery import Celery
from kombu.transport import filesystem, redis


class BrokerQueues:
    """Reads the job ids of the wake-ups waiting (or delivered but not acknowledged) in a queue."""

    def __init__(self, celery: Celery) -> None:
        self.celery = celery

    def pending(self, queue: str) -> set[str] | None:
        """Job ids with a wake-up in `queue`; None where the broker cannot be read so."""
        with self.celery.connection_for_read() as connection:
            channel = connection.default_channel
            if isinstance(channel, filesystem.Channel):
                return _folder_pending(Path(channel.data_folder_in), queue)
            if isinstance(channel, redis.Channel):
                return _redis_pending(channel, queue)
        return None

    def count(self, queue: str) -> int:
        """How many messages wait in `queue` (every broker can say)."""
        with self.celery.connection_for_read() as connection:
            declared = connection.default_channel.queue_declare(queue=queue, passive=True)
            return int(declared.message_count)


def _folder_pending(folder: Path, queue: str) -> set[str]:
    ids = set()
    for path in folder.glob(f"*.{queue}.msg"):
        try:
            ids.add(_job_id(json.loads(path.read_bytes())))
        except (OSError, ValueError, KeyError, IndexError):
            continue  # taken by a worker meanwhile, or not one of ours
    return ids


def _redis_pending(channel: Any, queue: str) -> set[str]:
    prefix = channel.global_keyprefix
    client = channel.client
    raw = [
        message
        for step in channel.priority_steps
        for message in client.lrange(prefix + channel._q_for_pri(queue, step), 0, -1)
    ]
    ids = set()
    for message in raw:
        try:
            ids.add(_job_id(json.loads(message)))
        except (ValueError, KeyError, IndexError):
            continue
    for delivered in client.hvals(prefix + channel.unacked_key):
        try:
            payload, _exchange, routing_key = json.loads(delivered)
            if routing_key == queue:
                ids.add(_job_id(payload))
        except (ValueError, KeyError, IndexError):
            continue
    return ids


def _job_id(message: dict[str, Any]) -> str:
    """The job id a task message carries (Celery's message protocol 2: body = [args, …])."""
    body = message["body"]
    if message.get("properties", {}).get("body_encoding") == "base64":
        body = base64.b64decode(body)
    args = json.loads(body)[0]
    return str(args[0])
