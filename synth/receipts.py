"""Till receipts: narrow thermal-paper slips, short (up to 1:2.5) or long (1:2.5 to about 1:6).

A receipt prints the shop, its business number and address, the time of sale, item rows
(name, quantity, amount), totals with VAT, the card payment and a footer. A long receipt is a
large shopping trip: the item rows are repeated until the slip reaches the drawn aspect ratio,
which is what makes it a "long image" for the pipeline. The dashed separators are drawn
rules, not text: the ground truth holds no dashes, so a reader that returns them as a line
pays for it, as it would on a real slip where they carry no content.
"""

from __future__ import annotations

import random

from synth.corpus import Corpus
from synth.documents import PageStyle, SyntheticPage
from synth.fonts import RECEIPT_FONTS, load_font
from synth.layout import Font, Sheet

SHORT_RATIO = (1.5, 2.3)
LONG_RATIO = (2.7, 6.0)
"""Height over width drawn for the slips (the printed content may add a row or two)."""

SHOPS = (
    "하나마트", "우리마트", "행복한 편의점", "카페 봄", "커피 한잔", "서울 칼국수",
    "명동 분식", "푸른 약국", "중앙 문구", "동네 빵집", "새마을 식당", "바다 횟집",
)  # fmt: skip
GOODS = (
    ("서울우유 1L", 2900), ("생수 2L", 1200), ("라면 5입", 4500), ("바나나", 3900),
    ("계란 30구", 8900), ("두부", 1800), ("김치 1kg", 9800), ("식빵", 3500),
    ("사과 1봉", 12900), ("양파", 2500), ("콜라 500ml", 2000), ("아메리카노", 4500),
    ("카페라떼", 5000), ("녹차", 4000), ("초코 케이크", 6500), ("김밥", 3500),
    ("라면", 4000), ("비빔밥", 9000), ("된장찌개", 8000), ("칼국수", 8500), ("만두", 6000),
    ("휴지 30롤", 15900), ("세제 2.5L", 11900), ("샴푸", 8900), ("치약", 3200),
    ("감기약", 4500), ("볼펜 10개", 5000), ("공책", 1500), ("우산", 9900), ("커피 믹스", 12800),
)  # fmt: skip
"""Goods and their usual unit prices in won."""
CARDS = ("신한카드", "국민카드", "삼성카드", "현대카드", "롯데카드", "하나카드", "BC카드")
FOOTERS = (
    "교환 및 환불은 영수증을 지참하시고 7일 이내에 방문해 주세요.",
    "포인트는 다음 구매 시 사용하실 수 있습니다.",
    "Thank you for your visit",
    "Please keep this receipt",
    "고객 센터 1588-1234",
)


def render_receipt(rng: random.Random, long: bool) -> SyntheticPage:
    """A receipt with its ground truth; `long` draws an aspect ratio beyond 1:2.5."""
    corpus = Corpus(rng)
    width = rng.randint(440, 560) if long else rng.randint(520, 640)
    ratio = rng.uniform(*(LONG_RATIO if long else SHORT_RATIO))
    size = rng.randint(20, 26)
    style = PageStyle(font=rng.choice(RECEIPT_FONTS), size=size, width=width, margin=28, rows=0)
    font = load_font(style.font, size)
    sheet = Sheet(width=width, margin=style.margin)
    leading = rng.uniform(1.45, 1.75)
    _header(sheet, rng, corpus, load_font(style.font, round(size * 1.4)), font, leading)
    footer_rows = 12  # rows the totals, payment and footer take
    target = round(width * ratio)
    total, items = 0, 0
    while items == 0 or sheet.y + footer_rows * font.size * leading < target:
        total += _item(sheet, rng, font, leading)
        items += 1
        style.rows += 1
    sheet.rule(dashed=True)
    sheet.y += round(font.size * 0.6)
    _payment(sheet, rng, corpus, font, leading, total)
    page = sheet.draw(style, height=max(sheet.y + sheet.margin, target))
    page.meta.update(kind="long_receipt" if long else "receipt", items=str(items))
    return page


def _header(
    sheet: Sheet, rng: random.Random, corpus: Corpus, big: Font, font: Font, leading: float
) -> None:
    sheet.row(big, centre=rng.choice(SHOPS), leading=1.8)
    number = f"{rng.randint(100, 899)}-{rng.randint(10, 99)}-{rng.randint(10000, 99999)}"
    sheet.row(font, left=f"사업자번호 {number}", leading=leading)
    sheet.row(font, left=f"대표 {corpus.name()}", right=f"TEL {corpus.phone()}", leading=leading)
    sheet.row(font, left=corpus.address(), leading=leading)
    time = f"{rng.randint(9, 21):02d}:{rng.randint(0, 59):02d}"
    date = f"{rng.randint(2021, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    sheet.row(font, left=f"{date} {time}", right=f"POS {rng.randint(1, 9):02d}", leading=leading)
    sheet.rule(dashed=True)
    sheet.y += round(font.size * 0.6)
    sheet.columns(
        font, [(0.0, "left", "상품명"), (0.62, "right", "수량"), (1.0, "right", "금액")], leading
    )
    sheet.rule(dashed=True)
    sheet.y += round(font.size * 0.6)


def _item(sheet: Sheet, rng: random.Random, font: Font, leading: float) -> int:
    """One item row (the name on a row of its own when it is too long); returns its amount."""
    (name, price), count = rng.choice(GOODS), rng.choice((1, 1, 1, 2, 2, 3, 5))
    amount = price * count
    cells = [(0.62, "right", str(count)), (1.0, "right", f"{amount:,}")]
    if not sheet.columns(font, [(0.0, "left", name), *cells], leading):
        sheet.row(font, left=name, leading=leading * 0.9)
        sheet.columns(font, cells, leading)
    return amount


def _payment(
    sheet: Sheet, rng: random.Random, corpus: Corpus, font: Font, leading: float, total: int
) -> None:
    vat = round(total / 11)
    sheet.row(font, left="과세 물품가액", right=f"{total - vat:,}", leading=leading)
    sheet.row(font, left="부가세", right=f"{vat:,}", leading=leading)
    sheet.row(font, left="합계", right=f"{total:,}원", leading=leading)
    sheet.rule(dashed=True)
    sheet.y += round(font.size * 0.6)
    sheet.row(font, left=f"카드 결제 {rng.choice(CARDS)}", right=f"{total:,}", leading=leading)
    card = f"{rng.randint(1000, 9999)}-{rng.randint(10, 99)}**-****-{rng.randint(1000, 9999)}"
    sheet.row(font, left=f"카드번호 {card}", leading=leading)
    sheet.row(font, left=f"승인번호 {rng.randint(10000000, 99999999)}", leading=leading)
    sheet.row(font, left="할부 일시불", leading=leading)
    sheet.rule(dashed=True)
    sheet.y += round(font.size * 0.6)
    for footer in rng.sample(FOOTERS, 2):
        sheet.row(font, left=footer, leading=leading)
