"""The analysis contracts: what each type declares, its options and how its results render."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from shared.analyses import ANALYSES, Pages, get_analysis
from shared.errors import InvalidOptionsError, InvalidTypeError

FACE = {
    "box": [10, 20, 110, 140],
    "confidence": 0.98,
    "landmarks": {
        "left_eye": [40, 60],
        "right_eye": [80, 60],
        "nose": [60, 85],
        "mouth_left": [45, 110],
        "mouth_right": [75, 110],
    },
    "orientation": {"yaw": 1.5, "pitch": -2.0, "roll": 0.5},
}
LINE = {"text": "사업자등록증", "confidence": 0.97, "box": [[0, 0], [90, 0], [90, 20], [0, 20]]}
FACE_ID = str(uuid.uuid4())

# One result per type, shaped as API.md describes it, with the text and first row it renders.
SAMPLES: dict[str, tuple[dict[str, Any], str, dict[str, Any]]] = {
    "general": (
        {"pages": [{"width": 100, "height": 50, "lines": [LINE]}], "text": "사업자등록증"},
        "사업자등록증",
        {"pages": 1, "lines": 1, "text": "사업자등록증"},
    ),
    "business_registration": (
        {
            "subtype": "corporate",
            "fields": [
                {
                    "key": "registration_number",
                    "label": "등록번호",
                    "value": "123-45-67890",
                    "confidence": 0.99,
                    "box": None,
                    "valid": True,
                }
            ],
            "lines": [LINE],
        },
        "등록번호: 123-45-67890",
        {"subtype": "corporate", "registration_number": "123-45-67890"},
    ),
    "credit_card": (
        {
            "fields": [
                {
                    "key": "expiry",
                    "label": "VALID THRU",
                    "value": "09/29",
                    "confidence": 0.9,
                    "box": None,
                    "valid": True,
                }
            ]
        },
        "VALID THRU: 09/29",
        {"expiry": "09/29", "expiry_confidence": 0.9, "card_number": None},
    ),
    "id_card": ({"subtype": "passport", "fields": []}, "", {"subtype": "passport", "sex": None}),
    "vehicle_plate": (
        {
            "plates": [
                {
                    "number": "123가4567",
                    "confidence": 0.95,
                    "box": LINE["box"],
                    "usage": "private",
                    "region": None,
                    "valid": True,
                    "stage": "fast",
                }
            ]
        },
        "123가4567",
        {"number": "123가4567", "usage": "private", "valid": True},
    ),
    "face_detect": (
        {"faces": [FACE, FACE]},
        "10,20,110,140 0.980\n10,20,110,140 0.980",
        {"faces": 2, "boxes": "10,20,110,140; 10,20,110,140"},
    ),
    "face_compare": (
        {
            "source_face": FACE,
            "threshold": 60,
            "matched": [{"face": FACE, "similarity": 88.5}],
            "unmatched": [],
        },
        "matched 88.5",
        {"matched": 1, "unmatched": 0, "best_similarity": 88.5},
    ),
    "face_register": (
        {"group_id": "staff", "faces": [FACE | {"id": FACE_ID}]},
        FACE_ID,
        {"group_id": "staff", "faces": 1},
    ),
    "face_search": (
        {
            "source_face": FACE,
            "matches": [{"face_id": FACE_ID, "external_image_id": "a.jpg", "similarity": 91.0}],
        },
        f"{FACE_ID} 91.0",
        {"matches": 1, "best_face_id": FACE_ID},
    ),
    "face_verify": (
        {
            "face_id": FACE_ID,
            "similarity": 42.0,
            "matched": False,
            "threshold": 60,
            "source_face": FACE,
        },
        f"{FACE_ID} unmatched 42.0",
        {"matched": False, "similarity": 42.0},
    ),
    "face_spoof": (
        {"faces": [FACE | {"liveness": {"real": True, "score": 0.97}}]},
        "real 0.970",
        {"faces": 1, "real": 1},
    ),
}


def test_every_type_of_the_architecture_has_a_contract() -> None:
    assert set(ANALYSES) == set(SAMPLES)
    assert {a.task_name for a in ANALYSES.values()} == {f"run_{name}" for name in ANALYSES}
    assert {name for name, a in ANALYSES.items() if a.queue == "face"} == {
        name for name in ANALYSES if name.startswith("face_")
    }
    personal = {name for name, a in ANALYSES.items() if a.personal_data}
    assert personal == {"id_card", "credit_card"} | {n for n in ANALYSES if n.startswith("face_")}
    assert [name for name, a in ANALYSES.items() if a.pages == Pages.ALL] == ["general"]
    assert [spec.name for spec in ANALYSES["face_compare"].inputs] == ["source", "target"]
    with pytest.raises(InvalidTypeError):
        get_analysis("poem")


@pytest.mark.parametrize("name", list(SAMPLES))
def test_each_result_renders_as_text_and_rows(name: str) -> None:
    payload, text, row = SAMPLES[name]
    analysis = ANALYSES[name]

    assert analysis.render_text(payload) == text
    rows = analysis.render_rows(payload)
    assert rows and rows[0].items() >= row.items()


@pytest.mark.parametrize("name", list(SAMPLES))
def test_options_are_strict_and_share_the_common_ones(name: str) -> None:
    analysis = ANALYSES[name]
    with pytest.raises(InvalidOptionsError):
        analysis.parse_options({"colour": 1})
    required = {
        "face_register": {"group_id": "staff"},
        "face_search": {"group_id": "staff"},
        "face_verify": {"group_id": "staff", "face_id": FACE_ID},
    }.get(name, {})
    parsed = analysis.parse_options({"keep_original": True, **required})
    assert parsed["keep_original"] is True
    assert analysis.keeps_original(parsed)
    assert analysis.keeps_original(analysis.parse_options(required)) is not analysis.personal_data


def test_type_specific_options_are_checked() -> None:
    assert ANALYSES["credit_card"].parse_options({"mask": True})["mask"] is True
    assert ANALYSES["face_detect"].parse_options({})["limit"] == 20
    assert ANALYSES["face_search"].parse_options({"group_id": "g"})["limit"] == 10
    for name, options in [
        ("general", {"mask": True}),
        ("face_detect", {"limit": 0}),
        ("face_compare", {"threshold": 101}),
        ("face_register", {"group_id": "Not Allowed!"}),
        ("face_verify", {"group_id": "g"}),
    ]:
        with pytest.raises(InvalidOptionsError):
            ANALYSES[name].parse_options(options)


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        "[1, 2]",
        '"x"',
        '{"a": "' + "x" * 20_000 + '"}',
        '{"a": ' + "[" * 2000 + "]" * 2000 + "}",
    ],
    ids=["malformed", "array", "string", "too-long", "too-deep"],
)
def test_options_text_that_is_no_object_is_invalid_options(text: str) -> None:
    with pytest.raises(InvalidOptionsError):
        ANALYSES["general"].parse_options_json(text)
