"""Official notices and business letters on A4-like paper (1 : √2).

The layout of a Korean 공문 (official letter): a letterhead with the sender's address, the
document number, date, recipient and subject, body paragraphs, the `- 아 래 -` list of
particulars, and the sender's name at the foot, where a seal (도장) is stamped in the photo
profile (`meta["seal_line"]` names that line).
"""

from __future__ import annotations

import random

from synth.corpus import AUDIENCES, PLACES, SUBJECTS, TITLES, Corpus
from synth.documents import PageStyle, SyntheticPage
from synth.fonts import NOTICE_FONTS, load_font
from synth.layout import Font, Sheet, wrap

A4 = 2**0.5
WIDTHS = (1000, 1100, 1240)
TEAMS = ("총무팀", "인사팀", "영업팀", "기획팀", "고객지원팀")
RECIPIENTS = ("전 직원", "거래처 각위", "수신자 참조", "각 부서장", "회원 여러분")


def render_notice(rng: random.Random) -> SyntheticPage:
    """A notice or letter with its ground truth; the page is exactly A4-shaped."""
    corpus = Corpus(rng)
    width = rng.choice(WIDTHS)
    height = round(width * A4)
    heading, face = rng.choice(NOTICE_FONTS)
    size = round(width * rng.uniform(0.021, 0.026))
    style = PageStyle(font=face, size=size, width=width, margin=round(width * 0.09), rows=0)
    font, leading = load_font(face, size), rng.uniform(1.6, 1.9)
    sheet = Sheet(width=width, margin=style.margin, y=round(width * 0.07))
    company = corpus.company()
    sheet.row(load_font(heading, round(size * 1.6)), centre=company, leading=1.5)
    small = load_font(face, round(size * 0.8))
    sheet.row(small, centre=f"{corpus.address()} 전화 {corpus.phone()}", leading=1.6)
    sheet.rule(thickness=3, fill=(70, 70, 70))
    sheet.y += size
    number = f"제{rng.randint(2021, 2025)}-{rng.randint(1, 300)}호"
    sheet.row(
        font, left=f"문서번호 {number}", right=f"시행일자 {corpus.date_text()}", leading=leading
    )
    sheet.row(font, left=f"수신 {rng.choice(RECIPIENTS)}", leading=leading)
    subject = rng.choice(SUBJECTS)
    sheet.row(load_font(heading, size), left=f"제목 {subject} 안내", leading=leading * 1.2)
    reserve = round(size * leading * 9)  # the particulars, date and sender below the body
    _body(sheet, rng, corpus, font, leading, limit=height - sheet.margin - reserve)
    sheet.row(font, centre="- 아 래 -", leading=leading)
    _particulars(sheet, rng, corpus, font, leading, subject)
    sheet.y = max(sheet.y + size, height - sheet.margin - round(size * 4.5))
    sheet.row(font, centre=corpus.date_text(), leading=1.8)
    sheet.row(load_font(heading, round(size * 1.3)), centre=f"{company} 대표이사 {corpus.name()}")
    page = sheet.draw(style, height=height)
    page.meta.update(kind="notice", seal_line=str(len(page.lines) - 1))
    return page


def _body(
    sheet: Sheet, rng: random.Random, corpus: Corpus, font: Font, leading: float, limit: int
) -> None:
    """Up to three paragraphs of sentences, as many as fit above `limit`."""
    sheet.y += round(font.size)
    for _ in range(3):
        paragraph = " ".join(corpus.sentence() for _ in range(rng.randint(2, 4)))
        rows = len(wrap(paragraph, font, sheet.content_width - font.size))
        if sheet.y + rows * font.size * leading > limit:
            break
        sheet.row(font, left=paragraph, indent=round(font.size), leading=leading)
        sheet.y += round(font.size * 0.5)


def _particulars(
    sheet: Sheet, rng: random.Random, corpus: Corpus, font: Font, leading: float, subject: str
) -> None:
    team = rng.choice(TEAMS)
    items = (
        f"일시: {corpus.date_text()} {rng.randint(9, 17)}:00",
        f"장소: {rng.choice(PLACES)}",
        f"대상: {rng.choice(AUDIENCES)}",
        f"문의: {team} {rng.choice(TITLES)} {corpus.name()} ({corpus.phone()})",
    )
    for number, item in enumerate(items, start=1):
        sheet.row(font, left=f"{number}. {item}", indent=round(font.size), leading=leading)
