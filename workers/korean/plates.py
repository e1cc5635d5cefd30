"""Korean licence plate numbers: the real formats, what their Hangul says, and how a reading
is normalised and validated.

A plate number is read as text and then held against every format still on the road:

- **national** (since 2004; 3-digit type since 2019): `12가3456`, `123가4567`;
- **regional** (older plates, two-line commercial ones): `서울12바3456`, the region printed
  first (the top line of a two-line plate);
- **diplomatic** (navy plates): `외교123456`, the mission class (외교 diplomat, 영사 consul,
  준외 semi-diplomatic, 준영 semi-consular, 국기 international organisation, 협정 agreement,
  대표 representative office) then the country's registration order and the vehicle's rank, three
  digits each (a dash printed between them is dropped);
- **temporary** (임시운행허가, paper plates): `임시123456`, optionally after a region;
- **military**: `12육3456`, the branch (육 army, 해 navy, 공 air force, 국 ministry, 합 joint
  chiefs) where the usage character stands on civilian plates.

The usage character of civilian plates gives the usage: 가–마, 거–저, 고–조, 구–주 private;
아 바 사 자 commercial; 배 delivery; 하 허 호 rental. A reading that fits none of these is
not a plate number, however sure the recogniser was of it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

Usage = Literal["private", "commercial", "delivery", "rental", "other"]
Format = Literal["national", "regional", "diplomatic", "temporary", "military"]

PRIVATE = "가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주"
COMMERCIAL = "아바사자"
DELIVERY = "배"
RENTAL = "하허호"
MILITARY = "육해공국합"
USAGE_OF = {
    **dict.fromkeys(PRIVATE, "private"),
    **dict.fromkeys(COMMERCIAL, "commercial"),
    **dict.fromkeys(DELIVERY, "delivery"),
    **dict.fromkeys(RENTAL, "rental"),
}
REGIONS = (
    "서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종",
    "경기", "강원", "충북", "충남", "전북", "전남", "경북", "경남", "제주",
)  # fmt: skip
MISSIONS = ("외교", "영사", "준외", "준영", "국기", "협정", "대표")

_CIVIL = "".join(USAGE_OF)
_REGION = "|".join(REGIONS)
PATTERNS: dict[Format, re.Pattern[str]] = {
    "national": re.compile(rf"(?P<kind>\d{{2,3}})(?P<usage>[{_CIVIL}])(?P<serial>\d{{4}})"),
    "regional": re.compile(
        rf"(?P<region>{_REGION})(?P<kind>\d{{1,2}})(?P<usage>[{_CIVIL}])(?P<serial>\d{{4}})"
    ),
    "diplomatic": re.compile(rf"(?P<usage>{'|'.join(MISSIONS)})(?P<serial>\d{{6}})"),
    "temporary": re.compile(rf"(?P<region>{_REGION})?(?P<usage>임시)(?P<serial>\d{{6}})"),
    "military": re.compile(rf"(?P<kind>\d{{2,3}})(?P<usage>[{MILITARY}])(?P<serial>\d{{4}})"),
}

DIGIT_LOOKALIKES = str.maketrans(
    {"O": "0", "o": "0", "D": "0", "Q": "0", "I": "1", "l": "1", "L": "1", "|": "1", "!": "1",
     "i": "1", "Z": "2", "z": "2", "B": "8", "S": "5", "s": "5", "G": "6", "b": "6", "T": "7",
     "g": "9", "q": "9"}
)  # fmt: skip
"""Latin letters a recogniser gives for a plate's digits: no Korean plate holds Latin."""
_NOISE = re.compile(r"[\s\-.·,:;'\"`_~]+")
_MARKS_AT_EDGES = re.compile(r"^[^0-9A-Za-z가-힣]+|[^0-9A-Za-z가-힣]+$")
"""Marks at either end: the plate's rim, bolts or seal read as a bracket, a bar or a symbol
(a bar inside the number is a 1; at the rim it is the rim)."""
_NOT_PLATE_AT_EDGES = re.compile(r"^[^0-9가-힣]+|[^0-9가-힣]+$")


