"""Where kefu's secrets come from: the environment first, else a generated git-ignored file under var/.

Environment variables:
- ``KEFU_SECRET_KEY``: Django's secret key.
- ``KEFU_FIELD_KEYS``: the field-encryption key ring, ``id1:base64key,id2:base64key``; the first is active.
- ``KEFU_BLIND_INDEX_KEY``: base64 HMAC key for blind indexes (never rotated without re-indexing).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Secrets:
    secret_key: str
    field_keys: dict[str, bytes]
    active_field_key: str
    blind_index_key: bytes
    generated: bool


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def parse_key_ring(text: str) -> tuple[dict[str, bytes], str]:
    ring: dict[str, bytes] = {}
    active = ""
    for part in text.split(","):
        key_id, _, value = part.strip().partition(":")
        raw = base64.b64decode(value)
        if len(raw) != 32:
            raise ValueError(f"field key {key_id!r} must be 32 bytes (AES-256)")
        ring[key_id] = raw
        active = active or key_id
    return ring, active


def secrets_file(var_dir: Path) -> Path:
    return var_dir / "secrets.json"


def write_secrets_file(path: Path, data: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2))
    os.chmod(tmp, 0o600)
    tmp.replace(path)


def load_secrets(var_dir: Path, *, allow_generate: bool) -> Secrets:
    path = secrets_file(var_dir)
    data: dict = {}
    generated = False
    if path.exists():
        data = json.loads(path.read_text())
        generated = True
    elif allow_generate and not os.environ.get("KEFU_SECRET_KEY"):
        key_id = "k1"
        data = {
            "secret_key": secrets.token_urlsafe(50),
            "field_keys": f"{key_id}:{_b64(secrets.token_bytes(32))}",
            "blind_index_key": _b64(secrets.token_bytes(32)),
        }
        write_secrets_file(path, data)
        generated = True

    secret_key = os.environ.get("KEFU_SECRET_KEY") or data.get("secret_key", "")
    ring_text = os.environ.get("KEFU_FIELD_KEYS") or data.get("field_keys", "")
    blind = os.environ.get("KEFU_BLIND_INDEX_KEY") or data.get("blind_index_key", "")
    if not (secret_key and ring_text and blind):
        # Production refuses to start later (kefu.ops.checks); keep import-time failures readable.
        return Secrets("", {}, "", b"", generated)
    ring, active = parse_key_ring(ring_text)
    using_env = bool(os.environ.get("KEFU_SECRET_KEY") and os.environ.get("KEFU_FIELD_KEYS"))
    return Secrets(secret_key, ring, active, base64.b64decode(blind), generated and not using_env)
