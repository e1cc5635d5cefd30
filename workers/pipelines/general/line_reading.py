"""Line strips cut upright from a page and read in one batch, each kept with its reading."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from workers.engines.text.line_crops import LineCrop
from workers.engines.text.recognition import LineReading

Recognize = Callable[[Sequence[np.ndarray]], list[LineReading]]
"""One reading per upright RGB strip."""


class LineReader(Protocol):
    """What orientation needs of a recogniser (ScriptRoutingRecognizer is one)."""

    def predict(self, crops: Sequence[np.ndarray]) -> list[LineReading]:
        """The full reading of each strip."""
        ...

    def glance(self, crops: Sequence[np.ndarray]) -> list[LineReading]:
        """A quick reading of each strip that shows whether it holds upright Hangul."""
        ...


@dataclass(frozen=True)
class ReadLine:
    """One line: its upright strip, its reading and the quarter turns that made it upright."""

    crop: LineCrop
    reading: LineReading
    turns: int


def read_turned(
    page: np.ndarray, quads: list[np.ndarray], turns: dict[int, int], recognize: Recognize
) -> dict[int, ReadLine]:
    """Lines `turns` names (index -> quarter turns), cut upright and read in one batch."""
    crops = {i: LineCrop.cut(page, quads[i], t) for i, t in turns.items()}
    readings = recognize([crop.image for crop in crops.values()]) if crops else []
    return {
        i: ReadLine(crop, reading, turns[i])
        for (i, crop), reading in zip(crops.items(), readings, strict=True)
    }
