import io
from datetime import date, timedelta

import pytest
from django.core.files.storage import storages

from kefu.audit.models import AuditEntry
from kefu.common.errors import Conflict, Forbidden, ValidationFailed
from kefu.contact.models import Recording, RetentionPolicy
from kefu.contact.services.recordings import (
    open_for_playback,
    purge_expired,
    register_recording,
    set_legal_hold,
)

WAV = b"RIFF" + b"\x00" * 40 + b"fake pcm audio"


@pytest.fixture
def people(org_tree, user_factory):
    return {
        "lead": user_factory("lead", roles=["shift_lead"], unit=org_tree["CC"]),
        "director": user_factory("dir", roles=["center_director"], unit=org_tree["CC"]),
        "agent": user_factory("agt", roles=["agent"], unit=org_tree["CC"]),
    }


def test_register_checksum_and_retention(people):
    RetentionPolicy.objects.create(category="complaint", days=5 * 365)
    rec = register_recording(fileobj=io.BytesIO(WAV), name="call-1.wav", actor=people["director"], category="complaint")
    assert len(rec.sha256) == 64 and rec.size_bytes == len(WAV)
    assert rec.retain_until == (rec.recorded_at + timedelta(days=5 * 365)).date()
    with pytest.raises(ValidationFailed) as exc:
        register_recording(fileobj=io.BytesIO(WAV), name="x.wav", actor=None, expected_sha256="0" * 64)
    assert exc.value.code == "contact.recording_checksum"
    with pytest.raises(ValidationFailed):
        register_recording(fileobj=io.BytesIO(b"MZ..."), name="evil.exe", actor=None)


def test_playback_needs_permission_is_audited_and_detects_tampering(people):
    rec = register_recording(fileobj=io.BytesIO(WAV), name="call-2.wav", actor=None)
    with pytest.raises(Forbidden):
        open_for_playback(recording=rec, actor=people["agent"])
    with pytest.raises(Forbidden):
        open_for_playback(recording=rec, actor=people["lead"], download=True)
    fh = open_for_playback(recording=rec, actor=people["lead"])
    assert fh.read() == WAV
    fh.close()
    assert AuditEntry.objects.filter(action="contact.recording_played", object_id=str(rec.pk), kind="read").count() == 1
    storage = storages["recordings"]
    storage.delete(rec.storage_name)
    storage.save(rec.storage_name, io.BytesIO(WAV + b"edited"))
    with pytest.raises(Conflict) as exc:
        open_for_playback(recording=rec, actor=people["lead"])
    assert exc.value.code == "contact.recording_tampered"


def test_purge_respects_legal_hold(people):
    old = register_recording(fileobj=io.BytesIO(WAV), name="old.wav", actor=None)
    held = register_recording(fileobj=io.BytesIO(WAV + b"2"), name="held.wav", actor=None)
    Recording.objects.filter(pk__in=[old.pk, held.pk]).update(retain_until=date(2020, 1, 1))
    set_legal_hold(recording=held, hold=True, reason="诉讼证据保全", actor=people["director"])
    assert purge_expired() == 1
    old.refresh_from_db()
    held.refresh_from_db()
    assert old.purged_at is not None and not storages["recordings"].exists(old.storage_name)
    assert held.purged_at is None and storages["recordings"].exists(held.storage_name)
    with pytest.raises(Conflict):
        open_for_playback(recording=old, actor=people["lead"])
