"""The analysis types a job can ask for: one contract per type, one module per type.

Adding a type: a module here with its options and result models and its `Analysis`, an entry
in `ANALYSES`, and its pipeline in `workers/pipelines/<type>/` named by the contract.
"""

from __future__ import annotations

from typing import Any

from shared.analyses.business_registration import BUSINESS_REGISTRATION
from shared.analyses.contract import Analysis, Pages
from shared.analyses.credit_card import CREDIT_CARD
from shared.analyses.face_compare import FACE_COMPARE
from shared.analyses.face_detect import FACE_DETECT
from shared.analyses.face_register import FACE_REGISTER
from shared.analyses.face_search import FACE_SEARCH
from shared.analyses.face_spoof import FACE_SPOOF
from shared.analyses.face_verify import FACE_VERIFY
from shared.analyses.general import GENERAL
from shared.analyses.id_card import ID_CARD
from shared.analyses.vehicle_plate import VEHICLE_PLATE
from shared.errors import InvalidTypeError

__all__ = ["ANALYSES", "Analysis", "Pages", "get_analysis"]

ANALYSES: dict[str, Analysis[Any]] = {
    analysis.name: analysis
    for analysis in (
        GENERAL,
        BUSINESS_REGISTRATION,
        CREDIT_CARD,
        ID_CARD,
        VEHICLE_PLATE,
        FACE_DETECT,
        FACE_COMPARE,
        FACE_REGISTER,
        FACE_SEARCH,
        FACE_VERIFY,
        FACE_SPOOF,
    )
}


def get_analysis(name: str) -> Analysis[Any]:
    """The contract of a type; `InvalidTypeError` for a name no contract has."""
    analysis = ANALYSES.get(name)
    if analysis is None:
        raise InvalidTypeError(
            f"unknown analysis type {name!r}", details={"allowed": sorted(ANALYSES)}
        )
    return analysis
