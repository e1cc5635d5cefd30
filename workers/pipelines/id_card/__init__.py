"""`id_card` as a job runs it: the first page read by General OCR, classified as a resident
registration card, a driver's licence or a passport, its fields read (`cards`, `passport`),
checked offline, verified where a verifier is configured, and masked on request."""

from __future__ import annotations

from PIL import Image

from shared.analyses.documents import Check, DocumentField
from shared.analyses.general import Line, Page
from shared.analyses.id_card import KEYS, IdCardResult
from shared.analyses.options import DocumentOptions
from workers.korean.mrz import mrz_lines
from workers.pipelines import Inputs, JobContext
from workers.pipelines.documents import DocumentPipeline
from workers.pipelines.id_card.cards import LICENCE_NUMBER, RESIDENT_NUMBER, read_card
from workers.pipelines.id_card.masking import masked
from workers.pipelines.id_card.passport import read_passport


def subtype_of(lines: list[Line]) -> str:
    """`passport` (an MRZ or the word), `driver` (its title or a licence number), else
    `resident`."""
    texts = [line.text for line in lines]
    joined = " ".join(texts).upper()
    if mrz_lines(texts) is not None or "PASSPORT" in joined or "여권" in joined:
        return "passport"
    licence = any(LICENCE_NUMBER.search(t) and not RESIDENT_NUMBER.search(t) for t in texts)
    if "면허" in joined or "DRIVER" in joined or licence:
        return "driver"
    return "resident"


def read_id(lines: list[Line]) -> IdCardResult:
    """The document's subtype, fields in canonical order and offline checks (unmasked)."""
    subtype = subtype_of(lines)
    fields: list[DocumentField]
    checks: list[Check]
    if subtype == "passport":
        fields, checks = read_passport(lines)
    else:
        fields, checks = read_card(lines, driver=subtype == "driver")
    fields.sort(key=lambda field: KEYS.index(field.key))
    return IdCardResult(subtype=subtype, fields=fields, checks=checks, lines=lines)


MRZ_FILLERS = 10
"""A line with this many fillers (`<`, or `>` when read upside down) may be an MRZ line."""


class IdCardPipeline(DocumentPipeline):
    def run(self, inputs: Inputs, options: DocumentOptions, context: JobContext) -> IdCardResult:
        image, page = self.first_page(inputs)
        result = self.verified(read_id(self._mrz_reread(image, page)))
        return masked(result) if options.mask else result

    def _mrz_reread(self, image: Image.Image, page: Page) -> list[Line]:
        """The page's lines, MRZ-like ones read again as printed by the Latin recogniser
        (all fillers and capitals, an MRZ line is easily taken for upside-down text)."""
        if mrz_lines([line.text for line in page.lines]) is not None:
            return page.lines
        lines = []
        for line in page.lines:
            if sum(line.text.count(c) for c in "<>く") >= MRZ_FILLERS:
                line = line.model_copy(update={"text": self.reader.reread_latin(image, page, line),
                                               "words": []})  # fmt: skip
            lines.append(line)
        return lines
