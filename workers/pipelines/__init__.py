"""Pure pipelines, one package per analysis type: pages and options in, a result model out (no
database, queue or HTTP).

A type's contract (`shared/analyses`) names its pipeline as `module:Class`; the class is a
`PipelineFactory` (checked cheaply, then loaded once per worker process) and what it loads is a
`Pipeline`.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from PIL import Image
from pydantic import BaseModel

from shared.config import Settings
from shared.errors import ModelUnavailableError

Inputs = Mapping[str, Iterable[Image.Image]]
"""The pages of each input by form field (`file`, `target`), decoded as they are iterated."""


class Pipeline(Protocol):
    """A loaded pipeline; one serves one job at a time."""

    @property
    def models(self) -> dict[str, str]:
        """The model versions behind a result, as a job's `models` reports them."""
        ...

    def run(self, inputs: Inputs, options: Any) -> BaseModel:
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
    module, _, attribute = path.partition(":")
    try:
        factory: PipelineFactory = getattr(importlib.import_module(module), attribute)
    except (ImportError, AttributeError) as e:
        raise ModelUnavailableError(f"pipeline {path} is not installed: {e}") from e
    return factory
