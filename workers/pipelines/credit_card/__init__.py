"""`credit_card` as a job runs it: the first page read by General OCR (any orientation, so
vertical cards too), its fields found in the lines (see `fields`), masked on request."""

from __future__ import annotations

from shared.analyses.credit_card import CreditCardResult
from shared.analyses.options import DocumentOptions
from workers.pipelines import Inputs, JobContext
from workers.pipelines.credit_card.fields import read_card
from workers.pipelines.credit_card.masking import masked
from workers.pipelines.documents import DocumentPipeline


class CreditCardPipeline(DocumentPipeline):
    """No government verifies cards: the checks are Luhn and the expiry's month."""

    verifiable = False

    def run(
        self, inputs: Inputs, options: DocumentOptions, context: JobContext
    ) -> CreditCardResult:
        _, page = self.first_page(inputs)
        result, number = read_card(page)
        return masked(result, number) if options.mask else result
