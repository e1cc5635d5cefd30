"""A credit card's fields from the lines General OCR read on it: the number (Luhn-checked,
with a single misread digit corrected only when exactly one correction validates), the
expiry `MM/YY`, and the brand from the number's prefix.

The number is searched as runs of digit tokens in reading order (one line on horizontal
cards, one group per line on vertical ones) as long as the layouts brands print: 4-4-4-4 (16
digits), 4-6-5 (American Express, 15) and 4-6-4 (Diners, 14); the groups reported are the
layout's, since a recogniser may merge two printed groups or split one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared.analyses.credit_card import CreditCardResult
from shared.analyses.documents import Check, DocumentField
from shared.analyses.general import Line, Page, Quad
from workers.korean.digits import DIGIT_LOOKALIKES, single_correction
from workers.korean.labels import union
from workers.korean.validators import expiry_valid, luhn_valid

LAYOUTS = ((4, 4, 4, 4), (4, 6, 5), (4, 6, 4))
EXPIRY = re.compile(r"(?<!\d)(0[1-9]|1[0-2])\s*/\s*(\d{2})(?!\d)")
EXPIRY_LABELS = ("THRU", "VALID", "EXP", "유효", "GOOD")


@dataclass(frozen=True)
class Group:
    """A run of digits read as one word: where it is (line, token: the line's word, or its
    text's space-separated piece where the recogniser gave no word boxes), how sure, its box."""

    digits: str
    line: int
    token: int
    confidence: float
    box: Quad


@dataclass(frozen=True)
class CardNumber:
    digits: str
    groups: tuple[Group, ...]
    """The tokens the digits were read in (a recogniser may merge or split printed groups)."""
    corrected: bool

    @property
    def printed(self) -> str:
        """The number in its layout's groups, one space apart (corrections applied)."""
        layout = next((sizes for sizes in LAYOUTS if sum(sizes) == len(self.digits)), None)
        if layout is None:
            return self.digits
        parts, start = [], 0
        for size in layout:
            parts.append(self.digits[start : start + size])
            start += size
        return " ".join(parts)


def tokens(line: Line) -> list[tuple[str, float, Quad]]:
    """A line's words (text, confidence, box), or its text's pieces with the line's own."""
    if line.words:
        return [(word.text, word.confidence, word.box) for word in line.words]
    return [(piece, line.confidence, line.box) for piece in line.text.split()]


def digit_groups(lines: list[Line]) -> list[Group]:
    groups = []
    for line_index, line in enumerate(lines):
        for token_index, (text, confidence, box) in enumerate(tokens(line)):
            digits = text.translate(DIGIT_LOOKALIKES)
            # Look-alike letters count inside a number, not alone (the chip read as `O`).
            if digits.isdigit() and len(digits) <= 16 and any(c.isdigit() for c in text):
                groups.append(Group(digits, line_index, token_index, confidence, box))
    return groups


def find_number(groups: list[Group]) -> CardNumber | None:
    """The Luhn-valid number among runs of consecutive digit tokens as long as a layout (the
    printed groups may be read merged, `55144297`, or split, `7 688`); else the one run that
    a single likely digit confusion makes valid; else the first run as read."""
    lengths = {sum(layout) for layout in LAYOUTS}
    runs = []
    for first in range(len(groups)):
        for last in range(first + 1, len(groups) + 1):
            run = tuple(groups[first:last])
            size = sum(len(g.digits) for g in run)
            if size in lengths:
                runs.append(run)
            if size >= max(lengths):
                break
    runs.sort(key=lambda run: -sum(len(g.digits) for g in run))  # 16 digits before 15 or 14
    for run in runs:
        digits = "".join(g.digits for g in run)
        if luhn_valid(digits):
            return CardNumber(digits, run, corrected=False)
    for run in runs:
        fixed = single_correction("".join(g.digits for g in run), luhn_valid)
        if fixed is not None:
            return CardNumber(fixed, run, corrected=True)
    if runs:
        return CardNumber("".join(g.digits for g in runs[0]), runs[0], corrected=False)
    return None


def find_expiry(lines: list[Line]) -> tuple[str, Line] | None:
    """`MM/YY` printed by an expiry label (on its line or the next), else the last one."""
    found = []
    for index, line in enumerate(lines):
        for match in EXPIRY.finditer(line.text):
            labelled = any(
                label in text.upper()
                for text in (line.text, lines[index - 1].text if index else "")
                for label in EXPIRY_LABELS
            )
            found.append((labelled, index, f"{match[1]}/{match[2]}", line))
    if not found:
        return None
    _, _, text, line = max(found, key=lambda item: (item[0], item[1]))
    return text, line


def brand_of(digits: str) -> str | None:
    """The card network a number's prefix (IIN) names."""
    two, four = int(digits[:2] or 0), int(digits[:4] or 0)
    if two in (34, 37):
        return "amex"
    if digits.startswith("4"):
        return "visa"
    if 51 <= two <= 55 or 2221 <= four <= 2720:
        return "mastercard"
    if 3528 <= four <= 3589:
        return "jcb"
    if two in (36, 38, 39) or 300 <= int(digits[:3] or 0) <= 305:
        return "diners"
    if digits.startswith("6011") or digits.startswith("65") or 644 <= int(digits[:3] or 0) <= 649:
        return "discover"
    if two == 62:
        return "unionpay"
    return None


def read_card(page: Page) -> tuple[CreditCardResult, CardNumber | None]:
    """The card's fields and checks (unmasked), and where its number was read."""
    lines = page.lines
    number = find_number(digit_groups(lines))
    fields: list[DocumentField] = []
    checks: list[Check] = []
    if number is not None:
        box = union([g.box for g in number.groups])
        confidence = min(g.confidence for g in number.groups)
        valid = luhn_valid(number.digits)
        fields += [
            DocumentField(key="card_number", label="카드번호", value=number.digits,
                          confidence=confidence, box=box, valid=valid, corrected=number.corrected),
            DocumentField(key="card_number_groups", label="카드번호", value=number.printed,
                          confidence=confidence, box=box, valid=valid),
        ]  # fmt: skip
        brand = brand_of(number.digits)
        if brand is not None:
            fields.append(
                DocumentField(key="brand", label="브랜드", value=brand, confidence=confidence,
                              box=None, valid=None)
            )  # fmt: skip
        detail = "corrected one misread digit" if number.corrected else ""
        checks.append(Check(name="card_number_luhn", passed=valid, detail=detail))
    expiry = find_expiry(lines)
    if expiry is not None:
        text, line = expiry
        valid = expiry_valid(text)
        fields.append(
            DocumentField(key="expiry", label="유효기간", value=text, confidence=line.confidence,
                          box=line.box, valid=valid)
        )  # fmt: skip
        checks.append(Check(name="expiry_month", passed=valid))
    order = {
        key: i for i, key in enumerate(("card_number", "card_number_groups", "expiry", "brand"))
    }
    fields.sort(key=lambda field: order[field.key])
    return CreditCardResult(fields=fields, checks=checks, lines=lines), number
