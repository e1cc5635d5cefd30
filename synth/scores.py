"""Scores of an OCR result against a synthetic page's ground truth."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from rapidfuzz.distance import Levenshtein

from shared.analyses.general import Page
from synth.documents import Quad, SyntheticPage

MATCH_IOU = 0.5
LOOSE_IOU = 0.2
COVERAGE = 0.8
"""Loose matching: a result box covering COVERAGE of a truth line, with IoU > LOOSE_IOU."""


def character_errors(predicted: str, truth: str) -> int:
    """Levenshtein distance: characters inserted, deleted or substituted."""
    return int(Levenshtein.distance(predicted, truth))


def quad_iou(a: Sequence[Sequence[float]], b: Sequence[Sequence[float]]) -> float:
    """Intersection over union of two convex quads."""
    first = np.asarray(a, dtype=np.float32).reshape(4, 2)
    second = np.asarray(b, dtype=np.float32).reshape(4, 2)
    inter, _ = cv2.intersectConvexConvex(first, second)
    union = cv2.contourArea(first) + cv2.contourArea(second) - inter
    return float(inter / union) if union > 0 else 0.0


def coverage(truth: Sequence[Sequence[float]], candidate: Sequence[Sequence[float]]) -> float:
    """The share of the convex quad `truth` that `candidate` covers."""
    first = np.asarray(truth, dtype=np.float32).reshape(4, 2)
    second = np.asarray(candidate, dtype=np.float32).reshape(4, 2)
    inter, _ = cv2.intersectConvexConvex(first, second)
    area = cv2.contourArea(first)
    return float(inter / area) if area > 0 else 0.0


def best_match(box: Quad, candidates: Sequence[Quad]) -> tuple[int | None, float]:
    """Index and IoU of the candidate overlapping `box` most (None when none overlaps)."""
    scores = [quad_iou(box, candidate) for candidate in candidates]
    if not scores or max(scores) <= 0:
        return None, 0.0
    index = int(np.argmax(scores))
    return index, scores[index]


@dataclass(frozen=True)
class PageScore:
    """Errors and line matches of one page."""

    errors: int
    length: int
    lines: int
    lines_found: int
    lines_exact: int
    missed: tuple[str, ...] = ()

    @property
    def cer(self) -> float:
        """Character error rate of the page's whole text."""
        return self.errors / max(self.length, 1)


def score_page(truth: SyntheticPage, result: Page, loose: bool = False) -> PageScore:
    """Compare a result page with the truth.

    A truth line is found when a result line's box overlaps it with IoU > MATCH_IOU, and
    exact when that line's text is also identical. With `loose`, a result box that covers
    COVERAGE of the truth box with IoU > LOOSE_IOU also finds it: detector boxes are padded,
    which for a short line on a photo (a quantity, a price) costs more than half the IoU.
    """
    predicted = "\n".join(line.text for line in result.lines)
    boxes = [line.box for line in result.lines]
    found = exact = 0
    missed = []
    for line in truth.lines:
        index, iou = best_match(line.box, boxes)
        if index is not None and (
            iou > MATCH_IOU
            or (loose and iou > LOOSE_IOU and coverage(line.box, boxes[index]) >= COVERAGE)
        ):
            found += 1
            exact += result.lines[index].text == line.text
        else:
            missed.append(line.text)
    return PageScore(
        errors=character_errors(predicted, truth.text),
        length=len(truth.text),
        lines=len(truth.lines),
        lines_found=found,
        lines_exact=exact,
        missed=tuple(missed),
    )
