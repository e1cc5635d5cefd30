"""Per-type job options: validated strictly, so a misspelt option is an error, not a no-op."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from shared.errors import InvalidOptionsError


class JobOptions(BaseModel):
    """Options every type accepts."""

    model_config = ConfigDict(extra="forbid")


class GeneralOptions(JobOptions):
    """`general` OCR takes no options yet: every page is read with the deployment's models."""


OPTIONS_BY_TYPE: dict[str, type[JobOptions]] = {"general": GeneralOptions}


def parse_options(job_type: str, raw: dict[str, Any]) -> dict[str, Any]:
    """Validate the options of a job type; the normalised dict is what the job stores."""
    model = OPTIONS_BY_TYPE.get(job_type, JobOptions)
    try:
        return model.model_validate(raw).model_dump(mode="json")
    except ValidationError as e:
        problems = [{"loc": list(err["loc"]), "message": err["msg"]} for err in e.errors()]
        raise InvalidOptionsError("options are not valid", details={"errors": problems}) from e
