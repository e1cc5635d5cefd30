"""Realistic lines for synthetic Korean/English documents, drawn from a seeded generator.

The vocabulary is what notices, invoices and business letters commonly print: company and
person names, addresses, dates, phone numbers, prices, English phrases and mixed lines. It
sticks to common Hangul syllables on purpose, so the test text looks like real paperwork rather
than a syllable-coverage stress test.
"""

from __future__ import annotations

import random
from collections.abc import Callable

SURNAMES = (
    "김",
    "이",
    "박",
    "최",
    "정",
    "강",
    "조",
    "윤",
    "장",
    "임",
    "한",
    "오",
    "서",
    "신",
    "권",
)
GIVEN_NAMES = (
    "민수", "지현", "서연", "현우", "수진", "영호", "지훈", "은지", "성민", "민지",
    "준호", "하은", "동현", "수민", "재원", "유진", "상우", "미경", "정호", "다은",
)  # fmt: skip
TITLES = ("대표", "부장", "과장", "대리", "주임", "팀장", "실장", "원장", "이사")
CITIES = (
    ("서울특별시", ("강남구", "종로구", "마포구", "서초구", "송파구", "중구")),
    ("부산광역시", ("해운대구", "동래구", "남구", "중구")),
    ("인천광역시", ("남동구", "연수구", "부평구")),
    ("대구광역시", ("수성구", "달서구", "중구")),
    ("경기도", ("수원시", "성남시", "고양시", "용인시")),
)
ROADS = ("테헤란로", "세종대로", "한강대로", "중앙로", "시청로", "공원로", "역삼로", "대학로")
BUILDINGS = ("빌딩", "센터", "타워", "상가")
COMPANIES = (
    "한국전자", "대한물산", "미래산업", "새로운기술", "우리상사", "하나유통", "서울식품",
    "동양건설", "푸른환경", "행복약국", "중앙병원", "나라교육", "신한상회", "제일인쇄",
)  # fmt: skip
COMPANY_KINDS = ("주식회사", "(주)", "유한회사")
NOTICE_TITLES = (
    "공지사항", "회의 안내", "사업자 등록 안내", "행사 개최 안내", "교육 일정 안내",
    "계약서", "견적서", "거래명세서", "영수증", "납품 확인서", "신청서", "결과 보고서",
)  # fmt: skip
SUBJECTS = (
    "정기 회의", "안전 교육", "신규 직원 교육", "연말 정산", "고객 상담", "제품 설명회",
    "시설 점검", "건강 검진", "봉사 활동", "사업 설명회",
)  # fmt: skip
PLACES = ("본사 회의실", "대강당", "3층 교육장", "시청 앞 광장", "고객 센터", "지하 주차장")
PREDICATES = (
    "진행합니다", "실시합니다", "개최합니다", "안내해 드립니다", "참석해 주시기 바랍니다",
    "확인해 주시기 바랍니다", "변경되었습니다", "예정입니다",
)  # fmt: skip
SENTENCES = (
    "자세한 내용은 담당자에게 문의해 주시기 바랍니다.",
    "위와 같이 계약을 체결하고 각각 서명합니다.",
    "아래와 같이 물품을 납품하였음을 확인합니다.",
    "모든 직원은 반드시 참석해 주시기 바랍니다.",
    "주차 공간이 부족하니 대중교통을 이용해 주세요.",
    "신청은 홈페이지 또는 방문 접수로 가능합니다.",
    "결제는 현금 또는 카드로 하실 수 있습니다.",
    "본 문서는 관련 법에 따라 보관됩니다.",
    "상기 금액을 정히 영수합니다.",
    "문의 사항이 있으시면 연락 주시기 바랍니다.",
)
ITEMS = ("사무용품", "복사 용지", "프린터 토너", "노트북", "모니터", "의자", "책상", "커피", "생수")
LABELS = (
    "담당자",
    "연락처",
    "주소",
    "일시",
    "장소",
    "대상",
    "금액",
    "합계",
    "비고",
    "상호",
    "성명",
)
AUDIENCES = ("전 직원", "신규 직원", "일반 고객", "관리자", "학부모")
REMARKS = ("없음", "부가세 포함", "현금 결제", "카드 결제", "택배 발송")
ENGLISH = (
    "Thank you for your order",
    "Please keep this receipt",
    "Customer Service Center",
    "All rights reserved",
    "Meeting Room B",
    "Payment Method: Credit Card",
    "Total Amount Due",
    "Delivery Address",
    "Terms and Conditions",
    "Open Monday to Friday",
)
BRANDS = ("LG", "SK", "KT", "CJ", "GS", "IBM", "Samsung", "Hyundai", "Naver", "Kakao")
EMAIL_USERS = ("info", "sales", "help", "admin", "contact", "office")
EMAIL_DOMAINS = ("boda.co.kr", "example.com", "korea.kr", "mail.net")


