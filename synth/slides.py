"""Presentation slides: landscape 16:9, a large title and bulleted points in large type.

Three looks common in office decks: a plain white slide with a coloured rule under the
title, a coloured title band with white lettering, and a tinted background. Bullet markers
are drawn shapes, not text, so the ground truth holds only the words.
"""

from __future__ import annotations

import random

from synth.corpus import BRANDS, Corpus
from synth.documents import PageStyle, SyntheticPage
from synth.fonts import SLIDE_FONTS, load_font
from synth.layout import INK, Colour, Font, Sheet

SIZES = ((1280, 720), (1600, 900), (1920, 1080))
ACCENTS: tuple[Colour, ...] = (
    (30, 60, 120), (0, 105, 115), (150, 40, 40), (40, 105, 60), (200, 100, 20),
)  # fmt: skip
THEMES = ("plain", "band", "tint")
TITLES = (
    "2025년 상반기 사업 계획", "신규 서비스 소개", "고객 만족도 조사 결과", "프로젝트 추진 일정",
    "시장 현황 및 대응 전략", "교육 프로그램 안내", "주요 성과 및 과제", "조직 개편 안내",
    "예산 집행 현황", "Q3 Sales Review", "Product Roadmap 2025", "Project Overview",
)  # fmt: skip
METRICS = ("매출", "영업 이익", "신규 가입자", "방문자 수", "재구매율", "수출액")
SAVINGS = ("운영 비용", "불량률", "처리 시간", "재고", "배송 지연")
EVENTS = ("제품 출시", "정기 점검", "사업 설명회", "계약 체결", "시스템 오픈", "교육 시작")
TEAMS = ("영업팀", "기획팀", "개발팀", "인사팀", "마케팅팀", "총무팀")
REGIONS = ("서울", "부산", "인천", "대구", "대전", "광주", "경기")


def render_slide(rng: random.Random) -> SyntheticPage:
    """One slide with a title, three to five bullets (some with sub-points) and a footer."""
    corpus = Corpus(rng)
    width, height = rng.choice(SIZES)
    title_face, body_face = rng.choice(SLIDE_FONTS)
    theme, accent = rng.choice(THEMES), rng.choice(ACCENTS)
    body = round(height * rng.uniform(0.045, 0.056))
    style = PageStyle(font=body_face, size=body, width=width, margin=round(width * 0.07), rows=0)
    paper = (242, 245, 250) if theme == "tint" else (255, 255, 255)
    sheet = Sheet(width=width, margin=style.margin, paper=paper, y=round(height * 0.07))
    _title(sheet, rng, load_font(title_face, round(height * 0.075)), theme, accent)
    font, small = load_font(body_face, body), load_font(body_face, round(body * 0.82))
    bottom = height - 3 * small.size
    for _ in range(rng.randint(3, 5)):
        if sheet.y + 2 * font.size * 1.6 > bottom:
            break
        _bullet(sheet, font, _point(rng, corpus), accent, level=0)
        style.rows += 1
        for _ in range(rng.choice((0, 0, 1, 2))):
            if sheet.y + small.size * 1.6 <= bottom:
                _bullet(sheet, small, _sub_point(rng, corpus), accent, level=1)
    footer = load_font(body_face, max(round(height * 0.026), 16))
    sheet.y = height - round(footer.size * 2.4)
    sheet.row(footer, left=f"{corpus.company()} {rng.choice(TEAMS)}", right=str(rng.randint(2, 24)))
    page = sheet.draw(style, height=height)
    page.meta.update(kind="slide", theme=theme)
    return page


def _title(sheet: Sheet, rng: random.Random, font: Font, theme: str, accent: Colour) -> None:
    title = rng.choice(TITLES)
    if theme == "band":
        band = round(sheet.y * 2 + font.size * 1.3)
        sheet.shape("rect", (0, 0, sheet.width, band), accent)
        sheet.row(font, left=title, fill=(255, 255, 255), leading=1.0)
        sheet.y = band + round(font.size * 0.9)
        return
    sheet.row(font, left=title, fill=accent if theme == "tint" else INK, leading=1.4)
    sheet.shape("rect", (sheet.margin, sheet.y, sheet.width - sheet.margin, sheet.y + 5), accent)
    sheet.y += round(font.size * 0.9)


def _bullet(sheet: Sheet, font: Font, text: str, accent: Colour, level: int) -> None:
    x = sheet.margin + level * round(font.size * 1.6)
    radius = max(round(font.size * 0.16), 3)
    centre = sheet.y + round(font.size * 0.55)
    kind = "ellipse" if level == 0 else "rect"
    sheet.shape(kind, (x, centre - radius, x + 2 * radius, centre + radius), accent)
    sheet.row(font, left=text, indent=x - sheet.margin + round(font.size * 1.0), leading=1.6)


def _point(rng: random.Random, corpus: Corpus) -> str:
    makers = (
        lambda: f"{rng.choice(METRICS)} 전년 대비 {rng.randint(3, 45)}% 증가",
        lambda: f"{rng.choice(SAVINGS)} {rng.randint(5, 40)}% 감소",
        lambda: f"신규 고객 {rng.randint(12, 980) * 10:,}명 확보",
        lambda: f"{rng.choice(REGIONS)} 지역 매장 {rng.randint(2, 15)}곳 추가 개설",
        lambda: f"{rng.randint(1, 12)}월 {rng.randint(1, 28)}일 {rng.choice(EVENTS)} 예정",
        lambda: f"고객 문의 응답 시간 {rng.randint(2, 30)}분 단축",
        lambda: f"모바일 앱 사용자 {rng.randint(5, 300)}만 명 돌파",
        lambda: f"Revenue {rng.randint(10, 99) / 10}B KRW (+{rng.randint(2, 30)}%)",
        lambda: f"Launch in Q{rng.randint(1, 4)} {rng.randint(2024, 2026)}",
        lambda: f"Customer satisfaction {rng.randint(70, 98)}%",
        lambda: f"담당: {rng.choice(TEAMS)} {corpus.name()}",
    )
    return rng.choice(makers)()


def _sub_point(rng: random.Random, corpus: Corpus) -> str:
    makers = (
        lambda: f"{rng.randint(1, 12)}월: {rng.choice(EVENTS)}",
        lambda: f"목표 달성률 {rng.randint(60, 120)}%",
        lambda: f"예산 {rng.randint(2, 90)}억 원",
        lambda: f"{rng.choice(BRANDS)} 협력",
        lambda: f"일정: {corpus.date_text()}",
    )
    return rng.choice(makers)()
