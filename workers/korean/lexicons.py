"""Closed vocabularies printed on Korean documents, and snapping a reading to them.

A field whose values come from a short official list (the National Tax Service's offices, the
business types of the Korean Standard Industrial Classification as certificates print them,
the names of provinces and metropolitan cities) is read more reliably by choosing the nearest
entry than by trusting every syllable; open fields (names, business items, street names) are
never snapped.
"""

from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

TAX_OFFICES = (
    # Seoul
    "강남", "강동", "강서", "관악", "구로", "금천", "남대문", "노원", "도봉", "동대문", "동작",
    "마포", "반포", "삼성", "서대문", "서초", "성동", "성북", "송파", "양천", "역삼", "영등포",
    "용산", "은평", "잠실", "종로", "중랑", "중부",
    # Incheon, Gyeonggi
    "인천", "남인천", "북인천", "서인천", "연수", "수원", "동수원", "서수원", "성남", "분당",
    "안양", "동안양", "안산", "부천", "고양", "동고양", "파주", "의정부", "남양주", "구리",
    "용인", "기흥", "화성", "동화성", "평택", "시흥", "광명", "김포", "이천", "포천",
    # Busan, Daegu, Gwangju, Daejeon, Ulsan, Sejong
    "부산진", "동래", "해운대", "북부산", "서부산", "수영", "중부산", "금정", "부산강서",
    "동대구", "서대구", "남대구", "북대구", "수성", "광주", "서광주", "북광주", "광산",
    "대전", "서대전", "북대전", "울산", "동울산", "세종",
    # the provinces
    "춘천", "원주", "강릉", "청주", "동청주", "충주", "천안", "아산", "전주", "북전주", "익산",
    "군산", "목포", "여수", "순천", "포항", "구미", "경주", "안동", "창원", "마산", "김해",
    "진주", "양산", "제주", "서귀포",
)  # fmt: skip
"""District tax offices (세무서) by the name they print before 세무서장."""

BUSINESS_TYPES = (
    "도매 및 소매업", "제조업", "서비스업", "건설업", "숙박 및 음식점업", "음식점업",
    "정보통신업", "부동산업", "운수 및 창고업", "교육 서비스업", "보건업", "금융 및 보험업",
    "전문, 과학 및 기술 서비스업", "사업시설관리 및 사업지원 서비스업", "농업", "도소매",
    "소매업", "도매업", "출판업", "예술, 스포츠 및 여가관련 서비스업",
)  # fmt: skip
"""업태 as certificates print it (KSIC sections and the short forms offices still use)."""

PROVINCES = (
    "서울특별시", "부산광역시", "대구광역시", "인천광역시", "광주광역시", "대전광역시",
    "울산광역시", "세종특별자치시", "경기도", "강원특별자치도", "충청북도", "충청남도",
    "전북특별자치도", "전라남도", "경상북도", "경상남도", "제주특별자치도",
)  # fmt: skip
"""The first part of every Korean address."""

