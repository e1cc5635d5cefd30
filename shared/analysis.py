"""The analysis types a job can ask for, and where each one runs."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AnalysisType:
    name: str
    queue: str
    all_pages: bool
    """`general` reads every page; document types read the first, as NHN Cloud does."""
    installed: bool
    """Whether this release ships the pipeline; others answer `model_unavailable`."""


ANALYSIS_TYPES: dict[str, AnalysisType] = {
    t.name: t
    for t in (
        AnalysisType("general", "ocr", all_pages=True, installed=True),
        AnalysisType("business_registration", "ocr", all_pages=False, installed=False),
        AnalysisType("credit_card", "ocr", all_pages=False, installed=False),
        AnalysisType("id_card", "ocr", all_pages=False, installed=False),
        AnalysisType("vehicle_plate", "ocr", all_pages=False, installed=False),
        AnalysisType("face_detect", "face", all_pages=False, installed=False),
        AnalysisType("face_compare", "face", all_pages=False, installed=False),
        AnalysisType("face_register", "face", all_pages=False, installed=False),
        AnalysisType("face_search", "face", all_pages=False, installed=False),
        AnalysisType("face_verify", "face", all_pages=False, installed=False),
        AnalysisType("face_spoof", "face", all_pages=False, installed=False),
    )
}

TERMINAL_STATUSES = frozenset({"succeeded", "failed", "cancelled"})
