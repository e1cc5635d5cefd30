"""The OpenAPI schema: FastAPI's, plus what its generator cannot say from the routes alone —
every type's result schema, and that a job takes exactly one of `file` and `image_url`."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from shared.analyses import ANALYSES

SUBMIT_BODY = "Body_submit_job_v1_jobs_post"


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """The app's schema, made once."""
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(_result_schemas())
        body = components.get(SUBMIT_BODY)
        if body is not None:
            body["oneOf"] = [{"required": ["file"]}, {"required": ["image_url"]}]
        app.openapi_schema = schema
    return app.openapi_schema


def _result_schemas() -> dict[str, Any]:
    """Each analysis type's result model (and the models it uses), as components."""
    models: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        (analysis.result, "serialization") for analysis in ANALYSES.values()
    ]
    _, schema = models_json_schema(models, ref_template="#/components/schemas/{model}")
    definitions: dict[str, Any] = schema.get("$defs", {})
    return definitions
