"""Requests waiting for jobs to end (`?wait=`) learn of the end at once, without a poll per
waiting client.

One watcher thread per gateway process learns which jobs ended:
- on Postgres, from the terminal transition's `NOTIFY boda_job_ended` (sent at its commit),
  on a `LISTEN` connection of its own;
- on SQLite, from `PRAGMA data_version`, which changes when another connection commits, read
  every 10 ms on a connection of its own while someone waits; then one query finds which of
  the waited-for jobs ended.
Each waiting request holds an asyncio event that the watcher sets. Requests also look again
once a second, so that a notification missed while the listener reconnects costs at most that.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import psycopg
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import make_url, select

from shared.db.models import Job
from shared.db.session import Database
from shared.lifecycle import JOB_ENDED_CHANNEL
from shared.schemas.api import JobOut
from shared.statuses import TERMINAL

log = logging.getLogger(__name__)
SQLITE_POLL_SECONDS = 0.005
RECONNECT_SECONDS = 1.0
LOOK_AGAIN_SECONDS = 1.0
"""A waiting request looks at its job again this often, whatever it was told."""


class JobWatch:
    """Wakes the requests waiting for jobs when those jobs end."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._waiting: dict[uuid.UUID, set[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = {}
        self._lock = threading.Lock()
        self._someone_waits = threading.Event()
        self._stop = threading.Event()
        target: Callable[[], None] = self._listen if _is_postgres(db.url) else self._poll
        self._thread = threading.Thread(target=target, name="job-watch", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._someone_waits.set()
        self._thread.join(timeout=5)

    @asynccontextmanager
    async def watching(self, job_id: uuid.UUID) -> AsyncIterator[asyncio.Event]:
        """An event set when the job ends, for as long as the block runs."""
        waiter = (asyncio.get_running_loop(), asyncio.Event())
        with self._lock:
            self._waiting.setdefault(job_id, set()).add(waiter)
            self._someone_waits.set()
        try:
            yield waiter[1]
        finally:
            with self._lock:
                waiters = self._waiting.get(job_id, set())
                waiters.discard(waiter)
                if not waiters:
                    self._waiting.pop(job_id, None)
                if not self._waiting:
                    self._someone_waits.clear()

    def _wake(self, job_ids: set[uuid.UUID]) -> None:
        with self._lock:
            waiters = [waiter for job_id in job_ids for waiter in self._waiting.get(job_id, ())]
        for loop, event in waiters:
            loop.call_soon_threadsafe(event.set)

    def _listen(self) -> None:
        """Postgres: one LISTEN connection, reconnected when it breaks."""
        dsn = make_url(self.db.url).set(drivername="postgresql").render_as_string(False)
        while not self._stop.is_set():
            try:
                with psycopg.connect(dsn, autocommit=True) as connection:
                    connection.execute(f"LISTEN {JOB_ENDED_CHANNEL}")
                    while not self._stop.is_set():
                        # Each notice as it arrives; the timeout only lets `stop` be seen.
                        for notice in connection.notifies(timeout=1):
                            self._wake({uuid.UUID(notice.payload)})
            except psycopg.Error:
                log.warning("job watch: the LISTEN connection failed; reconnecting", exc_info=True)
                self._stop.wait(RECONNECT_SECONDS)

    def _poll(self) -> None:
        """SQLite: `data_version` while someone waits, then the waited jobs' statuses."""
        path = make_url(self.db.url).database or ":memory:"
        connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        try:
            seen = None
            while not self._stop.is_set():
                self._someone_waits.wait()
                version = connection.execute("PRAGMA data_version").fetchone()[0]
                if version != seen:
                    seen = version
                    with self._lock:
                        waited = set(self._waiting)
                    self._wake(self._ended(waited))
                self._stop.wait(SQLITE_POLL_SECONDS)
        finally:
            connection.close()

    def _ended(self, job_ids: set[uuid.UUID]) -> set[uuid.UUID]:
        if not job_ids:
            return set()
        with self.db.session() as session:
            rows = session.scalars(
                select(Job.id).where(Job.id.in_(job_ids), Job.status.in_(TERMINAL))
            )
            return set(rows)


def _is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


async def wait_for_end(
    watch: JobWatch, look: Callable[[], JobOut], job_id: uuid.UUID, wait: float
) -> JobOut:
    """The job as `look` reads it, once it has ended or `wait` seconds have passed."""
    deadline = time.monotonic() + wait
    out = await run_in_threadpool(look)
    while out.status not in TERMINAL and time.monotonic() < deadline:
        async with watch.watching(job_id) as ended:
            # Looked at again once watched: it may have ended just before.
            out = await run_in_threadpool(look)
            if out.status in TERMINAL:
                break
            remaining = deadline - time.monotonic()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(ended.wait(), timeout=min(remaining, LOOK_AGAIN_SECONDS))
        out = await run_in_threadpool(look)
    return out
