"""Field-level encryption (AES-256-GCM with a rotating key ring) and HMAC blind indexes.

Ciphertext format: ``kefu1$<key id>$<base64(nonce || ciphertext+tag)>``. The associated data binds a
value to its model field, so a ciphertext copied into another column does not decrypt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

PREFIX = "kefu1"


class DecryptionError(Exception):
    pass


def _ring() -> dict[str, bytes]:
    return settings.KEFU_FIELD_KEYS


def active_key_id() -> str:
    return settings.KEFU_FIELD_ACTIVE_KEY


def encrypt(plaintext: str, *, aad: str) -> str:
    key_id = active_key_id()
    nonce = os.urandom(12)
    ct = AESGCM(_ring()[key_id]).encrypt(nonce, plaintext.encode(), aad.encode())
    return f"{PREFIX}${key_id}${base64.b64encode(nonce + ct).decode()}"


def key_id_of(token: str) -> str | None:
    parts = token.split("$", 2)
    return parts[1] if len(parts) == 3 and parts[0] == PREFIX else None


def decrypt(token: str, *, aad: str) -> str:
    parts = token.split("$", 2)
    if len(parts) != 3 or parts[0] != PREFIX:
        raise DecryptionError("not a kefu ciphertext")
    key = _ring().get(parts[1])
    if key is None:
        raise DecryptionError(f"unknown field key {parts[1]!r}")
    raw = base64.b64decode(parts[2])
    try:
        return AESGCM(key).decrypt(raw[:12], raw[12:], aad.encode()).decode()
    except Exception as exc:  # cryptography raises InvalidTag
        raise DecryptionError("ciphertext does not authenticate") from exc


def normalize_for_index(kind: str, value: str) -> str:
    v = re.sub(r"[\s-]", "", value).upper()
    if kind == "mobile":
        if v.startswith("+86"):
            v = v[3:]
        elif v.startswith("0086"):
            v = v[4:]
    return v


def blind_index(kind: str, value: str) -> str:
    """Deterministic keyed hash for exact-match lookup of an encrypted value (ID, mobile, card)."""
    if not value:
        return ""
    msg = f"{kind}:{normalize_for_index(kind, value)}".encode()
    return hmac.new(settings.KEFU_BLIND_INDEX_KEY, msg, hashlib.sha256).hexdigest()
