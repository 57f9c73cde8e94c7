"""Tokens at rest: Fernet with key rotation (MultiFernet).

TRACKFLOW_ENCRYPTION_KEYS lists Fernet keys: the first encrypts, every one decrypts. A key
derived from SECRET_KEY (HKDF) always decrypts too, and encrypts when no key is configured,
so an install can start without the setting and adopt one later with rotate_encryption_key.
"""

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class UndecryptableToken(Exception):
    """No configured key opens this value (the key was changed without rotation)."""


def derived_key(secret_key: str) -> bytes:
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"trackflow:token-encryption",
        info=b"spotify tokens at rest",
    )
    return base64.urlsafe_b64encode(hkdf.derive(secret_key.encode()))


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    candidates = [key.encode() for key in keys] + [derived_key(secret_key)]
    unique = list(dict.fromkeys(candidates))
    return MultiFernet([Fernet(key) for key in unique])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.TRACKFLOW_ENCRYPTION_KEYS), settings.SECRET_KEY)


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise UndecryptableToken("no configured encryption key opens this token") from None


def rotate(token: str) -> str:
    """The same value encrypted with the first key (raises UndecryptableToken)."""
    try:
        return fernet().rotate(token.encode()).decode()
    except InvalidToken:
        raise UndecryptableToken("no configured encryption key opens this token") from None


def generate_key() -> str:
    return Fernet.generate_key().decode()
