"""Synthetic Korean ID documents with their field values: resident registration cards
(주민등록증), driver's licences (운전면허증) and passport data pages with their MRZ (TD3).

Cards are ID-1 (85.6 × 54 mm) and the passport page 125 × 88 mm, drawn at 10 px/mm. Every
resident number's birth date exists and its check digit holds (holders were born before
2020-10-05), licence numbers carry a real region code, and the MRZ's check digits and
composite hold (passports before 2021 `M12345678` with the holder's personal number, since
then `M123A4567` without). Layouts `standard` (tests) and `variant` (evaluation only: the
region's name in the licence number, the address on two lines, bilingual passport months).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from synth.corpus import CITIES, ROADS
from synth.damage import photograph
from synth.documents import PageStyle, SyntheticPage
from synth.fonts import load_font
from synth.layout import Sheet
from workers.korean.validators import LICENCE_REGIONS, mrz_check_digit

KINDS = ("resident", "driver", "passport")
LAYOUTS = ("standard",)
HELD_OUT_LAYOUTS = ("variant",)
ID_FONTS = ("NanumGothic.ttf", "NanumBarunGothic.ttf")
"""Faces the tests print documents in (fonts-nanum)."""
HELD_OUT_ID_FONTS = ("/usr/share/fonts/truetype/unfonts-core/UnDotum.ttf",
                     "/usr/share/fonts/truetype/unfonts-core/UnBatang.ttf")  # fmt: skip
"""Faces only the evaluation prints documents in (fonts-unfonts-core)."""
MRZ_FONT = "/usr/share/fonts/opentype/ocr-b/OCRB.otf"
"""OCR-B, the MRZ's typeface (fonts-ocr-b)."""
NAMES = {
    "김": "KIM", "이": "LEE", "박": "PARK", "최": "CHOI", "정": "JUNG", "강": "KANG", "조": "CHO",
    "윤": "YOON", "장": "JANG", "임": "LIM", "한": "HAN", "오": "OH", "서": "SEO", "신": "SHIN",
}  # fmt: skip
GIVEN = {
    "민수": "MINSU", "지현": "JIHYUN", "서연": "SEOYEON", "현우": "HYUNWOO", "수진": "SUJIN",
    "영호": "YOUNGHO", "지훈": "JIHOON", "은지": "EUNJI", "성민": "SUNGMIN", "민지": "MINJI",
    "준호": "JUNHO", "하은": "HAEUN", "동현": "DONGHYUN", "재원": "JAEWON", "유진": "YUJIN",
}  # fmt: skip
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
LICENCE_TYPES = ("1종보통", "2종보통", "1종대형", "2종소형")


@dataclass(frozen=True)
class IdDocument:
    subtype: str
    fields: dict[str, str]
    layout: str


@dataclass(frozen=True)
class SyntheticId:
    page: SyntheticPage
    document: IdDocument


def resident_number(rng: random.Random, year: int, month: int, day: int, male: bool) -> str:
    """A number whose check digit holds, for a holder born that day (before 2020-10-05)."""
    century = (1, 2) if year < 2000 else (3, 4)
    body = f"{year % 100:02d}{month:02d}{day:02d}{century[0 if male else 1]}"
    body += f"{rng.randint(0, 99999):05d}"
    weights = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
    total = sum(int(c) * w for c, w in zip(body, weights, strict=True))
    return f"{body[:6]}-{body[6:]}{(11 - total % 11) % 10}"


def _address(rng: random.Random) -> str:
    city, districts = rng.choice(CITIES)
    return f"{city} {rng.choice(districts)} {rng.choice(ROADS)} {rng.randint(1, 399)}"


def _person(rng: random.Random) -> dict[str, object]:
    surname, given = rng.choice(tuple(NAMES)), rng.choice(tuple(GIVEN))
    year, month, day = rng.randint(1950, 2003), rng.randint(1, 12), rng.randint(1, 28)
    male = rng.random() < 0.5
    return {"surname": surname, "given": given, "born": (year, month, day), "male": male,
            "resident_number": resident_number(rng, year, month, day, male)}  # fmt: skip


def _iso(year: int, month: int, day: int) -> str:
    return f"{year:04d}-{month:02d}-{day:02d}"


