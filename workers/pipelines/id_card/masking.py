"""`mask` on ID documents: the last six digits of resident numbers, and a passport's personal
number (also inside the MRZ's second line), hidden in fields and in every line and word read.
Validators and checks run before this. Anything that looks like a resident number is masked,
read as a field or not; a personal number is masked where it stands alone and, on an MRZ
line, where the MRZ holds it (its last occurrence: the passport number before it may share
its digits)."""

from __future__ import annotations

import re

from shared.analyses.documents import DocumentField
from shared.analyses.id_card import IdCardResult
from workers.korean.mrz import is_mrz_line

RESIDENT_NUMBER = re.compile(r"(?<!\d)(\d{6}\s*-\s*\d)\d{6}(?!\d)")
PERSONAL = slice(28, 42)
"""Where the MRZ's second line holds the personal number."""


def masked(result: IdCardResult) -> IdCardResult:
    personal = next((f.value for f in result.fields if f.key == "personal_number"), "")
    fields = [_masked_field(field, personal) for field in result.fields]
    lines = []
    for line in result.lines:
        words = [w.model_copy(update={"text": mask_text(w.text, personal)}) for w in line.words]
        text = mask_text(line.text, personal)
        lines.append(line.model_copy(update={"text": text, "words": words}))
    return result.model_copy(update={"fields": fields, "lines": lines})


def mask_text(text: str, personal: str) -> str:
    """Resident numbers' last six digits starred, and the personal number where it stands."""
    text = RESIDENT_NUMBER.sub(lambda match: match[1] + "*" * 6, text)
    if not personal:
        return text
    hidden = "*" * len(personal)
    if is_mrz_line(text) and personal in text:
        head, _, tail = text.rpartition(personal)
        return head + hidden + tail
    return re.sub(rf"(?<![0-9A-Z]){re.escape(personal)}(?!\d)", hidden, text)


def _masked_field(field: DocumentField, personal: str) -> DocumentField:
    value = field.value
    if field.key == "personal_number":
        value = "*" * len(value)
    elif field.key == "mrz_line2":
        number = value[PERSONAL]
        value = value[: PERSONAL.start] + re.sub(r"[^<]", "*", number) + value[PERSONAL.stop :]
    else:
        value = mask_text(value, personal)
    return field.model_copy(update={"value": value})
