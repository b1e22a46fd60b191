"""The encryption key is what protects ID numbers: a different key cannot read them."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from orgchart import crypto


def test_ciphertext_differs_each_time_but_hash_is_stable(settings):
    a, b = crypto.encrypt("310104195803091234"), crypto.encrypt("310104195803091234")
    assert a != b
    assert crypto.decrypt(a) == crypto.decrypt(b) == "310104195803091234"
    assert crypto.lookup_hash("310104195803091234") == crypto.lookup_hash("310104195803091234")


def test_another_key_cannot_decrypt_and_hashes_differently(settings):
    token = crypto.encrypt("310104195803091234")
    digest = crypto.lookup_hash("310104195803091234")
    settings.FIELD_ENCRYPTION_KEY = "another-key"
    with pytest.raises(ImproperlyConfigured):
        crypto.decrypt(token)
    assert crypto.lookup_hash("310104195803091234") != digest