def random_document(rng: random.Random, subtype: str, layout: str) -> IdDocument:
    person = _person(rng)
    name = f"{person['surname']}{person['given']}"
    born = person["born"]
    assert isinstance(born, tuple)
    issued = (rng.randint(max(born[0] + 18, 2010), 2025), rng.randint(1, 12), rng.randint(1, 28))
    fields = {"name": name, "resident_number": str(person["resident_number"]),
              "issue_date": _iso(*issued)}  # fmt: skip
    if subtype == "resident":
        city, districts = rng.choice(CITIES)
        district = rng.choice(districts)
        head = {"구": "청장", "시": "장", "군": "수"}[district[-1]]
        fields |= {"address": _address(rng), "issuer": f"{city} {district}{head}"}
    elif subtype == "driver":
        code = rng.choice(tuple(LICENCE_REGIONS))
        region = LICENCE_REGIONS[code] if layout == "variant" else code
        number = f"{rng.randint(0, 99):02d}-{rng.randint(0, 999999):06d}-{rng.randint(0, 99):02d}"
        fields |= {
            "license_number": f"{region}-{number}" if region == code else f"{region} {number}",
            "license_types": "/".join(rng.sample(LICENCE_TYPES, rng.choice((1, 1, 2)))),
            "address": _address(rng),
            "expiry_date": _iso(issued[0] + 10, 12, 31),
            "issuer": f"{LICENCE_REGIONS[code].removesuffix('북부')}경찰청장",
            "serial_number": "".join(
                rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(6)
            ),  # fmt: skip
        }
    else:
        fields = _passport_fields(rng, person, issued)
    return IdDocument(subtype, fields, layout)


def _passport_fields(
    rng: random.Random, person: dict[str, object], issued: tuple[int, int, int]
) -> dict[str, str]:
    surname, given = NAMES[str(person["surname"])], GIVEN[str(person["given"])]
    born = person["born"]
    assert isinstance(born, tuple)
    old = issued[0] < 2021
    if old:
        number = f"M{rng.randint(0, 99999999):08d}"
        personal = str(person["resident_number"]).split("-")[1]
    else:
        number = f"M{rng.randint(0, 999):03d}{rng.choice('ABCDEFGHJK')}{rng.randint(0, 9999):04d}"
        personal = ""
    expiry = (issued[0] + 10, issued[1], issued[2])
    fields = {
        "passport_type": "PM", "country_code": "KOR", "passport_number": number,
        "surname": surname, "given_names": given,
        "korean_name": f"{person['surname']}{person['given']}",
        "nationality": "REPUBLIC OF KOREA", "birth_date": _iso(*born),
        "sex": "M" if person["male"] else "F", "issue_date": _iso(*issued),
        "expiry_date": _iso(*expiry),
    }  # fmt: skip
    if personal:
        fields["personal_number"] = personal
    line1 = f"PMKOR{surname}<<{given}".ljust(44, "<")
    fields["mrz_line1"], fields["mrz_line2"] = line1, mrz_line2(number, born, fields["sex"],
                                                               expiry, personal)  # fmt: skip
    return fields


def mrz_line2(
    number: str, born: tuple[int, int, int], sex: str, expiry: tuple[int, int, int], personal: str
) -> str:
    """A TD3 passport's second MRZ line, its check digits and composite computed."""

    def short(day: tuple[int, int, int]) -> str:
        return f"{day[0] % 100:02d}{day[1]:02d}{day[2]:02d}"

    number_field = number.ljust(9, "<")
    personal_field = personal.ljust(14, "<")
    personal_check = str(mrz_check_digit(personal_field)) if personal else "<"
    parts = [
        number_field + str(mrz_check_digit(number_field)),
        short(born) + str(mrz_check_digit(short(born))),
        short(expiry) + str(mrz_check_digit(short(expiry))),
        personal_field + personal_check,
    ]
    composite = str(mrz_check_digit("".join(parts)))
    return f"{parts[0]}KOR{parts[1]}{sex}{parts[2]}{parts[3]}{composite}"


def render_document(document: IdDocument, font: str, rng: random.Random) -> SyntheticPage:
    if document.subtype == "passport":
        return _render_passport(document, font)
    return _render_card(document, font, rng)


