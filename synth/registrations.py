"""Synthetic business registration certificates (사업자등록증) with their field values.

Individual (개인: 상호, 성명, 생년월일) and corporate (법인: 법인명(단체명), 대표자,
법인등록번호, 본점 소재지) certificates as district tax offices issue them: the title, the
taxpayer type in brackets, 등록번호, the numbered fields with their labels, the issue date and
`<office>세무서장` with the office's seal over it. Every registration and corporate number
passes its check digit. Three layouts: `spaced` labels (`상        호 :`) and `compact` ones
(`상호:`), which the tests use, and `table` (labels in a shaded column, 업태 and 종목 on rows
of their own), which only the evaluation uses.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from synth.corpus import CITIES, COMPANIES, GIVEN_NAMES, ROADS, SURNAMES
from synth.damage import photograph
from synth.documents import PageStyle, SyntheticPage
from synth.fonts import load_font
from synth.layout import Sheet
from workers.korean.lexicons import BUSINESS_TYPES, TAX_OFFICES

LAYOUTS = ("spaced", "compact")
HELD_OUT_LAYOUTS = ("table",)
CERTIFICATE_FONTS = ("NanumGothic.ttf", "NanumMyeongjo.ttf")
"""Faces the tests print certificates in (fonts-nanum)."""
HELD_OUT_CERTIFICATE_FONTS = ("/usr/share/fonts/truetype/unfonts-core/UnBatang.ttf",
                              "/usr/share/fonts/truetype/unfonts-core/UnDotum.ttf")  # fmt: skip
"""Faces only the evaluation prints certificates in (fonts-unfonts-core)."""
ITEMS = (
    "전자상거래업", "소프트웨어 개발", "한식 음식점업", "커피전문점", "전자부품 제조",
    "실내건축공사업", "부동산 임대업", "화물운송업", "입시학원", "광고대행업", "의류 소매업",
    "컴퓨터 도매업", "편의점", "인쇄업", "경영컨설팅업", "미용업", "통신판매업", "제과점업",
)  # fmt: skip
SHOP_SUFFIXES = ("상사", "상회", "식당", "약국", "마트", "스튜디오", "디자인", "커피", "학원")
CORPORATE_OFFICES = ("110111", "131111", "134111", "160111", "180111", "284211", "110115")
"""Registry office codes that begin corporate registration numbers."""
TAXPAYER_TYPES = ("일반과세자", "간이과세자", "면세사업자")


@dataclass(frozen=True)
class Certificate:
    """What a certificate says: its subtype and each field's canonical key and value."""

    subtype: str
    fields: dict[str, str]
    layout: str


@dataclass(frozen=True)
class SyntheticCertificate:
    page: SyntheticPage
    certificate: Certificate


def business_number(rng: random.Random, corporate: bool) -> str:
    """A 10-digit number `123-45-67890` whose check digit holds (the middle code says 개인
    or 법인)."""
    head = f"{rng.randint(101, 899)}"
    middle = rng.choice((81, 85, 86, 87, 88)) if corporate else rng.randint(1, 79)
    body = [int(c) for c in f"{head}{middle:02d}{rng.randint(0, 9999):04d}"]
    total = sum(v * w for v, w in zip(body, (1, 3, 7, 1, 3, 7, 1, 3, 5), strict=False))
    total += body[8] * 5 // 10
    digits = "".join(map(str, body)) + str((10 - total % 10) % 10)
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"


def corporate_number(rng: random.Random) -> str:
    """A 13-digit `110111-1234567` whose check digit holds."""
    body = rng.choice(CORPORATE_OFFICES) + f"{rng.randint(0, 999999):06d}"
    total = sum(int(c) * (1 if i % 2 == 0 else 2) for i, c in enumerate(body))
    digits = body + str((10 - total % 10) % 10)
    return f"{digits[:6]}-{digits[6:]}"


def road_address(rng: random.Random) -> str:
    city, districts = rng.choice(CITIES)
    address = f"{city} {rng.choice(districts)} {rng.choice(ROADS)} {rng.randint(1, 399)}"
    if rng.random() < 0.6:
        address += f", {rng.randint(1, 15)}층"
    return address


