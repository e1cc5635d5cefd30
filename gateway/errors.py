"""The one place where domain errors become HTTP responses (the API's error table: README, API)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Match

from shared.errors import BodaError
from shared.schemas.api import ErrorResponse

log = logging.getLogger(__name__)

STATUS_BY_CODE = {
    "invalid_request": 400,
    "invalid_type": 400,
    "invalid_options": 400,
    "unauthorized": 401,
    "not_found": 404,
    "method_not_allowed": 405,
    "request_timeout": 408,
    "job_not_finished": 409,
    "job_finished": 409,
    "job_failed": 409,
    "job_not_retryable": 409,
    "original_deleted": 409,
    "group_exists": 409,
    "idempotency_key_mismatch": 409,
    "model_mismatch": 409,
    "group_full": 409,
    "batch_not_retryable": 409,
    "no_deliveries": 409,
    "payload_too_large": 413,
    "batch_too_large": 413,
    "image_too_large": 413,
    "unsupported_media_type": 415,
    "image_too_small": 422,
    "image_dimensions_too_large": 422,
    "aspect_ratio_out_of_range": 422,
    "pdf_encrypted": 422,
    "pdf_too_many_pages": 422,
    "corrupt_image": 422,
    "url_not_allowed": 422,
    "url_fetch_failed": 422,
    "unsafe_archive": 422,
    "no_face_detected": 422,
    "rate_limited": 429,
    "model_unavailable": 501,
    "service_unavailable": 503,
}
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": "codes: " + ", ".join(codes)}
    for status, codes in {
        status: sorted(code for code, s in STATUS_BY_CODE.items() if s == status)
        for status in (400, 401, 404, 409, 413, 415, 422, 501, 503)
    }.items()
}
"""Error answers as the OpenAPI schema documents them, each status with its codes."""
JSON_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {
        "description": answer["description"],
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
    }
    for status, answer in ERRORS.items()
}
"""The same, for routes whose success is not JSON (their errors still are)."""
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_CODE_BY_HTTP_STATUS = {
    400: "invalid_request",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
}


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> JSONResponse:
    headers = {"Retry-After": "5"} if status in (429, 503) else None
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    return JSONResponse(body, status_code=status, headers=headers)


async def _domain_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BodaError)
    return error_response(STATUS_BY_CODE.get(exc.code, 500), exc.code, exc.message, exc.details)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [{"loc": list(err["loc"]), "message": err["msg"]} for err in exc.errors()]
    return error_response(400, "invalid_request", "the request is malformed", {"errors": problems})


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = _CODE_BY_HTTP_STATUS.get(exc.status_code, "invalid_request")
    response = error_response(exc.status_code, code, str(exc.detail))
    response.headers.update(exc.headers or {})
    if exc.status_code == 405:
        response.headers["Allow"] = ", ".join(_allowed_methods(request))
    return response


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (Starlette names only the first route's)."""
    return [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL
            for route in request.app.routes
            if isinstance(route, BaseRoute)
        )
    ]


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(503, "service_unavailable", "the service could not answer; try again")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(BodaError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