def _render_card(document: IdDocument, font: str, rng: random.Random) -> SyntheticPage:
    fields, driver = document.fields, document.subtype == "driver"
    tint = (244, 246, 250) if driver else (250, 246, 238)
    sheet = Sheet(width=856, margin=40, paper=tint)
    sheet.shape("rect", (590, 130, 800, 400), (200, 204, 210))  # the photo
    title = "자동차운전면허증" if driver else "주 민 등 록 증"
    sheet.row(load_font(font, 46), left=title, leading=1.5)
    text = load_font(font, 30)
    if driver:
        sheet.row(text, left=fields["license_types"].replace("/", "  "), leading=1.4)
        sheet.row(text, left=fields["license_number"], leading=1.4)
    sheet.row(load_font(font, 36), left=fields["name"], leading=1.4)
    sheet.row(text, left=fields["resident_number"], leading=1.5)
    small = load_font(font, 24)
    address = fields["address"]
    if document.layout == "variant":
        head, _, tail = address.rpartition(" ")
        sheet.row(small, left=head, leading=1.3)
        sheet.row(small, left=tail, leading=1.5)
    else:
        sheet.row(small, left=address, leading=1.5)
    if driver:
        sheet.place(600, fields["serial_number"], small)
        renewal = f"{int(fields['issue_date'][:4]) + 9}.01.01~{fields['expiry_date']}"
        sheet.row(small, left=f"갱신기간 {renewal.replace('-', '.')}", leading=1.6)
    sheet.y = max(sheet.y, 430)
    issued = fields["issue_date"].split("-")
    day = (issued[0], int(issued[1]), int(issued[2]))
    printed = ".".join(issued) + "." if driver else "{}. {}. {}.".format(*day)
    sheet.row(small, centre=printed, leading=1.4)
    sheet.row(load_font(font, 28), centre=fields["issuer"], leading=1.4)
    style = PageStyle(font=font, size=24, width=856, margin=40)
    page = sheet.draw(style, height=max(sheet.y + 10, 540))
    page.meta.update(kind="id_card", seal_line=str(len(page.lines) - 1))
    return page


PASSPORT_LABELS = (
    ((380, 150), "종류/Type", "passport_type"),
    ((560, 150), "발행국/Issuing country", "country_code"),
    ((850, 150), "여권번호/Passport No.", "passport_number"),
    ((380, 225), "성/Surname", "surname"),
    ((380, 295), "이름/Given names", "given_names"),
    ((850, 295), "한글성명", "korean_name"),
    ((380, 365), "국적/Nationality", "nationality"),
    ((380, 435), "생년월일/Date of birth", "birth_date"),
    ((700, 435), "성별/Sex", "sex"),
    ((850, 435), "주민등록번호/Personal No.", "personal_number"),
    ((380, 505), "발급일/Date of issue", "issue_date"),
    ((700, 505), "기간만료일/Date of expiry", "expiry_date"),
)  # fmt: skip


def _render_passport(document: IdDocument, font: str) -> SyntheticPage:
    fields = document.fields
    sheet = Sheet(width=1250, margin=50, paper=(236, 240, 232))
    sheet.shape("rect", (50, 150, 330, 520), (196, 200, 204))
    heading = load_font(font, 30)
    sheet.y = 40
    sheet.place(380, "대한민국  REPUBLIC OF KOREA", heading)
    sheet.y = 85
    sheet.place(380, "여권  PASSPORT", heading)
    label_font, value_font = load_font(font, 17), load_font(font, 28)
    for (x, y), label, key in PASSPORT_LABELS:
        if key not in fields:
            continue
        sheet.y = y
        sheet.place(x, label, label_font)
        sheet.y = y + 24
        sheet.place(x, _passport_value(key, fields[key], document.layout), value_font)
    sheet.y = 590
    sheet.place(380, "발행관청/Authority", label_font)
    sheet.y = 614
    sheet.place(380, "MINISTRY OF FOREIGN AFFAIRS", value_font)
    mrz = load_font(MRZ_FONT, 32)
    for y, key in ((715, "mrz_line1"), (775, "mrz_line2")):
        sheet.y = y
        sheet.place(50, fields[key], mrz)
    page = sheet.draw(PageStyle(font=font, size=17, width=1250, margin=50), height=880)
    page.meta.update(kind="passport")
    return page


def _passport_value(key: str, value: str, layout: str) -> str:
    if key not in ("birth_date", "issue_date", "expiry_date"):
        return value
    year, month, day = value.split("-")
    name = MONTHS[int(month) - 1]
    return f"{day} {int(month)}월/{name} {year}" if layout == "variant" else f"{day} {name} {year}"


def id_set(
    count: int, seed: int, fonts: tuple[str, ...], layouts: tuple[str, ...], photo: bool
) -> list[SyntheticId]:
    """`count` documents, the three kinds in turn, fonts and layouts in turn; `photo`
    photographs each (synth.damage)."""
    made = []
    for index in range(count):
        rng = random.Random(f"id-{seed}-{index}")
        document = random_document(rng, KINDS[index % 3], layouts[index % len(layouts)])
        page = render_document(document, fonts[index % len(fonts)], rng)
        if photo:
            page = photograph(page, random.Random(f"id-photo-{seed}-{index}"))
        made.append(SyntheticId(page, document))
    return made
