"""`mask`: a card number's middle digits hidden (the first 6 and last 4 kept, as PCI DSS allows
to display) in its fields and in the lines it was read from. Validators run before this."""

from __future__ import annotations

from shared.analyses.credit_card import CreditCardResult
from shared.analyses.general import Line
from workers.pipelines.credit_card.fields import CardNumber, tokens

SHOWN_FIRST, SHOWN_LAST = 6, 4


def masked_digits(digits: str) -> str:
    hidden = max(len(digits) - SHOWN_FIRST - SHOWN_LAST, 0)
    return digits[:SHOWN_FIRST] + "*" * hidden + digits[SHOWN_FIRST + hidden :]


def masked(result: CreditCardResult, number: CardNumber | None) -> CreditCardResult:
    """The result with the number's middle digits masked everywhere it appears."""
    if number is None:
        return result
    hidden = masked_digits(number.digits)
    fields = []
    for field in result.fields:
        if field.key == "card_number":
            field = field.model_copy(update={"value": hidden})
        elif field.key == "card_number_groups":
            field = field.model_copy(update={"value": _regrouped(hidden, field.value)})
        fields.append(field)
    lines = [line.model_copy(deep=True) for line in result.lines]
    start = 0
    for group in number.groups:
        size = len(group.digits)
        _mask_token(lines[group.line], group.token, hidden[start : start + size])
        start += size
    return result.model_copy(update={"fields": fields, "lines": lines})


def _regrouped(digits: str, printed: str) -> str:
    parts, start = [], 0
    for group in printed.split(" "):
        parts.append(digits[start : start + len(group)])
        start += len(group)
    return " ".join(parts)


def _mask_token(line: Line, index: int, hidden: str) -> None:
    """The group's token replaced by its masked digits, in its word (if the line has word
    boxes) and in the line's text."""
    original = tokens(line)[index][0]
    if line.words:
        line.words[index].text = hidden
    line.text = line.text.replace(original, hidden, 1)
