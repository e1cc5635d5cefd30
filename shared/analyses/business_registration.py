"""`business_registration`: 사업자등록증 (individual or corporate) as key/values."""

from __future__ import annotations

from typing import Literal

from shared.analyses.documents import DocumentResult, document_analysis

KEYS = (
    "registration_number",
    "business_name",
    "representative",
    "birth_date",
    "opening_date",
    "corporate_registration_number",
    "business_address",
    "head_office_address",
    "business_type",
    "business_item",
    "issue_date",
    "tax_office",
    "taxpayer_type",
)


class BusinessRegistrationResult(DocumentResult):
    document_type: Literal["business_registration"] = "business_registration"
    subtype: Literal["individual", "corporate"] | None = None


BUSINESS_REGISTRATION = document_analysis(
    "business_registration",
    "사업자등록증 (individual / corporate): registration number and the other fields",
    BusinessRegistrationResult,
    KEYS,
    pipeline="workers.pipelines.business_registration:BusinessRegistrationPipeline",
)
