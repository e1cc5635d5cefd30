"""Face groups as a tenant manages them (answered at once): create, list, delete, their faces,
search by a registered face; and what a face job needs before it is accepted.

Groups are pinned to the deployment's face pack when made (`models.face_pack`): a job for a
group of another pack is refused with `409 model_mismatch` before anything is stored.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gateway import queries
from gateway.capabilities import require_runnable
from gateway.services import Services
from shared.analyses import Analysis
from shared.analyses.face_spoof import FACE_SPOOF
from shared.db.models import FaceGroup, RegisteredFace
from shared.errors import ConflictError, ModelUnavailableError
from shared.face_groups import find_face, find_group, pack_of, require_pack
from shared.face_matching import Match, from_bytes


def create_group(services: Services, tenant_id: uuid.UUID, group_id: str) -> FaceGroup:
    """A new empty group pinned to the configured pack; `409 group_exists` if the tenant has
    one of that id."""
    group = FaceGroup(
        tenant_id=tenant_id, group_id=group_id, pack=services.settings.models.face_pack
    )
    try:
        with services.db.session() as session:
            session.add(group)
    except IntegrityError as e:
        raise ConflictError(
            "group_exists", f"face group {group_id!r} exists", details={"group_id": group_id}
        ) from e
    return group


def list_groups(
    session: Session, tenant_id: uuid.UUID, limit: int, cursor: str | None
) -> tuple[list[FaceGroup], str | None]:
    query = select(FaceGroup).where(FaceGroup.tenant_id == tenant_id)
    return queries.page(session, query, FaceGroup, limit, cursor)


def delete_group(session: Session, tenant_id: uuid.UUID, group_id: str) -> None:
    """The group and every face of it (their embeddings go with them)."""
    group = find_group(session, tenant_id, group_id)
    session.execute(delete(RegisteredFace).where(RegisteredFace.group_pk == group.id))
    session.delete(group)


def list_faces(
    session: Session,
    tenant_id: uuid.UUID,
    group_id: str,
    external_image_id: str | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[RegisteredFace], str | None]:
    group = find_group(session, tenant_id, group_id)
    query = select(RegisteredFace).where(RegisteredFace.group_pk == group.id)
    if external_image_id is not None:
        query = query.where(RegisteredFace.external_image_id == external_image_id)
    return queries.page(session, query, RegisteredFace, limit, cursor)


def search_by_face(
    services: Services,
    tenant_id: uuid.UUID,
    group_id: str,
    face_id: uuid.UUID,
    limit: int,
    threshold: float | None,
) -> tuple[float, list[Match]]:
    """The group's other faces most similar to one of its faces: (threshold, matches)."""
    with services.db.session() as session:
        group = find_group(session, tenant_id, group_id)
        blob = find_face(session, group, face_id).embedding
        stamp = pack_of(session, group)
        group_pk, revision = group.id, group.revision
    gallery = services.galleries.get(services.db, group_pk, revision, stamp.dimensions)
    query = from_bytes([blob], stamp.dimensions)[0]
    chosen = stamp.calibration.threshold(threshold)
    matches = gallery.search(query, stamp.calibration, chosen, limit + 1)
    return chosen, [match for match in matches if match.face_id != face_id][:limit]


def check_face_job(
    services: Services, tenant_id: uuid.UUID, analysis: Analysis[Any], options: dict[str, Any]
) -> None:
    """Refuse now what a face job could only fail on later: `spoof` without a liveness model
    (`501 model_unavailable`), a group missing (`404`) or of another pack (`409
    model_mismatch`), a face to verify that the group lacks (`404`)."""
    heartbeat = services.settings.worker.heartbeat_seconds
    with services.db.session() as session:
        if options.get("spoof"):
            try:
                require_runnable(session, FACE_SPOOF, heartbeat)
            except ModelUnavailableError as e:
                raise ModelUnavailableError(
                    "the option spoof needs a liveness model, and no face worker of this "
                    "deployment has one (none can be had offline; see the README's faces section)",
                    details=e.details,
                ) from e
        if "group_id" in options:
            group = find_group(session, tenant_id, options["group_id"])
            require_pack(group, services.settings.models.face_pack)
            if "face_id" in options:
                find_face(session, group, uuid.UUID(str(options["face_id"])))
