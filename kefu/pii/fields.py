"""Model fields for PII: ``EncryptedTextField`` stores AES-GCM ciphertext and gives back plaintext."""

from __future__ import annotations

from typing import Any

from django.db import models

from .crypto import PREFIX, decrypt, encrypt


class EncryptedTextField(models.TextField):
    """Encrypted at rest; never filter on it (use a blind index column for exact lookup)."""

    description = "Text encrypted with the kefu field key ring"

    def contribute_to_class(self, cls: type[models.Model], name: str, *args: Any, **kwargs: Any) -> None:
        super().contribute_to_class(cls, name, *args, **kwargs)
        self._aad = f"{cls._meta.app_label}.{cls.__name__}.{name}".lower()

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        if isinstance(value, str) and value.startswith(PREFIX + "$"):
            return value
        return encrypt(str(value), aad=self._aad)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return decrypt(value, aad=self._aad)


def encrypted_models() -> list[tuple[type[models.Model], list[str]]]:
    from django.apps import apps

    out = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            out.append((model, names))
    return out
