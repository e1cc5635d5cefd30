"""Face groups in the database, as both the gateway (manage, search by face id) and the
workers (register, search and verify by image) reach them: one tenant's group by its id, the
pack it is pinned to, its faces added and removed, and its search index.

A group is pinned to the face model pack it was made with (its name at creation, its version
with the first face): embeddings of another pack do not compare, so a job for it is refused
with `409 model_mismatch`.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from shared.db.models import FaceGroup, FacePackInfo, RegisteredFace, utcnow
from shared.db.session import Database
from shared.errors import ConflictError, NotFoundError
from shared.face_matching import Calibration, Gallery, NewFace, PackStamp, from_bytes, to_bytes


def find_group(session: Session, tenant_id: uuid.UUID, group_id: str) -> FaceGroup:
    """The tenant's group; another tenant's group is as absent as a missing one."""
    group = session.scalars(
        select(FaceGroup).where(FaceGroup.tenant_id == tenant_id, FaceGroup.group_id == group_id)
    ).one_or_none()
    if group is None:
        raise NotFoundError(f"face group {group_id!r} not found", details={"group_id": group_id})
    return group


def find_face(session: Session, group: FaceGroup, face_id: uuid.UUID) -> RegisteredFace:
    face = session.scalars(
        select(RegisteredFace).where(
            RegisteredFace.id == face_id, RegisteredFace.group_pk == group.id
        )
    ).one_or_none()
    if face is None:
        raise NotFoundError(
            f"face {face_id} not found in group {group.group_id!r}",
            details={"group_id": group.group_id, "face_id": str(face_id)},
        )
    return face


def require_pack(group: FaceGroup, pack: str, version: str | None = None) -> None:
    """`409 model_mismatch` unless the group's embeddings come from `pack` (at `version`)."""
    if group.pack != pack or (version and group.pack_version not in (None, version)):
        raise ConflictError(
            "model_mismatch",
            f"face group {group.group_id!r} was made with face pack {group.pack!r}"
            f"{f' ({group.pack_version})' if group.pack_version else ''}; this deployment "
            f"runs {pack!r}{f' ({version})' if version else ''}: make a new group and register "
            "its faces again",
            details={
                "group_pack": group.pack,
                "group_pack_version": group.pack_version,
                "pack": pack,
                "pack_version": version,
            },
        )


def add_faces(
    session: Session,
    tenant_id: uuid.UUID,
    group_id: str,
    stamp: PackStamp,
    faces: list[NewFace],
    *,
    external_image_id: str | None,
    job_id: uuid.UUID | None,
    max_faces: int,
) -> None:
    """Add faces to a group in `session`'s transaction: the group's revision and count move
    with them, and the group is pinned to `stamp`'s version by its first face. Refused when
    the group is gone, made with another pack, or would hold more than `max_faces`."""
    group = find_group(session, tenant_id, group_id)
    require_pack(group, stamp.name, stamp.version)
    added = session.execute(
        update(FaceGroup)
        .where(
            FaceGroup.id == group.id,
            FaceGroup.face_count + len(faces) <= max_faces,
            (FaceGroup.pack_version.is_(None)) | (FaceGroup.pack_version == stamp.version),
        )
        .values(
            revision=FaceGroup.revision + 1,
            face_count=FaceGroup.face_count + len(faces),
            pack_version=stamp.version,
        )
        .returning(FaceGroup.id)
    ).first()
    if added is None:
        raise ConflictError(
            "group_full",
            f"face group {group_id!r} holds {group.face_count} faces; {len(faces)} more would "
            f"pass its limit of {max_faces}",
            details={"group_id": group_id, "faces": group.face_count, "limit": max_faces},
        )
    session.add_all(
        RegisteredFace(
            id=new.face_id,
            group_pk=group.id,
            external_image_id=external_image_id,
            job_id=job_id,
            face=new.face,
            embedding=to_bytes(new.embedding),
            pack_version=stamp.version,
        )
        for new in faces
    )
    report_pack(session, stamp)


def remove_face(session: Session, group: FaceGroup, face_id: uuid.UUID) -> None:
    """Delete one face of a group (`404 not_found` if it has no such face)."""
    gone = session.execute(
        delete(RegisteredFace)
        .where(RegisteredFace.id == face_id, RegisteredFace.group_pk == group.id)
        .returning(RegisteredFace.id)
    ).first()
    if gone is None:
        find_face(session, group, face_id)  # raises not_found
    session.execute(
        update(FaceGroup)
        .where(FaceGroup.id == group.id)
        .values(revision=FaceGroup.revision + 1, face_count=FaceGroup.face_count - 1)
    )


def report_pack(session: Session, stamp: PackStamp) -> None:
    """Record a pack's calibration for the gateway (the latest one measured wins)."""
    known = session.get(FacePackInfo, (stamp.name, stamp.version))
    calibration = stamp.calibration.model_dump(mode="json")
    if known is None:
        session.add(
            FacePackInfo(
                name=stamp.name,
                version=stamp.version,
                dimensions=stamp.dimensions,
                calibration=calibration,
            )
        )
    elif known.calibration != calibration:
        known.calibration, known.reported_at = calibration, utcnow()


def pack_of(session: Session, group: FaceGroup) -> PackStamp:
    """The pack a group's faces were embedded with, as the job that added them reported it
    (`404 not_found` for a group with no face yet)."""
    info = session.get(FacePackInfo, (group.pack, group.pack_version))
    if info is None:
        raise NotFoundError(f"face group {group.group_id!r} has no faces yet")
    calibration = Calibration.model_validate(info.calibration)
    return PackStamp(info.name, info.version, info.dimensions, calibration)


class GalleryCache:
    """Groups' embeddings as matrices, kept per process while their revision holds.

    Bounded by `max_bytes` (least recently searched dropped first); thread-safe. A group is
    loaded at most once per revision; a group that changed is loaded again on its next search.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._galleries: OrderedDict[uuid.UUID, tuple[int, Gallery]] = OrderedDict()

    def get(self, db: Database, group_pk: uuid.UUID, revision: int, dimensions: int) -> Gallery:
        """The group's faces at `revision` (read from the group's row just now)."""
        with self._lock:
            held = self._galleries.get(group_pk)
            if held is not None and held[0] == revision:
                self._galleries.move_to_end(group_pk)
                return held[1]
        gallery = _load(db, group_pk, dimensions)
        with self._lock:
            self._galleries[group_pk] = (revision, gallery)
            self._galleries.move_to_end(group_pk)
            while len(self._galleries) > 1 and self._held_bytes() > self.max_bytes:
                self._galleries.popitem(last=False)
        return gallery

    def _held_bytes(self) -> int:
        return sum(gallery.nbytes for _, gallery in self._galleries.values())


def _load(db: Database, group_pk: uuid.UUID, dimensions: int) -> Gallery:
    columns = (RegisteredFace.id, RegisteredFace.external_image_id, RegisteredFace.embedding)
    with db.session() as session:
        rows = session.execute(select(*columns).where(RegisteredFace.group_pk == group_pk)).all()
    return Gallery(
        [row.id for row in rows],
        [row.external_image_id for row in rows],
        from_bytes([row.embedding for row in rows], dimensions),
    )