class Corpus:
    """Draws document rows from a seeded random generator.

    A row is a list of one or two segments: two segments sit on the same printed row, far
    apart (a label and its value, an item and its price), and are separate lines of text.
    """

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._kinds: list[tuple[Callable[[], list[str]], int]] = [
            (self._sentence, 4),
            (self._notice, 3),
            (self._person, 2),
            (self._address, 2),
            (self._date, 2),
            (self._phone, 2),
            (self._price, 3),
            (self._labelled, 3),
            (self._english, 2),
            (self._mixed, 3),
        ]

    def title(self) -> str:
        """A document heading, e.g. `(주)한국전자 견적서`."""
        return f"{self._company()} {self._pick(NOTICE_TITLES)}"

    def row(self) -> list[str]:
        """One printed row: one or two text segments."""
        makers, weights = zip(*self._kinds, strict=True)
        return self._rng.choices(makers, weights=weights)[0]()

    def name(self) -> str:
        """A person's name, e.g. `김민수`."""
        return self._name()

    def company(self) -> str:
        """A company name with its legal form, e.g. `주식회사 한국전자`."""
        return self._company()

    def date_text(self) -> str:
        """A date in one of the common styles: `2024년 3월 5일`, `2024.03.05`, `2024-03-05`."""
        return self._date_text()

    def amount(self) -> str:
        """A price in won, e.g. `12,300원`."""
        return self._amount()

    def address(self) -> str:
        """A road address with a building, e.g. `서울특별시 중구 세종대로 12 한국전자빌딩`."""
        return self._address()[0]

    def phone(self) -> str:
        """A phone number, e.g. `02-1234-5678`."""
        return self._phone()[0].split(" ", 1)[1]

    def sentence(self) -> str:
        """One sentence of a notice or letter, ending in a full stop."""
        return self._sentence()[0]

    def pick(self, options: tuple[str, ...]) -> str:
        """One of `options`, drawn from this corpus's generator."""
        return self._pick(options)

    def _pick(self, options: tuple[str, ...]) -> str:
        return self._rng.choice(options)

    def _name(self) -> str:
        return self._pick(SURNAMES) + self._pick(GIVEN_NAMES)

    def _company(self) -> str:
        kind, name = self._pick(COMPANY_KINDS), self._pick(COMPANIES)
        return f"{kind}{name}" if kind == "(주)" else f"{kind} {name}"

    def _date_text(self) -> str:
        year, month = self._rng.randint(2019, 2025), self._rng.randint(1, 12)
        day = self._rng.randint(1, 28)
        style = self._rng.randrange(3)
        if style == 0:
            return f"{year}년 {month}월 {day}일"
        separator = "." if style == 1 else "-"
        return f"{year}{separator}{month:02d}{separator}{day:02d}"

    def _amount(self) -> str:
        return f"{self._rng.randint(1, 990) * 100:,}원"

    def _sentence(self) -> list[str]:
        if self._rng.random() < 0.5:
            return [self._pick(SENTENCES)]
        subject, place = self._pick(SUBJECTS), self._pick(PLACES)
        particle = "을" if _has_final_consonant(subject[-1]) else "를"
        return [f"{self._date_text()} {place}에서 {subject}{particle} {self._pick(PREDICATES)}."]

    def _notice(self) -> list[str]:
        return [f"{self._pick(SUBJECTS)} {self._pick(NOTICE_TITLES)}"]

    def _person(self) -> list[str]:
        return [f"{self._pick(TITLES)} {self._name()}", self._company()]

    def _address(self) -> list[str]:
        city, districts = self._rng.choice(CITIES)
        number = self._rng.randint(1, 420)
        building = f"{self._pick(COMPANIES)}{self._pick(BUILDINGS)}"
        return [f"{city} {self._rng.choice(districts)} {self._pick(ROADS)} {number} {building}"]

    def _date(self) -> list[str]:
        return [f"{self._pick(('발행일', '작성일', '계약일', '납품일'))}: {self._date_text()}"]

    def _phone(self) -> list[str]:
        area = self._pick(("02", "031", "051", "010", "070"))
        number = f"{area}-{self._rng.randint(200, 9999)}-{self._rng.randint(1000, 9999)}"
        return [f"{self._pick(('전화', '팩스', '연락처'))} {number}"]

    def _price(self) -> list[str]:
        count = self._rng.randint(1, 30)
        return [f"{self._pick(ITEMS)} {count}개", self._amount()]

    def _labelled(self) -> list[str]:
        label = self._pick(LABELS)
        value = {
            "담당자": self._name,
            "성명": self._name,
            "연락처": lambda: self._phone()[0].split(" ", 1)[1],
            "일시": self._date_text,
            "금액": self._amount,
            "합계": self._amount,
            "상호": self._company,
            "주소": lambda: self._address()[0].rsplit(" ", 2)[0],
            "대상": lambda: self._pick(AUDIENCES),
            "비고": lambda: self._pick(REMARKS),
        }.get(label, lambda: self._pick(PLACES))()
        return [label, value]

    def _english(self) -> list[str]:
        if self._rng.random() < 0.5:
            return [self._pick(ENGLISH)]
        number = f"{self._rng.randint(2019, 2025)}-{self._rng.randint(1, 9999):04d}"
        return [
            f"Invoice No. {number}",
            f"{self._rng.randint(1, 9999)}.{self._rng.randint(0, 99):02d} USD",
        ]

    def _mixed(self) -> list[str]:
        style = self._rng.randrange(3)
        if style == 0:
            return [f"이메일: {self._pick(EMAIL_USERS)}@{self._pick(EMAIL_DOMAINS)}"]
        if style == 1:
            return [f"{self._pick(BRANDS)} {self._pick(('서비스센터', '대리점', '고객센터'))}"]
        return [f"{self._pick(ITEMS)} {self._rng.randint(1, 9)}{self._pick(('EA', 'BOX', 'SET'))}"]


def _has_final_consonant(syllable: str) -> bool:
    """True for a Hangul syllable with a batchim (it takes 을, not 를)."""
    return (ord(syllable) - 0xAC00) % 28 != 0
