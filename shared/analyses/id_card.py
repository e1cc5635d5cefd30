"""`id_card`: 주민등록증, 운전면허증 or passport (from its MRZ) as key/values."""

from __future__ import annotations

from typing import Literal

from shared.analyses.documents import DocumentResult, document_analysis

KEYS = (
    "name",
    "resident_number",
    "issue_date",
    "issuer",
    "address",
    "license_number",
    "license_types",
    "condition",
    "serial_number",
    "passport_type",
    "country_code",
    "passport_number",
    "surname",
    "given_names",
    "korean_name",
    "nationality",
    "birth_date",
    "sex",
    "expiry_date",
    "personal_number",
    "mrz_line1",
    "mrz_line2",
)


class IdCardResult(DocumentResult):
    document_type: Literal["id_card"] = "id_card"
    subtype: Literal["resident", "driver", "passport"] | None = None


ID_CARD = document_analysis(
    "id_card",
    "ID card: resident registration card, driver's licence or passport (MRZ)",
    IdCardResult,
    KEYS,
    pipeline="workers.pipelines.id_card:IdCardPipeline",
)
