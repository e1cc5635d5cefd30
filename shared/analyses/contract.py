"""What an analysis type declares: the one description the gateway, the workers, the
downloads and the OpenAPI schema all read.

A type's pipeline is named by import path and resolved only in the workers, so that the
gateway never imports `workers/` (it only needs the contract to validate and describe a job).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from shared.analyses.options import JobOptions
from shared.errors import InvalidOptionsError

Cell = str | int | float | bool | None
Row = dict[str, Cell]
"""One spreadsheet row: column name to value, columns in the order a sheet shows them."""

ResultT = TypeVar("ResultT", bound=BaseModel)

MAX_OPTIONS_CHARS = 10_000
"""Options are a few flags and ids; a longer JSON text is refused before it is parsed."""


def options_object(text: str | None) -> dict[str, Any]:
    """The JSON object a form's `options` field holds (`{}` when empty), not yet validated."""
    if not text:
        return {}
    if len(text) > MAX_OPTIONS_CHARS:
        raise InvalidOptionsError(
            f"options are longer than {MAX_OPTIONS_CHARS} characters",
            details={"limit": MAX_OPTIONS_CHARS},
        )
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise InvalidOptionsError(f"options is not valid JSON: {e.msg}") from e
    except RecursionError as e:  # nested deeper than the parser's stack
        raise InvalidOptionsError("options are nested too deeply") from e
    if not isinstance(value, dict):
        raise InvalidOptionsError("options must be a JSON object")
    return value


class Pages(StrEnum):
    """Which pages of a multi-page input (PDF, TIFF) a type reads."""

    ALL = "all"
    """Every page, up to `limits.max_pages` (more is `pdf_too_many_pages`)."""
    FIRST = "first"
    """The first page only, as NHN Cloud's document OCR does; the page count is still reported."""


@dataclass(frozen=True)
class Input:
    """One uploaded file of a job: the multipart field it comes in and its name in the job."""

    field: str
    """Form field of `POST /v1/jobs` (`file`, `target`)."""
    name: str
    """Key under the job's `input` when a type takes several files (`source`, `target`)."""


FILE = (Input("file", "file"),)


@dataclass(frozen=True)
class Analysis(Generic[ResultT]):
    """The contract of one analysis type (the `type` of a job)."""

    name: str
    summary: str
    queue: str
    """Celery queue of the model family that runs it: `ocr` or `face`."""
    options: type[JobOptions]
    result: type[ResultT]
    text: Callable[[ResultT], str]
    """The result as plain text (`/result.txt`)."""
    rows: Callable[[ResultT], list[Row]]
    """The result as spreadsheet rows (`/result.xlsx`, a batch's sheet of this type)."""
    model_roles: tuple[str, ...]
    """The keys a finished job's `models` may hold (which model did what)."""
    pipeline: str | None
    """`module:attribute` of the pipeline in the workers; None: not part of this release."""
    inputs: tuple[Input, ...] = FILE
    detail_rows: Callable[[ResultT], list[Row]] | None = None
    """A single job's rows where they differ from its row in a batch (documents: a row per
    field rather than a column per field)."""
    pages: Pages = Pages.FIRST
    personal_data: bool = False
    """Originals are deleted when the job ends, unless `keep_original` asks to keep them."""

    @property
    def task_name(self) -> str:
        """The Celery task that runs jobs of this type."""
        return f"run_{self.name}"

    def parse_options(self, raw: dict[str, Any]) -> dict[str, Any]:
        """Validate options; the normalised dict is what the job stores."""
        try:
            return self.options.model_validate(raw).model_dump(mode="json")
        except ValidationError as e:
            problems = [{"loc": list(err["loc"]), "message": err["msg"]} for err in e.errors()]
            raise InvalidOptionsError("options are not valid", details={"errors": problems}) from e

    def parse_options_json(self, text: str | None) -> dict[str, Any]:
        """Options as a form sends them: a JSON object, or nothing for the defaults."""
        return self.parse_options(options_object(text))

    def keeps_original(self, options: dict[str, Any]) -> bool:
        """Whether a job's originals outlive its end (succeeded or cancelled)."""
        return not self.personal_data or bool(options.get("keep_original"))

    def render_text(self, payload: dict[str, Any]) -> str:
        return self.text(self.result.model_validate(payload))

    def render_rows(self, payload: dict[str, Any], detail: bool = False) -> list[Row]:
        """The result's spreadsheet rows: as a batch shows them, or (`detail`) as a single
        job's download does."""
        rows = self.detail_rows if detail and self.detail_rows else self.rows
        return rows(self.result.model_validate(payload))
