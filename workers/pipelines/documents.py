"""What the document types' pipelines share: General OCR reads the first page; the operator's
verifier (if any) answers the `government_verification` check."""

from __future__ import annotations

from typing import ClassVar, Self, TypeVar

from PIL import Image

from shared.analyses.documents import DocumentResult
from shared.analyses.general import Page
from shared.config import Settings
from workers.pipelines import Inputs
from workers.pipelines.general.reader import GeneralReader
from workers.pipelines.verification import DocumentVerifier, load_verifier, verification

ResultT = TypeVar("ResultT", bound=DocumentResult)


class DocumentPipeline:
    verifiable: ClassVar[bool] = True
    """Whether an agency can verify this type (the configured verifier is loaded for it)."""

    def __init__(self, reader: GeneralReader, verifier: DocumentVerifier | None = None) -> None:
        self.reader = reader
        self.verifier = verifier

    @classmethod
    def check(cls, settings: Settings) -> None:
        GeneralReader.find(settings.models)

    @classmethod
    def load(cls, settings: Settings) -> Self:
        verifier = load_verifier(settings.documents.verifier) if cls.verifiable else None
        return cls(GeneralReader.shared(settings.models), verifier)

    @property
    def models(self) -> dict[str, str]:
        return self.reader.models

    def first_page(self, inputs: Inputs) -> tuple[Image.Image, Page]:
        """The first page as received and as General OCR read it."""
        image = next(iter(inputs["file"]))
        return image, self.reader.read([image]).pages[0]

    def verified(self, result: ResultT) -> ResultT:
        """The result with the `government_verification` check added (unmasked values)."""
        values = {field.key: field.value for field in result.fields}
        check = verification(self.verifier, result.document_type, result.subtype, values)
        return result.model_copy(update={"checks": [*result.checks, check]})
