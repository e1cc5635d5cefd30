"""A passport's data page: the fields from its MRZ (check digits verified), the ones the MRZ
lacks (the Korean name, the issue date, the nationality as printed) from their labels, and
the MRZ compared with the printed fields where both were read."""

from __future__ import annotations

from shared.analyses.documents import Check, DocumentField
from shared.analyses.general import Line
from workers.korean.dates import iso_date
from workers.korean.labels import Found, Label, find_fields
from workers.korean.mrz import Mrz, mrz_lines, parse
from workers.korean.validators import passport_number_valid

LABELS = (
    Label("passport_type", ("종류/Type", "종류")),
    Label("country_code", ("발행국/Issuing country", "Issuing country", "발행국")),
    Label("passport_number", ("여권번호/Passport No.", "Passport No", "여권번호"), below=True),
    Label("surname", ("성/Surname", "Surname"), below=True),
    Label("given_names", ("이름/Given names", "Given names"), below=True),
    Label("korean_name", ("한글성명",), below=True),
    Label("nationality", ("국적/Nationality", "Nationality"), below=True),
    Label("birth_date", ("생년월일/Date of birth", "Date of birth", "생년월일"), below=True),
    Label("sex", ("성별/Sex", "성별")),
    Label("personal_number", ("주민등록번호/Personal No.", "Personal No", "주민등록번호")),
    Label("issue_date", ("발급일/Date of issue", "Date of issue", "발급일"), below=True),
    Label("expiry_date", ("기간만료일/Date of expiry", "Date of expiry", "기간만료일"), below=True),
    Label("authority", ("발행관청/Authority", "Authority")),
)
COUNTRIES = {"KOR": "REPUBLIC OF KOREA"}
MRZ_LABEL = "MRZ"
PRINTED = {label.key: label.printed[0] for label in LABELS}
"""A field read from the MRZ is labelled as the page prints it."""


def read_passport(lines: list[Line]) -> tuple[list[DocumentField], list[Check]]:
    printed = find_fields(lines, LABELS)
    found = mrz_lines([line.text for line in lines])
    fields: list[DocumentField] = []
    checks: list[Check] = []
    mrz = parse(lines[found[0]].text, lines[found[1]].text) if found else None
    if mrz is not None and found is not None:
        fields += _mrz_fields(mrz, lines[found[0]], lines[found[1]])
        checks += [Check(name=f"mrz_{name}_check_digit", passed=held,
                         detail="corrected one misread character" if name in mrz.corrected else "")
                   for name, held in mrz.checks.items()]  # fmt: skip
        number_valid = passport_number_valid(mrz.number)
        checks.append(Check(name="passport_number_format", passed=number_valid,
                            detail="M12345678 (until 2020) or M123A4567 (since 2021)"))  # fmt: skip
        checks += _mrz_vs_printed(mrz, printed)
    for key in ("korean_name", "issue_date", "nationality"):
        if key in printed:
            fields.append(_printed_field(printed[key]))
    if mrz is None:  # no MRZ read: the printed fields are all there is
        for key in ("passport_number", "surname", "given_names", "birth_date", "expiry_date"):
            if key in printed:
                fields.append(_printed_field(printed[key]))
    elif "nationality" not in printed and mrz.nationality in COUNTRIES:
        fields.append(DocumentField(key="nationality", label=PRINTED["nationality"],
                                    value=COUNTRIES[mrz.nationality], confidence=1.0, box=None,
                                    valid=None))  # fmt: skip
    return fields, checks


def _mrz_fields(mrz: Mrz, first: Line, second: Line) -> list[DocumentField]:
    checks = mrz.checks

    def field(key: str, value: str | None, valid: bool | None) -> DocumentField | None:
        if not value:
            return None
        line = first if key in ("passport_type", "country_code", "surname", "given_names",
                                "mrz_line1") else second  # fmt: skip
        return DocumentField(key=key, label=PRINTED.get(key, MRZ_LABEL), value=value,
                             confidence=line.confidence, box=line.box, valid=valid,
                             corrected=key in mrz.corrected)  # fmt: skip

    made = [
        field("passport_type", mrz.document_type, None),
        field("country_code", mrz.country, None),
        field("passport_number", mrz.number, checks["passport_number"]),
        field("surname", mrz.surname, None),
        field("given_names", mrz.given_names, None),
        field("birth_date", mrz.birth_date, checks["birth_date"]),
        field("sex", mrz.sex, None),
        field("expiry_date", mrz.expiry_date, checks["expiry_date"]),
        field("personal_number", mrz.personal_number, checks["personal_number"]),
        field("mrz_line1", mrz.line1, None),
        field("mrz_line2", mrz.line2, checks["composite"]),
    ]
    return [f for f in made if f is not None]


def _printed_field(found: Found) -> DocumentField:
    value = found.value
    valid = None
    if found.key.endswith("_date"):
        day = iso_date(value)
        value, valid = (day, True) if day else (value, False)
    return DocumentField(key=found.key, label=found.label, value=value,
                         confidence=found.confidence, box=found.box, valid=valid)  # fmt: skip


def _mrz_vs_printed(mrz: Mrz, printed: dict[str, Found]) -> list[Check]:
    """The MRZ against the printed page, for each field read in both."""
    pairs = {
        "passport_number": (mrz.number, printed.get("passport_number")),
        "birth_date": (mrz.birth_date, printed.get("birth_date")),
        "expiry_date": (mrz.expiry_date, printed.get("expiry_date")),
        "surname": (mrz.surname, printed.get("surname")),
    }
    checks = []
    for name, (from_mrz, shown) in pairs.items():
        if from_mrz is None or shown is None:
            continue
        value = iso_date(shown.value) if name.endswith("_date") else shown.value
        if value is None:
            continue
        same = value.replace(" ", "").upper() == from_mrz.replace(" ", "")
        checks.append(Check(name=f"mrz_vs_printed_{name}", passed=same,
                            detail="" if same else f"printed {value}"))  # fmt: skip
    return checks