@dataclass(frozen=True)
class PlateNumber:
    """A reading held against the real formats: canonical `number` and what it says."""

    number: str
    valid: bool
    format: Format | None
    usage: Usage | None
    region: str | None


def normalise(text: str) -> str:
    """A reading as a plate number is written: no spaces, dashes or dots; the Latin letters a
    digit is mistaken for (O, I, L, B, S, …) turned back into that digit; full-width forms
    folded; symbols at either end (the rim, a bolt, the seal) dropped. Hangul is left as read."""
    # NFKC folds full-width forms, but would turn a lone jamo into a conjoining one.
    folded = "".join(c if "ㄱ" <= c <= "ㆎ" else unicodedata.normalize("NFKC", c) for c in text)
    trimmed = _MARKS_AT_EDGES.sub("", _NOISE.sub("", folded))
    return _NOT_PLATE_AT_EDGES.sub("", trimmed.translate(DIGIT_LOOKALIKES))


SEAL_CHARS = 2
"""The hologram seal left of a post-2019 plate's number is read, if at all, as a mark of at
most this many characters (`0`, `lo`, `⑤`) standing apart from the number."""


def parse(text: str) -> PlateNumber:
    """The reading normalised and matched against every format (`valid: false` when none).

    A short mark standing apart before a 3-digit national number is its plate's seal, not
    part of the number."""
    first, _, rest = text.strip().partition(" ")
    if rest and len(first) <= SEAL_CHARS:
        unsealed = _match(normalise(rest))
        if unsealed.format == "national" and unsealed.number[3] in USAGE_OF:
            return unsealed
    return _match(normalise(text))


def _match(number: str) -> PlateNumber:
    for name, pattern in PATTERNS.items():
        match = pattern.fullmatch(number)
        if match is None:
            continue
        usage_char = match["usage"]
        usage: Usage = USAGE_OF.get(usage_char, "other")  # type: ignore[assignment]
        region = match.groupdict().get("region")
        return PlateNumber(number, True, name, usage, region)
    region = next((r for r in REGIONS if number.startswith(r)), None)
    after_region = number[len(region) :] if region else number
    usage_guess = next((USAGE_OF[c] for c in after_region if c in USAGE_OF), None)
    return PlateNumber(number, False, None, usage_guess, region)  # type: ignore[arg-type]


PLATE_CHARS = "0123456789" + "".join(
    dict.fromkeys(_CIVIL + MILITARY + "".join(REGIONS) + "".join(MISSIONS) + "임시")
)
"""Every character a plate number can hold."""


def nearby_numbers(segments: list[str]) -> list[tuple[int, str]]:
    """Valid numbers one edit away from a reading made of `segments` (the texts of a plate's
    line pieces, in order): a character replaced, added or dropped in one segment. Each as
    (segment index, that segment's new text).

    Only Korean characters and digits are replaced: a Latin letter where the usage character
    stands was read clearly enough to be something else than a plate's Hangul (a misread
    digit's Latin twin is already turned into its digit by `normalise`)."""
    found: dict[tuple[int, str], None] = {}
    for index, segment in enumerate(segments):
        text = _NOISE.sub("", segment)
        edits: set[str] = set()
        for position in range(len(text) + 1):
            edits.update(text[:position] + char + text[position:] for char in PLATE_CHARS)
            if position < len(text):
                edits.add(text[:position] + text[position + 1 :])
                if _replaceable(text[position]):
                    edits.update(text[:position] + c + text[position + 1 :] for c in PLATE_CHARS)
        for edit in edits:
            joined = "".join([*segments[:index], edit, *segments[index + 1 :]])
            if edit and parse(joined).valid:
                found[(index, edit)] = None
    return list(found)


def _replaceable(char: str) -> bool:
    return char.isdigit() or "가" <= char <= "힣" or "ㄱ" <= char <= "ㅣ"
