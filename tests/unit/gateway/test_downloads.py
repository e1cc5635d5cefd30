"""The one spreadsheet writer: a sheet per type (per subtype for documents), a row per
document (per plate), columns from each type's contract, failures on their own sheet, and cell
text that a spreadsheet would run as a formula kept as text."""

from __future__ import annotations

import io
import uuid
from typing import Any

from openpyxl import load_workbook

from gateway.downloads import Finished, safe_cell, workbook
from shared.db.models import Job


def job(job_type: str, filename: str, **fields: Any) -> Job:
    return Job(
        id=uuid.uuid4(),
        type=job_type,
        status=fields.pop("status", "succeeded"),
        input={"filename": filename},
        **fields,
    )


def field(key: str, value: str, confidence: float) -> dict[str, Any]:
    return {
        "key": key,
        "label": key,
        "value": value,
        "confidence": confidence,
        "box": None,
        "valid": True,
    }


def sheets(data: bytes) -> dict[str, list[tuple[Any, ...]]]:
    book = load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def test_documents_get_a_sheet_per_subtype_with_each_confidence_beside_its_value() -> None:
    individual = job("business_registration", "a.png")
    corporate = job("business_registration", "b.png")
    payloads = [
        {"subtype": "individual", "fields": [field("registration_number", "123-45-67890", 0.98)]},
        {"subtype": "corporate", "fields": [field("business_name", "=SUM(A1)", 0.91)]},
    ]
    data = workbook(
        [Finished(j, p) for j, p in zip((individual, corporate), payloads, strict=True)]
    )

    found = sheets(data)
    assert set(found) == {"individual", "corporate"}
    header, row = found["individual"]
    assert header[:7] == (
        "file",
        "job_id",
        "subtype",
        "registration_number",
        "registration_number_confidence",
        "business_name",
        "business_name_confidence",
    )
    assert row[:5] == ("a.png", str(individual.id), "individual", "123-45-67890", 0.98)
    _, corporate_row = found["corporate"]
    assert corporate_row[5:7] == ("'=SUM(A1)", 0.91)  # text, never a formula


def test_a_single_document_job_downloads_a_row_per_field() -> None:
    box = [[10, 20], [110, 20], [110, 40], [10, 40]]
    payload = {
        "subtype": "individual",
        "fields": [
            field("registration_number", "123-45-67890", 0.98) | {"label": "등록번호", "box": box},
            field("business_name", "-1+2", 0.91) | {"label": "상호", "valid": None},
        ],
    }
    finished = Finished(job("business_registration", "a.png"), payload)

    found = sheets(workbook([finished], detail=True))["individual"]
    assert found[0][2:] == (
        "subtype", "key", "label", "value", "confidence", "valid", "corrected", "box",
    )  # fmt: skip
    assert [row[3:] for row in found[1:]] == [
        ("registration_number", "등록번호", "123-45-67890", 0.98, True, False,
         "10,20 110,20 110,40 10,40"),
        ("business_name", "상호", "'-1+2", 0.91, None, False, None),  # text, never a formula
    ]  # fmt: skip


def test_plates_get_a_row_each_and_failures_a_sheet() -> None:
    box = [[0, 0], [10, 0], [10, 5], [0, 5]]
    plate = {"confidence": 0.9, "box": box, "usage": "private", "region": None, "stage": "fast"}
    payload = {
        "plates": [
            plate | {"number": "123가4567", "valid": True},
            plate | {"number": "12X", "valid": False},
        ]
    }
    failed = job(
        "vehicle_plate", "c.jpg", status="failed", error_code="corrupt_image", error_message="bad"
    )
    data = workbook(
        [Finished(job("vehicle_plate", "car.jpg"), payload), Finished(failed, None)],
        rejected=[
            {"filename": "d.gif", "error": {"code": "unsupported_media_type", "message": "no"}}
        ],
    )

    found = sheets(data)
    assert [row[2:6] for row in found["vehicle_plate"][1:]] == [
        ("123가4567", "private", None, True),
        ("12X", "private", None, False),
    ]
    assert found["failures"][0] == ("file", "job_id", "status", "code", "message")
    assert [row[2:4] for row in found["failures"][1:]] == [
        ("rejected", "unsupported_media_type"),
        ("failed", "corrupt_image"),
    ]


def test_cells_that_look_like_formulas_stay_text() -> None:
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert safe_cell(text) == "'" + text
    assert safe_cell("plain") == "plain" and safe_cell(0.5) == 0.5 and safe_cell(None) is None
    assert safe_cell("bell\x07 and nul\x00") == "bell and nul"
