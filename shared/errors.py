"""Domain errors with stable machine codes.

Only the gateway maps them to HTTP statuses; workers record the code on the failed job.
"""

from __future__ import annotations

from typing import Any


class BodaError(Exception):
    """Base of every error the service reports to a client with a stable code."""

    code = "internal_error"

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class InvalidRequestError(BodaError):
    """Malformed multipart or JSON."""

    code = "invalid_request"


class InvalidTypeError(BodaError):
    """Unknown analysis type."""

    code = "invalid_type"


class InvalidOptionsError(BodaError):
    """Options that do not validate for the analysis type."""

    code = "invalid_options"


class UnauthorizedError(BodaError):
    code = "unauthorized"


class NotFoundError(BodaError):
    code = "not_found"


class JobNotFinishedError(BodaError):
    code = "job_not_finished"


class ConflictError(BodaError):
    """A request that contradicts the state of a resource (the code says which)."""

    code = "conflict"

    def __init__(self, code: str, message: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.code = code


class ImageTooLargeError(BodaError):
    code = "image_too_large"


class UnsupportedMediaTypeError(BodaError):
    code = "unsupported_media_type"


class ImageTooSmallError(BodaError):
    code = "image_too_small"


class ImageDimensionsTooLargeError(BodaError):
    code = "image_dimensions_too_large"


class AspectRatioOutOfRangeError(BodaError):
    code = "aspect_ratio_out_of_range"


class PdfEncryptedError(BodaError):
    code = "pdf_encrypted"


class PdfTooManyPagesError(BodaError):
    code = "pdf_too_many_pages"


class CorruptImageError(BodaError):
    code = "corrupt_image"


class UrlNotAllowedError(BodaError):
    code = "url_not_allowed"


class UrlFetchFailedError(BodaError):
    code = "url_fetch_failed"


class BatchTooLargeError(BodaError):
    """More files or bytes in one batch than its limits allow."""

    code = "batch_too_large"


class UnsafeArchiveError(BodaError):
    """A zip archive that cannot be read, or one that inflates like a zip bomb."""

    code = "unsafe_archive"


class ModelUnavailableError(BodaError):
    code = "model_unavailable"


class ServiceUnavailableError(BodaError):
    """The service cannot answer now (a part is down, or a synchronous answer is not ready):
    try again after `Retry-After`."""

    code = "service_unavailable"


class NoFaceDetectedError(BodaError):
    """A face type that needs a face (all but `face_detect`) found none."""

    code = "no_face_detected"
