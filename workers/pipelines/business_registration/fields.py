"""A business registration certificate's fields from the lines General OCR read on it.

Fields are found by their printed labels (`workers.korean.labels`), then each is normalised:
numbers to their dashed form with their check digit verified (a failing number is corrected
only when exactly one likely misread digit makes it hold), dates to `YYYY-MM-DD`, names to
their Hangul, addresses with the province snapped to its official name. The taxpayer type is
the bracketed line under the title, the issue date the date printed alone after the fields,
and the tax office the line naming a 세무서장, snapped to the offices that exist.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from shared.analyses.business_registration import KEYS, BusinessRegistrationResult
from shared.analyses.documents import Check, DocumentField
from shared.analyses.general import Line, Quad
from workers.korean import lexicons
from workers.korean.dates import iso_date
from workers.korean.digits import digits_read, single_correction
from workers.korean.labels import Found, Label, find_fields, rows_of, union
from workers.korean.validators import business_number_valid, corporate_number_valid

LABELS = (
    Label("registration_number", ("등록번호",)),
    Label("business_name", ("상호", "법인명(단체명)", "법인명", "단체명")),
    Label("representative", ("성명", "대표자")),
    Label("birth_date", ("생년월일",)),
    Label("opening_date", ("개업연월일",)),
    Label("corporate_registration_number", ("법인등록번호",)),
    Label("business_address", ("사업장 소재지", "사업장")),
    Label("head_office_address", ("본점 소재지",)),
    Label("business_kind", ("사업의 종류",)),
    Label("business_type", ("업태", "업테")),
    Label("business_item", ("종목", "중목", "종묵", "좀목")),
    Label("issue_reason", ("발급사유",)),
    Label("co_owners", ("공동사업자",)),
)
"""What certificates print; the last four only end the value before them."""
BUSINESS_NUMBER = re.compile(r"(?<![\d-])\d{3}\s*-\s*\d{2}\s*-\s*\d{5}(?![\d-])")
CORPORATE_NUMBER = re.compile(r"(?<!\d)\d{6}\s*-\s*\d{7}(?!\d)")
ITEM_ENDING = re.compile(r"(?<=[가-힣]{2})[입엽읍인](?=$|[,\s])")
"""A business item's closing 업 (`임대업`, `도매업`) misread as a look-alike syllable."""
TAXPAYER_TYPES = ("일반과세자", "간이과세자", "면세사업자", "법인사업자")
CORPORATE_CODES = range(81, 89)
"""The middle two digits of a corporation's registration number (81–88)."""
DATE_KEYS = ("birth_date", "opening_date")
ADDRESS_KEYS = ("business_address", "head_office_address")


def read_certificate(lines: list[Line]) -> BusinessRegistrationResult:
    """The certificate's subtype, fields in canonical order and the checks they allow."""
    found = find_fields(lines, LABELS)
    fields: list[DocumentField] = []
    checks: list[Check] = []
    number = found.get("registration_number") or _unlabelled_number(lines)
    if number is not None:
        field, check = _checked_number(number, business_number_valid, (3, 5), 10)
        fields.append(field)
        checks.append(check)
    corporate_number = found.get("corporate_registration_number")
    if corporate_number is not None:
        field, check = _checked_number(corporate_number, corporate_number_valid, (6,), 13)
        fields.append(field)
        checks.append(check)
    for key in ("business_name", "business_type", "business_item"):
        if key in found:
            fields.append(_field(found[key], _value(key, found[key].value), None))
    if "representative" in found:
        name = "".join(re.findall(r"[가-힣]+", found["representative"].value))
        fields.append(_field(found["representative"], name or found["representative"].value, None))
    for key in DATE_KEYS:
        if key in found:
            day = iso_date(found[key].value)
            fields.append(_field(found[key], day or found[key].value, day is not None))
    for key in ADDRESS_KEYS:
        if key in found:
            fields.append(_field(found[key], lexicons.address(found[key].value), None))
    fields += _unlabelled(lines)
    subtype = _subtype(fields)
    fields.sort(key=lambda field: KEYS.index(field.key))
    checks += _date_order(fields)
    return BusinessRegistrationResult(subtype=subtype, fields=fields, checks=checks, lines=lines)


def _unlabelled_number(lines: list[Line]) -> Found | None:
    """The registration number by its form (`123-45-67890`) where its label was not read."""
    for line in lines:
        match = BUSINESS_NUMBER.search(digits_read(line.text))
        if match and not CORPORATE_NUMBER.search(digits_read(line.text)):
            return Found(key="registration_number", label="등록번호", value=match[0],
                         confidence=line.confidence, box=line.box)  # fmt: skip
    return None


