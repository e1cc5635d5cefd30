"""The files of a batch request: many uploaded files, or one zip archive unpacked with care.

A zip is read entry by entry, each capped while it is inflated (a declared size may lie).
What would harm the service fails the whole batch: more files or bytes than the batch limits,
an entry inflating beyond the compression ratio (a zip bomb), an archive that cannot be read.
What is merely wrong with one entry (a path that climbs out or is absolute, a link, an
encrypted entry, an archive inside the archive) refuses that entry alone, as its own refusal.
"""

from __future__ import annotations

import io
import stat
import zipfile
from dataclasses import dataclass

from gateway.submission import Upload
from shared.config import BatchSettings
from shared.errors import (
    BatchTooLargeError,
    BodaError,
    ImageTooLargeError,
    InvalidRequestError,
    UnsafeArchiveError,
    UnsupportedMediaTypeError,
)

ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")


@dataclass(frozen=True)
class Refused:
    filename: str
    error: BodaError


def is_zip(data: bytes) -> bool:
    return data.startswith(ZIP_SIGNATURES)


def batch_files(
    uploads: list[Upload], limits: BatchSettings, max_file_bytes: int
) -> tuple[list[Upload], list[Refused]]:
    """The documents of a batch request and the files refused one by one."""
    if not uploads:
        raise InvalidRequestError("send the documents as 'files' (or one zip archive)")
    if len(uploads) == 1 and is_zip(uploads[0].data):
        return _unpack(uploads[0].data, limits, max_file_bytes)
    _check_count(len(uploads), limits)
    files, refused = [], []
    for upload in uploads:
        if is_zip(upload.data):
            error = UnsupportedMediaTypeError("a zip archive is accepted only as the one file")
            refused.append(Refused(upload.filename, error))
        else:
            files.append(upload)
    return files, refused


def _check_count(count: int, limits: BatchSettings) -> None:
    if count > limits.max_files:
        raise BatchTooLargeError(
            f"{count} files in one batch, more than {limits.max_files}",
            details={"files": count, "limit": limits.max_files},
        )


def _unpack(
    data: bytes, limits: BatchSettings, max_file_bytes: int
) -> tuple[list[Upload], list[Refused]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise UnsafeArchiveError(f"the zip archive cannot be read: {e}") from e
    _check_count(len(entries), limits)
    declared = sum(info.file_size for info in entries)
    if declared > limits.max_uncompressed_bytes:
        raise BatchTooLargeError(
            f"the archive holds {declared} bytes once extracted",
            details={"bytes": declared, "limit": limits.max_uncompressed_bytes},
        )
    files, refused = [], []
    with archive:
        for info in entries:
            problem = _entry_problem(info)
            if problem is not None:
                refused.append(Refused(info.filename, problem))
                continue
            content = _inflate(archive, info, limits, max_file_bytes)
            if isinstance(content, BodaError):
                refused.append(Refused(info.filename, content))
            elif is_zip(content):
                error = UnsupportedMediaTypeError("archives inside the archive are not opened")
                refused.append(Refused(info.filename, error))
            else:
                files.append(Upload(info.filename, content))
    return files, refused


def _entry_problem(info: zipfile.ZipInfo) -> BodaError | None:
    """Why an entry is refused on its own, by its name and flags, before it is read."""
    name = info.filename.replace("\\", "/")
    if name.startswith("/") or ".." in name.split("/") or (len(name) > 1 and name[1] == ":"):
        return InvalidRequestError("the entry's path leaves the archive")
    if stat.S_ISLNK(info.external_attr >> 16):
        return InvalidRequestError("the entry is a link, not a file")
    if info.flag_bits & 0x1:
        return UnsupportedMediaTypeError("the entry is encrypted")
    return None


def _inflate(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: BatchSettings, max_file_bytes: int
) -> bytes | BodaError:
    """The entry's bytes, read no further than its own limits allow."""
    cap = min(max_file_bytes, int(max(info.compress_size, 1) * limits.max_compression_ratio))
    try:
        with archive.open(info) as stream:
            content = stream.read(cap + 1)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as e:
        return UnsupportedMediaTypeError(f"the entry cannot be extracted: {e}")
    if len(content) <= cap:
        return content
    if len(content) > max_file_bytes:
        return ImageTooLargeError(
            "the file is larger than the limit", details={"limit": max_file_bytes}
        )
    raise UnsafeArchiveError(
        f"the entry {info.filename!r} inflates beyond {limits.max_compression_ratio:g} times "
        "its compressed size",
        details={"entry": info.filename, "ratio_limit": limits.max_compression_ratio},
    )
