"""What the document types (business registration, credit card, ID card) share: fields with
their printed label, value, confidence, box and validity; checks; the page's lines."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field

from shared.analyses.contract import Analysis, Row
from shared.analyses.general import Line, Quad
from shared.analyses.options import DocumentOptions

TEXT_MODELS = (
    "text_detection",
    "text_recognition",
    "text_recognition_hangul",
    "text_recognition_hangul_second",
)


class DocumentField(BaseModel):
    key: str = Field(description="canonical key, e.g. registration_number")
    label: str = Field(description="the label as printed, e.g. 등록번호")
    value: str
    confidence: float = Field(ge=0, le=1)
    box: Quad | None
    valid: bool | None = Field(description="null where no rule applies")
    corrected: bool = Field(
        False, description="a check digit failed as read and exactly one likely misreading fixed it"
    )


class Check(BaseModel):
    name: str
    passed: bool | None = Field(description="null where the check was not performed")
    detail: str = ""


class DocumentResult(BaseModel):
    """A recognised document: its kind, its fields in canonical order, checks and lines."""

    document_type: str
    subtype: str | None = None
    fields: list[DocumentField]
    checks: list[Check] = []
    lines: list[Line] = []


def document_text(result: DocumentResult) -> str:
    """`label: value` per field, in the document's order."""
    return "\n".join(f"{field.label}: {field.value}" for field in result.fields)


def document_rows(keys: tuple[str, ...]) -> Callable[[Any], list[Row]]:
    """A row per document: the subtype, then each canonical key's value and confidence."""

    def rows(result: DocumentResult) -> list[Row]:
        found = {field.key: field for field in result.fields}
        row: Row = {"subtype": result.subtype}
        for key in keys:
            field = found.get(key)
            row[key] = field.value if field else None
            row[f"{key}_confidence"] = field.confidence if field else None
        return [row]

    return rows


def field_rows(result: DocumentResult) -> list[Row]:
    """A row per field: key, label, value, confidence, validity and box (`x,y` corners)."""
    return [
        {
            "subtype": result.subtype,
            "key": field.key,
            "label": field.label,
            "value": field.value,
            "confidence": field.confidence,
            "valid": field.valid,
            "corrected": field.corrected,
            "box": " ".join(f"{x},{y}" for x, y in field.box) if field.box else None,
        }
        for field in result.fields
    ]


def document_analysis(
    name: str,
    summary: str,
    result: type[DocumentResult],
    keys: tuple[str, ...],
    pipeline: str | None = None,
) -> Analysis[Any]:
    """The contract of a document type: first page, the text models, its keys as columns."""
    return Analysis(
        name=name,
        summary=summary,
        queue="ocr",
        options=DocumentOptions,
        result=result,
        text=document_text,
        rows=document_rows(keys),
        detail_rows=field_rows,
        model_roles=TEXT_MODELS,
        pipeline=pipeline,
        personal_data=name != "business_registration",
    )
