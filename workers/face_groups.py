"""The face groups a job's pipeline reaches (`workers.pipelines.FaceGroups`), on the database.

Reads happen when the pipeline asks (the group's index through the process's `GalleryCache`);
faces a job adds are only staged, and written by `write` in the transaction that records the
job's result: a job whose claim is lost, or that fails, adds nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy.orm import Session

from shared.config import FaceSettings
from shared.db.session import Database
from shared.face_groups import GalleryCache, add_faces, find_face, find_group, require_pack
from shared.face_matching import Gallery, NewFace, PackStamp, from_bytes


@dataclass(frozen=True)
class _Staged:
    group_id: str
    pack: PackStamp
    faces: list[NewFace]
    external_image_id: str | None


@dataclass
class JobFaceGroups:
    """One job's view of its tenant's groups."""

    db: Database
    cache: GalleryCache
    settings: FaceSettings
    tenant_id: uuid.UUID
    job_id: uuid.UUID
    _staged: list[_Staged] = field(default_factory=list)

    def gallery(self, group_id: str, pack: PackStamp) -> Gallery:
        with self.db.session() as session:
            group = find_group(session, self.tenant_id, group_id)
            require_pack(group, pack.name, pack.version)
            group_pk, revision = group.id, group.revision
        return self.cache.get(self.db, group_pk, revision, pack.dimensions)

    def embedding(self, group_id: str, face_id: uuid.UUID, pack: PackStamp) -> np.ndarray:
        with self.db.session() as session:
            group = find_group(session, self.tenant_id, group_id)
            require_pack(group, pack.name, pack.version)
            blob = find_face(session, group, face_id).embedding
        return from_bytes([blob], pack.dimensions)[0]

    def add(
        self, group_id: str, pack: PackStamp, faces: list[NewFace], external_image_id: str | None
    ) -> None:
        with self.db.session() as session:  # refuse early; `write` checks again
            require_pack(find_group(session, self.tenant_id, group_id), pack.name, pack.version)
        self._staged.append(_Staged(group_id, pack, faces, external_image_id))

    def write(self, session: Session) -> None:
        """Apply what the job staged, in `session`'s transaction (the job's result's)."""
        for staged in self._staged:
            add_faces(
                session,
                self.tenant_id,
                staged.group_id,
                staged.pack,
                staged.faces,
                external_image_id=staged.external_image_id,
                job_id=self.job_id,
                max_faces=self.settings.max_faces_per_group,
            )
