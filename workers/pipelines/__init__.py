"""Pure pipelines, one package per analysis type: pages and options in, a result model out (no
database, queue or HTTP).

A type's contract (`shared/analyses`) names its pipeline as `module:Class`; the class is a
`PipelineFactory` (checked cheaply, then loaded once per worker process) and what it loads is a
`Pipeline`.
"""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from PIL import Image
from pydantic import BaseModel

from shared.config import Settings
from shared.errors import ModelUnavailableError
from shared.face_matching import Gallery, NewFace, PackStamp

Inputs = Mapping[str, Iterable[Image.Image]]
"""The pages of each input by form field (`file`, `target`), decoded as they are iterated."""


class FaceGroups(Protocol):
    """The face groups of the job's tenant, as a pipeline reads and changes them (the workers
    back this with the database; a pipeline never sees it)."""

    def gallery(self, group_id: str, pack: PackStamp) -> Gallery:
        """The group's faces; `404 not_found`, or `409 model_mismatch` for another pack's."""
        ...

    def embedding(self, group_id: str, face_id: uuid.UUID, pack: PackStamp) -> np.ndarray:
        """One registered face's embedding (same refusals)."""
        ...

    def add(
        self, group_id: str, pack: PackStamp, faces: list[NewFace], external_image_id: str | None
    ) -> None:
        """Add faces to the group with the job's result, in its transaction (or not at all)."""
        ...


@dataclass(frozen=True)
class JobContext:
    """What a job's pipeline may reach beyond its inputs and options."""

    groups: FaceGroups


class Pipeline(Protocol):
    """A loaded pipeline; one serves one job at a time."""

    @property
    def models(self) -> dict[str, str]:
        """The model versions behind a result, as a job's `models` reports them."""
        ...

    def run(self, inputs: Inputs, options: Any, context: JobContext) -> BaseModel:
        """The result of one job; raises a `BodaError` for input it cannot analyse."""
        ...


class PipelineFactory(Protocol):
    def check(self, settings: Settings) -> None:
        """Raise `ModelUnavailableError` naming what is missing; loads nothing."""
        ...

    def load(self, settings: Settings) -> Pipeline:
        """Load the models (slow: once per worker process)."""
        ...


def resolve(path: str) -> PipelineFactory:
    """The factory a contract names as `module:attribute`."""
    factory: PipelineFactory = imported(path, "pipeline")
    return factory


def imported(path: str, what: str) -> Any:
    """The attribute `module:attribute` names (a pipeline, or a plug-in configuration names);
    `ModelUnavailableError` saying which `what` cannot be loaded."""
    module, _, attribute = path.partition(":")
    try:
        return getattr(importlib.import_module(module), attribute)
    except (ImportError, AttributeError, ValueError) as e:
        raise ModelUnavailableError(f"{what} {path} cannot be loaded: {e}") from e
