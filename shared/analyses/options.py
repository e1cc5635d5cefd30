"""Job options shared by several types (the API's options table); each type's own options
model lives with its contract. Validated strictly: a misspelt option is an error, not a no-op."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

GROUP_ID_PATTERN = r"^[a-z0-9-]{1,255}$"


class JobOptions(BaseModel):
    """Options every type accepts."""

    model_config = ConfigDict(extra="forbid")

    keep_original: bool = Field(
        False,
        description="keep the original after the job ends (the originals of id_card, "
        "credit_card and face_* jobs are deleted when the job ends otherwise)",
    )


class DocumentOptions(JobOptions):
    """Options of the document types (business registration, credit card, ID card)."""

    mask: bool = Field(
        False,
        description="mask resident numbers' last 6 digits, card numbers' middle digits, "
        "personal_number and the MRZ's number fields in everything stored and served",
    )


class FaceOptions(JobOptions):
    """Options of the face types that find faces in an image."""

    spoof: bool = Field(False, description="also run liveness per face (needs a spoof model)")


Threshold = Annotated[
    float | None, Field(ge=0, le=100, description="similarity 0–100; default: the pack's own")
]
GroupId = Annotated[str, Field(pattern=GROUP_ID_PATTERN, description="a face group id")]
