"""`credit_card`: card number (Luhn-checked), expiry and brand; masked in logs."""

from __future__ import annotations

from typing import Literal

from shared.analyses.documents import DocumentResult, document_analysis

KEYS = ("card_number", "card_number_groups", "expiry", "brand")


class CreditCardResult(DocumentResult):
    document_type: Literal["credit_card"] = "credit_card"


CREDIT_CARD = document_analysis(
    "credit_card",
    "Credit card: number, expiry MM/YY and brand, horizontal or vertical",
    CreditCardResult,
    KEYS,
    pipeline="workers.pipelines.credit_card:CreditCardPipeline",
)
