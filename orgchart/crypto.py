"""Encryption and keyed hashing of identity numbers.

Keys derive from FIELD_ENCRYPTION_KEY (settings, from the environment) so one secret feeds
both the cipher and the look-up hash, each under its own label.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _derive(label: bytes) -> bytes:
    secret = settings.FIELD_ENCRYPTION_KEY
    if not secret:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must be set.")
    return hmac.new(secret.encode(), label, hashlib.sha256).digest()


@lru_cache(maxsize=4)
def _fernet(secret: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(b"portal.id-number.encrypt")))


def encrypt(value: str) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured("Cannot decrypt: FIELD_ENCRYPTION_KEY differs from the one used.") from exc


def lookup_hash(value: str) -> str:
    """A keyed hash to find a member by identity number without decrypting every row."""
    return hmac.new(_derive(b"portal.id-number.lookup"), value.upper().encode(), hashlib.sha256).hexdigest()
