"""Government verification of a document, by a client the operator plugs in.

Korean agencies answer whether a document is genuine (the National Tax Service's business
status lookup, the resident card and driver's licence authenticity services) only to
registered callers, so Boda ships no client and never claims a document genuine: without one,
the `government_verification` check is reported as not performed (`passed: null`).
`BODA_DOCUMENTS__VERIFIER=package.module:factory` names a callable that takes no argument and
returns a `DocumentVerifier`; its answer, or its failure, is reported as that check.
"""

from __future__ import annotations

from typing import Protocol

from shared.analyses.documents import Check
from workers.pipelines import imported

CHECK = "government_verification"


class DocumentVerifier(Protocol):
    """Asks the issuing agency about one document's fields (unmasked values by key)."""

    name: str

    def verify(
        self, document_type: str, subtype: str | None, fields: dict[str, str]
    ) -> tuple[bool, str]:
        """(genuine or not, the agency's own words)."""
        ...


def load_verifier(path: str | None) -> DocumentVerifier | None:
    """The verifier the factory at `module:attribute` builds, or None when none is named."""
    if path is None:
        return None
    verifier: DocumentVerifier = imported(path, "document verifier")()
    return verifier


def verification(
    verifier: DocumentVerifier | None,
    document_type: str,
    subtype: str | None,
    fields: dict[str, str],
) -> Check:
    """The `government_verification` check: the verifier's answer, or not performed."""
    if verifier is None:
        return Check(name=CHECK, passed=None, detail="not performed: no verifier is configured")
    try:
        passed, detail = verifier.verify(document_type, subtype, fields)
    except Exception as e:  # a remote service's failure must not fail the job
        return Check(name=CHECK, passed=None, detail=f"not performed: {verifier.name} failed "
                      f"({type(e).__name__})")  # fmt: skip
    return Check(name=CHECK, passed=passed, detail=f"{verifier.name}: {detail}")
