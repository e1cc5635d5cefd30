"""`credit_card` as a job runs it: the first page read by General OCR (any orientation, so
vertical cards too), its fields found in the lines (see `fields`), masked on request."""

from __future__ import annotations

from shared.analyses.credit_card import CreditCardResult
from shared.analyses.options import DocumentOptions
from shared.config import Settings
from workers.pipelines import Inputs, JobContext
from workers.pipelines.credit_card.fields import read_card
from workers.pipelines.credit_card.masking import masked
from workers.pipelines.general.reader import GeneralReader


class CreditCardPipeline:
    def __init__(self, reader: GeneralReader) -> None:
        self.reader = reader

    @classmethod
    def check(cls, settings: Settings) -> None:
        GeneralReader.find(settings.models)

    @classmethod
    def load(cls, settings: Settings) -> CreditCardPipeline:
        return cls(GeneralReader.load(settings.models))

    @property
    def models(self) -> dict[str, str]:
        return self.reader.models

    def run(
        self, inputs: Inputs, options: DocumentOptions, context: JobContext
    ) -> CreditCardResult:
        page = self.reader.read([next(iter(inputs["file"]))]).pages[0]
        result, number = read_card(page)
        return masked(result, number) if options.mask else result
