"""Bearer API keys: a short prefix finds the key, its SHA-256 is compared in constant time."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select

from gateway.services import Services, ServicesDep
from shared.db.models import ApiKey
from shared.errors import UnauthorizedError
from shared.keys import key_matches, key_prefix

# auto_error=False: a missing or malformed header is answered in Boda's error envelope below.
_bearer = HTTPBearer(
    auto_error=False, scheme_name="apiKey", description="an API key: boda_<prefix>_<secret>"
)


_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, scheme_name="apiKeyHeader",
    description="the same API key, for the plate compatibility endpoint's clients",
)  # fmt: skip
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
KeyHeaderDep = Annotated[str | None, Depends(_key_header)]


def _tenant_id(services: ServicesDep, credentials: BearerDep) -> uuid.UUID:
    return tenant_of_key(services, credentials.credentials if credentials else "")


def tenant_of_key(services: Services, key: str) -> uuid.UUID:
    """The tenant an API key belongs to; `UnauthorizedError` for no key or a wrong one."""
    key = key.strip()
    prefix = key_prefix(key)
    if prefix is None:
        raise UnauthorizedError("send 'Authorization: Bearer <api key>'")
    with services.db.session() as session:
        api_key = session.scalar(
            select(ApiKey).where(ApiKey.prefix == prefix, ApiKey.revoked_at.is_(None))
        )
    if api_key is None or not key_matches(key, api_key.key_sha256):
        raise UnauthorizedError("the API key is not valid")
    return api_key.tenant_id


TenantDep = Annotated[uuid.UUID, Depends(_tenant_id)]
