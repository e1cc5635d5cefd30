"""The optional third stage: a plate reader of the operator's own, named by configuration.

`BODA_PLATES__EXTERNAL_STAGE=package.module:factory` names a callable that takes no argument
and returns an `ExternalReader` (for example a client of a hosted vision model, as the seed
plate system used). Boda ships none and needs none: it is asked only about plates the first
two stages left unread, and what it answers is validated like any reading.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from workers.pipelines import imported


class ExternalReader(Protocol):
    """Reads one plate: an upright RGB crop in, (text, confidence 0–1) or None out."""

    name: str

    def read(self, plate: np.ndarray) -> tuple[str, float] | None: ...


def load_external(path: str) -> ExternalReader:
    """The reader the factory at `module:attribute` builds."""
    reader: ExternalReader = imported(path, "external plate stage")()
    return reader