def _value(key: str, value: str) -> str:
    if key == "business_type":
        return lexicons.nearest(value, lexicons.BUSINESS_TYPES) or value
    if key == "business_item":
        return ITEM_ENDING.sub("업", value)
    return value


def _checked_number(
    found: Found, valid: Callable[[str], bool], dashes: tuple[int, ...], size: int
) -> tuple[DocumentField, Check]:
    """A number field formatted with its dashes, its check digit verified (and a single
    likely misread corrected when that alone makes it hold)."""
    digits = re.sub(r"\D", "", digits_read(found.value))
    corrected = False
    holds = bool(valid(digits))
    if not holds:
        fixed = single_correction(digits, valid)
        if fixed is not None:
            digits, corrected, holds = fixed, True, True
    value = _dashed(digits, dashes) if len(digits) == size else found.value
    field = _field(found, value, holds).model_copy(update={"corrected": corrected})
    detail = "corrected one misread digit" if corrected else ""
    return field, Check(name=f"{found.key}_check_digit", passed=holds, detail=detail)


def _dashed(digits: str, dashes: tuple[int, ...]) -> str:
    parts, start = [], 0
    for end in (*dashes, len(digits)):
        parts.append(digits[start:end])
        start = end
    return "-".join(parts)


def _field(found: Found, value: str, valid: bool | None) -> DocumentField:
    return DocumentField(key=found.key, label=found.label, value=value,
                         confidence=found.confidence, box=found.box, valid=valid)  # fmt: skip


def _unlabelled(lines: list[Line]) -> list[DocumentField]:
    """The taxpayer type (bracketed, near the top), the issue date (a date alone on its row
    after the fields) and the tax office (the row naming a 세무서장)."""
    fields = []
    for line in lines[:6]:
        kind = lexicons.nearest(line.text.strip("()[] "), TAXPAYER_TYPES)
        if kind:
            fields.append(_unlabelled_field("taxpayer_type", "과세유형", kind, [line.box],
                                            [line.confidence], None))  # fmt: skip
            break
    rows = rows_of(lines)
    texts = [" ".join(piece.text for piece in row) for row in rows]
    alone = [i for i, text in enumerate(texts) if iso_date(text) and not _labelled(text)]
    if alone:
        row = rows[alone[-1]]
        day = iso_date(texts[alone[-1]]) or ""
        fields.append(_unlabelled_field("issue_date", "발급일", day, [p.box for p in row],
                                        [p.confidence for p in row], True))  # fmt: skip
    offices = [i for i, text in enumerate(texts) if re.search(r"세\s*무|무\s*서|서\s*장", text)]
    if not offices and alone and alone[-1] + 1 < len(rows):
        offices = [alone[-1] + 1]
    if offices:
        row, text = rows[offices[-1]], texts[offices[-1]]
        office = lexicons.tax_office(text)
        fields.append(_unlabelled_field("tax_office", "세무서장", office or text.replace(" ", ""),
                                        [p.box for p in row], [p.confidence for p in row],
                                        True if office else None))  # fmt: skip
    return fields


def _unlabelled_field(
    key: str, label: str, value: str, boxes: list[Quad], confidences: list[float],
    valid: bool | None,
) -> DocumentField:  # fmt: skip
    return DocumentField(key=key, label=label, value=value, confidence=min(confidences),
                         box=union(boxes), valid=valid)  # fmt: skip


def _labelled(text: str) -> bool:
    compact = text.replace(" ", "")
    return any(printed in compact for label in LABELS for printed in label.printed)


def _subtype(fields: list[DocumentField]) -> str | None:
    values = {field.key: field for field in fields}
    if "corporate_registration_number" in values or "head_office_address" in values:
        return "corporate"
    kind = values.get("taxpayer_type")
    if kind is not None:
        return "corporate" if kind.value == "법인사업자" else "individual"
    number = values.get("registration_number")
    if number is not None and number.valid:
        return "corporate" if int(number.value[4:6]) in CORPORATE_CODES else "individual"
    return "individual" if "birth_date" in values else None


def _date_order(fields: list[DocumentField]) -> list[Check]:
    """Born before opening, opened before the certificate was issued."""
    days = {f.key: f.value for f in fields if f.key in (*DATE_KEYS, "issue_date") and f.valid}
    order = [key for key in ("birth_date", "opening_date", "issue_date") if key in days]
    if len(order) < 2:
        return []
    passed = all(days[a] <= days[b] for a, b in zip(order, order[1:], strict=False))
    return [Check(name="date_order", passed=passed, detail=" <= ".join(order))]
