"""Masked display of personal data: identity numbers and mobiles."""

from __future__ import annotations


def mask_id_number(value: str) -> str:
    """`310104195803091234` → `3101**********1234`."""
    return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}" if len(value) > 8 else "*" * len(value)


def mask_mobile(value: str) -> str:
    """`13812345678` → `138****5678`."""
    return f"{value[:3]}****{value[-4:]}" if len(value) == 11 else value
