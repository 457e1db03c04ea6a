from __future__ import annotations

import base64
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, models
from django.test.utils import isolate_apps

from kefu.pii import crypto
from kefu.pii.crypto import DecryptionError, blind_index, decrypt, encrypt, key_id_of
from kefu.pii.fields import EncryptedTextField

K1 = b"\x11" * 32
K2 = b"\x22" * 32


@pytest.fixture
def ring(settings):
    settings.KEFU_FIELD_KEYS = {"k1": K1}
    settings.KEFU_FIELD_ACTIVE_KEY = "k1"
    return settings


def test_roundtrip_and_binding_to_the_field(ring):
    token = encrypt("110101199003071234", aad="customers.customer.id_number")
    assert token.startswith("kefu1$k1$") and "1101011990" not in token
    assert decrypt(token, aad="customers.customer.id_number") == "110101199003071234"
    with pytest.raises(DecryptionError):
        decrypt(token, aad="customers.customer.mobile")  # copied into another column: refused
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(DecryptionError):
        decrypt(tampered, aad="customers.customer.id_number")
    assert encrypt("x", aad="a") != encrypt("x", aad="a")  # random nonce


def test_blind_index_is_deterministic_and_normalized(settings):
    settings.KEFU_BLIND_INDEX_KEY = b"\x33" * 32
    assert blind_index("mobile", "138 1234 5678") == blind_index("mobile", "+8613812345678")
    assert blind_index("mobile", "13812345678") != blind_index("card", "13812345678")
    assert blind_index("id", "11010519491231002x") == blind_index("id", "11010519491231002X")
    assert blind_index("id", "") == ""


@pytest.fixture
def secret_model(transactional_db):
    with isolate_apps("kefu.pii"):
        class SecretNote(models.Model):  # noqa: DJ008
            body = EncryptedTextField(blank=True)

            class Meta:
                app_label = "pii"
                db_table = "pii_test_secretnote"

    with connection.schema_editor() as editor:
        editor.create_model(SecretNote)
    yield SecretNote
    with connection.schema_editor() as editor:
        editor.delete_model(SecretNote)


def _raw(model) -> list[str]:
    with connection.cursor() as cur:
        cur.execute(f"SELECT body FROM {model._meta.db_table} ORDER BY id")  # noqa: S608
        return [r[0] for r in cur.fetchall()]


def test_key_rotation_reencrypts_and_old_ciphertext_still_decrypts(ring, secret_model, monkeypatch):
    from kefu.pii import services

    monkeypatch.setattr(services, "encrypted_models", lambda: [(secret_model, ["body"])])
    a = secret_model.objects.create(body="客户张三 13812345678")
    secret_model.objects.create(body="")
    assert key_id_of(_raw(secret_model)[0]) == "k1"

    ring.KEFU_FIELD_KEYS = {"k2": K2, "k1": K1}
    ring.KEFU_FIELD_ACTIVE_KEY = "k2"
    assert secret_model.objects.get(pk=a.pk).body == "客户张三 13812345678"  # old key still reads
    counts = services.reencrypt_all()
    assert counts == {"pii.SecretNote": 1}
    assert key_id_of(_raw(secret_model)[0]) == "k2" and _raw(secret_model)[1] == ""
    assert services.reencrypt_all() == {"pii.SecretNote": 0}  # idempotent

    ring.KEFU_FIELD_KEYS = {"k2": K2}  # the old key can now be retired
    assert secret_model.objects.get(pk=a.pk).body == "客户张三 13812345678"


def test_rotate_command_adds_a_key_to_the_file_ring(ring, secret_model, monkeypatch, tmp_path):
    from kefu.pii import services

    monkeypatch.setattr(services, "encrypted_models", lambda: [(secret_model, ["body"])])
    (tmp_path / "secrets.json").write_text(json.dumps({
        "secret_key": "x" * 50, "field_keys": "k1:" + base64.b64encode(K1).decode(),
        "blind_index_key": base64.b64encode(b"\x33" * 32).decode()}))
    ring.VAR_DIR = tmp_path
    row = secret_model.objects.create(body="6222021234567894")
    out = StringIO()
    call_command("rotate_field_keys", "--new-key", stdout=out)
    assert "new active key k2" in out.getvalue()
    data = json.loads((tmp_path / "secrets.json").read_text())
    assert data["field_keys"].startswith("k2:") and ",k1:" in data["field_keys"]
    assert crypto.active_key_id() == "k2"
    assert key_id_of(_raw(secret_model)[0]) == "k2"
    assert secret_model.objects.get(pk=row.pk).body == "6222021234567894"