DISTRICTS = {
    "서울특별시": (
        "종로구 중구 용산구 성동구 광진구 동대문구 중랑구 성북구 강북구 "
        "도봉구 노원구 은평구 서대문구 마포구 양천구 강서구 구로구 금천구 "
        "영등포구 동작구 관악구 서초구 강남구 송파구 강동구"
    ),
    "부산광역시": (
        "중구 서구 동구 영도구 부산진구 동래구 남구 북구 해운대구 "
        "사하구 금정구 강서구 연제구 수영구 사상구 기장군"
    ),
    "대구광역시": (
        "중구 동구 서구 남구 북구 수성구 달서구 달성군 군위군"
    ),
    "인천광역시": (
        "중구 동구 미추홀구 연수구 남동구 부평구 계양구 서구 강화군 "
        "옹진군"
    ),
    "광주광역시": (
        "동구 서구 남구 북구 광산구"
    ),
    "대전광역시": (
        "동구 중구 서구 유성구 대덕구"
    ),
    "울산광역시": (
        "중구 남구 동구 북구 울주군"
    ),
    "경기도": (
        "수원시 성남시 의정부시 안양시 부천시 광명시 평택시 동두천시 안산시 "
        "고양시 과천시 구리시 남양주시 오산시 시흥시 군포시 의왕시 하남시 "
        "용인시 파주시 이천시 안성시 김포시 화성시 광주시 양주시 포천시 "
        "여주시 연천군 가평군 양평군"
    ),
    "강원특별자치도": (
        "춘천시 원주시 강릉시 동해시 태백시 속초시 삼척시 홍천군 횡성군 "
        "영월군 평창군 정선군 철원군 화천군 양구군 인제군 고성군 양양군"
    ),
    "충청북도": (
        "청주시 충주시 제천시 보은군 옥천군 영동군 증평군 진천군 괴산군 "
        "음성군 단양군"
    ),
    "충청남도": (
        "천안시 공주시 보령시 아산시 서산시 논산시 계룡시 당진시 금산군 "
        "부여군 서천군 청양군 홍성군 예산군 태안군"
    ),
    "전북특별자치도": (
        "전주시 군산시 익산시 정읍시 남원시 김제시 완주군 진안군 무주군 "
        "장수군 임실군 순창군 고창군 부안군"
    ),
    "전라남도": (
        "목포시 여수시 순천시 나주시 광양시 담양군 곡성군 구례군 고흥군 "
        "보성군 화순군 장흥군 강진군 해남군 영암군 무안군 함평군 영광군 "
        "장성군 완도군 진도군 신안군"
    ),
    "경상북도": (
        "포항시 경주시 김천시 안동시 구미시 영주시 영천시 상주시 문경시 "
        "경산시 의성군 청송군 영양군 영덕군 청도군 고령군 성주군 칠곡군 "
        "예천군 봉화군 울진군 울릉군"
    ),
    "경상남도": (
        "창원시 진주시 통영시 사천시 김해시 밀양시 거제시 양산시 의령군 "
        "함안군 창녕군 고성군 남해군 하동군 산청군 함양군 거창군 합천군"
    ),
    "제주특별자치도": (
        "제주시 서귀포시"
    ),
}  # fmt: skip
"""The cities, counties and districts (시·군·구) of each province, the second part of an
address."""

FLOOR = re.compile(r"(\d)\s*(?:층|[충총츠출ㅊ])ㅇ?(?![가-힣])")
"""`5충`, `10츠`, `7출`, `1층ㅇ`: a floor (층) misread."""
BUILDING_FLOOR = re.compile(r"(\d)\s*[.,]+\s*(\d+층)")
"""`240. 1층`: the comma between a building's number and its floor misread."""
MAX_DISTANCE = 0.4
"""The largest edit distance, as a share of the entry's length, that still snaps."""


def nearest(reading: str, entries: tuple[str, ...]) -> str | None:
    """The entry closest to `reading` (spaces ignored), if close enough to be that entry."""
    compact = reading.replace(" ", "")
    best, best_distance = None, 1.0
    for entry in entries:
        target = entry.replace(" ", "")
        distance = Levenshtein.distance(compact, target) / max(len(target), 1)
        if distance < best_distance:
            best, best_distance = entry, distance
    return best if best_distance <= MAX_DISTANCE else None


def tax_office(reading: str) -> str | None:
    """`강남세무서` from a reading of the issuer line (`강 남 세 무 서 장`, `강닝세무서장`)."""
    # The office's seal often hides the end of `세무서장`: cut at whatever of it was read.
    stem = re.split(r"세무|무서|서장", reading.replace(" ", ""))[0]
    office = nearest(stem, TAX_OFFICES)
    return f"{office}세무서" if office else None


def address(reading: str) -> str:
    """An address with its province and its city, county or district snapped to the official
    names (the rest — streets, numbers — as read, floors mended)."""
    first, _, rest = reading.strip().partition(" ")
    province = nearest(first, PROVINCES)
    rest = BUILDING_FLOOR.sub(r"\1, \2", FLOOR.sub(r"\1층", rest))
    if province is None:
        return f"{first} {rest}".strip()
    second, _, tail = rest.partition(" ")
    district = nearest(second, tuple(DISTRICTS.get(province, "").split()))
    return " ".join(part for part in (province, district or second, tail) if part)
