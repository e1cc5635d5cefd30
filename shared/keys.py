"""API keys and webhook secrets: generation, hashing and constant-time checks."""

from __future__ import annotations

import hashlib
import hmac
import secrets

KEY_PREFIX = "boda"


def new_api_key() -> tuple[str, str]:
    """A fresh key and its lookup prefix: `boda_<prefix>_<secret>`."""
    prefix = secrets.token_hex(6)
    return f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}", prefix


def key_prefix(key: str) -> str | None:
    """The lookup prefix of a well-formed key, else None."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1]


def key_sha256(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_matches(key: str, stored_sha256: str) -> bool:
    return hmac.compare_digest(key_sha256(key), stored_sha256)


def new_webhook_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)
