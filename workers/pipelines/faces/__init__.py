"""The face types as jobs run them, one module each, all on one `FaceFinder` per process
(the pack loaded once): detect, compare, register, search, verify, spoof."""

from __future__ import annotations

from typing import ClassVar, Self

from shared.config import Settings
from workers.pipelines.faces.finder import FaceFinder


class FacePipeline:
    """What the face types share: their models, checked and loaded through `FaceFinder`."""

    needs_liveness: ClassVar[bool] = False

    def __init__(self, finder: FaceFinder) -> None:
        self.finder = finder

    @classmethod
    def check(cls, settings: Settings) -> None:
        FaceFinder.check(settings.models, liveness=cls.needs_liveness)

    @classmethod
    def load(cls, settings: Settings) -> Self:
        cls.check(settings)
        return cls(FaceFinder.load(settings.models))

    @property
    def models(self) -> dict[str, str]:
        return self.finder.models