def _date(rng: random.Random, first: int, last: int) -> str:
    return f"{rng.randint(first, last)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def random_certificate(rng: random.Random, corporate: bool, layout: str) -> Certificate:
    name = rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)
    company = rng.choice(COMPANIES)
    opened = _date(rng, 2000, 2024)
    issued = _date(rng, max(int(opened[:4]) + 1, 2018), 2025)  # issued after opening
    fields = {
        "registration_number": business_number(rng, corporate),
        "business_name": (
            rng.choice((f"주식회사 {company}", f"(주){company}"))
            if corporate
            else company[:2] + rng.choice(SHOP_SUFFIXES)
        ),
        "representative": name,
        "opening_date": opened,
        "business_address": road_address(rng),
        "business_type": rng.choice(BUSINESS_TYPES),
        "business_item": rng.choice(ITEMS),
        "issue_date": issued,
        "tax_office": rng.choice(TAX_OFFICES) + "세무서",
        "taxpayer_type": "법인사업자" if corporate else rng.choice(TAXPAYER_TYPES),
    }
    if corporate:
        fields["corporate_registration_number"] = corporate_number(rng)
        fields["head_office_address"] = (
            fields["business_address"] if rng.random() < 0.5 else road_address(rng)
        )
    else:
        fields["birth_date"] = _date(rng, 1955, 2000)
    return Certificate("corporate" if corporate else "individual", fields, layout)


def printed_date(value: str) -> str:
    year, month, day = value.split("-")
    return f"{year} 년 {month} 월 {day} 일"


def _label(text: str, layout: str) -> str:
    """A label as the layout prints it: letters spread (`사 업 장`) or packed."""
    return " ".join(text) if layout == "spaced" and len(text) <= 5 else text


def render_certificate(certificate: Certificate, font: str, rng: random.Random) -> SyntheticPage:
    fields, layout = certificate.fields, certificate.layout
    corporate = certificate.subtype == "corporate"
    size = rng.randint(26, 30)
    body, title = load_font(font, size), load_font(font, size * 2)
    sheet = Sheet(width=1240, margin=rng.randint(90, 120), y=rng.randint(90, 140))
    sheet.row(title, centre="사 업 자 등 록 증", leading=1.5)
    sheet.row(body, centre=f"( {fields['taxpayer_type']} )", leading=1.8)
    sheet.row(body, centre=f"등록번호 : {fields['registration_number']}", leading=2.4)
    colon = rng.choice((" : ", " : ", "：", ": "))
    rows: list[list[tuple[str, str]]] = [
        [("법인명(단체명)" if corporate else "상호", fields["business_name"])],
        [("대표자" if corporate else "성명", fields["representative"])]
        + ([] if corporate else [("생년월일", printed_date(fields["birth_date"]))]),
        [("개업연월일", printed_date(fields["opening_date"]))]
        + ([("법인등록번호", fields["corporate_registration_number"])] if corporate else []),
        [("사업장 소재지", fields["business_address"])],
    ]
    if corporate:
        rows.append([("본점 소재지", fields["head_office_address"])])
    kinds = [("업태", fields["business_type"]), ("종목", fields["business_item"])]
    if layout == "table":
        rows += [[kind] for kind in kinds]
    else:
        rows.append([("사업의 종류", f"업태 {kinds[0][1]}     종목 {kinds[1][1]}")])
    rows += [[("발급사유", "신규")], [("공동사업자", "")],
             [("사업자 단위 과세 적용사업자 여부", "여(  ) 부( V )")],
             [("전자세금계산서 전용 전자우편주소", "")]]  # fmt: skip
    indent = 0
    for row in rows:
        x = sheet.margin
        for label, value in row:
            shown = _label(label, layout)
            if layout == "table":
                sheet.shape("rect", (x - 10, sheet.y - 8, x + 250, sheet.y + size + 12),
                            (232, 232, 232))  # fmt: skip
                sheet.place(x, shown, body)
                sheet.place(x + 280, value, body)
            else:
                sheet.place(x + indent, f"{shown}{colon}{value}".rstrip(" :："), body)
            x += sheet.content_width // 2 + 40
        sheet.y += round(size * 2.0)
    sheet.y += size * 2
    sheet.row(body, centre=printed_date(fields["issue_date"]), leading=2.2)
    office = fields["tax_office"]
    sheet.row(load_font(font, round(size * 1.3)), centre=" ".join(office + "장"), leading=2.0)
    page = sheet.draw(PageStyle(font=font, size=size, width=1240, margin=sheet.margin),
                      height=1754)  # fmt: skip
    page.meta.update(kind="certificate", seal_line=str(len(page.lines) - 1), layout=layout)
    return page


def certificate_set(
    count: int, seed: int, fonts: tuple[str, ...], layouts: tuple[str, ...], photo: bool
) -> list[SyntheticCertificate]:
    """`count` certificates, individual and corporate in turn, fonts and layouts in turn;
    `photo` photographs each (synth.damage, the office's seal over its name)."""
    made = []
    for index in range(count):
        rng = random.Random(f"certificate-{seed}-{index}")
        certificate = random_certificate(rng, index % 2 == 1, layouts[index % len(layouts)])
        page = render_certificate(certificate, fonts[index % len(fonts)], rng)
        if photo:
            page = photograph(page, random.Random(f"certificate-photo-{seed}-{index}"))
        made.append(SyntheticCertificate(page, certificate))
    return made
