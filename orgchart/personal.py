"""Personal data kept the same way wherever a person is recorded (party members, residents).

`IdNumberMixin` gives a model with the three columns `id_number_encrypted`, `id_number_hash` and
`id_number_masked` its identity-number methods: encrypted at rest, a keyed hash for look-ups, a
masked copy for display. The columns stay on each model (their indexes and constraints differ);
the mixin holds only behaviour, so it changes no table.
"""

from __future__ import annotations

from core.masking import mask_id_number

from . import crypto
from .validators import normalise_id_number


class IdNumberMixin:
    id_number_encrypted: str
    id_number_hash: str | None
    id_number_masked: str

    @property
    def id_number(self) -> str:
        return crypto.decrypt(self.id_number_encrypted) if self.id_number_encrypted else ""

    def set_id_number(self, value: str | None) -> None:
        value = normalise_id_number(value or "")
        if not value:
            self.id_number_encrypted, self.id_number_hash, self.id_number_masked = "", None, ""
            return
        self.id_number_encrypted = crypto.encrypt(value)
        self.id_number_hash = crypto.lookup_hash(value)
        self.id_number_masked = mask_id_number(value)
