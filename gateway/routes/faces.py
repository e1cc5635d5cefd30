"""`/v1/face/groups`: face groups and their faces, answered at once (image work is a job:
`face_register`, `face_search`, `face_verify`)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response
from starlette.concurrency import run_in_threadpool

from gateway import face_groups
from gateway.auth import TenantDep
from gateway.errors import ERRORS
from gateway.services import ServicesDep, SessionDep
from shared.analyses.face_search import FaceSearchMatch
from shared.analyses.options import Threshold
from shared.face_groups import find_group, remove_face
from shared.schemas.api import (
    FaceGroupIn,
    FaceGroupList,
    FaceGroupOut,
    FaceIdSearchOut,
    RegisteredFaceList,
    RegisteredFaceOut,
)

router = APIRouter(prefix="/v1/face/groups", tags=["faces"])
Limit = Annotated[int, Query(ge=1, le=200)]


@router.post("", status_code=201, response_model=FaceGroupOut, responses=ERRORS)
def create_group(services: ServicesDep, tenant_id: TenantDep, body: FaceGroupIn) -> FaceGroupOut:
    """A new empty group, pinned to the deployment's face model pack."""
    return FaceGroupOut.of(face_groups.create_group(services, tenant_id, body.group_id))


@router.get("", response_model=FaceGroupList, responses=ERRORS)
def list_groups(
    session: SessionDep, tenant_id: TenantDep, limit: Limit = 50, cursor: str | None = None
) -> FaceGroupList:
    """The tenant's groups, newest first, a page at a time."""
    found, next_cursor = face_groups.list_groups(session, tenant_id, limit, cursor)
    return FaceGroupList(items=[FaceGroupOut.of(g) for g in found], next_cursor=next_cursor)


@router.get("/{group_id}", response_model=FaceGroupOut, responses=ERRORS)
def get_group(session: SessionDep, tenant_id: TenantDep, group_id: str) -> FaceGroupOut:
    """The group's face count and model pack."""
    return FaceGroupOut.of(find_group(session, tenant_id, group_id))


@router.delete("/{group_id}", status_code=204, responses=ERRORS)
def delete_group(session: SessionDep, tenant_id: TenantDep, group_id: str) -> Response:
    """The group and every face of it."""
    face_groups.delete_group(session, tenant_id, group_id)
    return Response(status_code=204)


@router.get("/{group_id}/faces", response_model=RegisteredFaceList, responses=ERRORS)
def list_faces(
    session: SessionDep,
    tenant_id: TenantDep,
    group_id: str,
    limit: Limit = 50,
    cursor: str | None = None,
    external_image_id: Annotated[str | None, Query(max_length=255)] = None,
) -> RegisteredFaceList:
    """The group's faces, newest first, a page at a time; only those of one image if asked."""
    found, next_cursor = face_groups.list_faces(
        session, tenant_id, group_id, external_image_id, limit, cursor
    )
    return RegisteredFaceList(
        items=[RegisteredFaceOut.of(face) for face in found], next_cursor=next_cursor
    )


@router.delete("/{group_id}/faces/{face_id}", status_code=204, responses=ERRORS)
def delete_face(
    session: SessionDep, tenant_id: TenantDep, group_id: str, face_id: uuid.UUID
) -> Response:
    """One face of the group (its embedding is deleted)."""
    remove_face(session, find_group(session, tenant_id, group_id), face_id)
    return Response(status_code=204)


@router.get("/{group_id}/faces/{face_id}/search", response_model=FaceIdSearchOut, responses=ERRORS)
async def search_by_face(
    services: ServicesDep,
    tenant_id: TenantDep,
    group_id: str,
    face_id: uuid.UUID,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    threshold: Annotated[Threshold, Query()] = None,
) -> FaceIdSearchOut:
    """The group's other faces ranked by similarity to one of its faces, at or above
    `threshold` (default: the pack's calibrated one)."""
    chosen, matches = await run_in_threadpool(
        face_groups.search_by_face, services, tenant_id, group_id, face_id, limit, threshold
    )
    return FaceIdSearchOut(
        face_id=face_id,
        threshold=chosen,
        matches=[FaceSearchMatch.of(match) for match in matches],
    )
