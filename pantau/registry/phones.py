"""Indonesian phone numbers to E.164 (``+628...``)."""

from __future__ import annotations

import re

import phonenumbers


class PhoneError(ValueError):
    pass


def normalise_phone(raw: str, region: str = "ID") -> str:
    """``0812-3456-7890``, ``62 812 3456 7890``, ``+62812...`` → ``+6281234567890``."""
    text = re.sub(r"[\u200e\u200f\u202a-\u202e\u00a0\u202f]", "", raw or "").strip()
    if not text:
        raise PhoneError("nomor telepon kosong")
    digits = re.sub(r"[^\d+]", "", text)
    if digits.startswith("62") and not digits.startswith("+"):
        digits = "+" + digits
    try:
        number = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException as exc:
        raise PhoneError(f"nomor telepon tidak dapat dibaca: {raw!r}") from exc
    if not phonenumbers.is_valid_number(number):
        raise PhoneError(f"nomor telepon tidak valid: {raw!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def try_normalise_phone(raw: str) -> str | None:
    """The E.164 form if ``raw`` looks like a phone number (e.g. a WhatsApp sender), else None."""
    if not re.fullmatch(r"[\s+\d\-().\u200e\u202f\u00a0]{8,25}", raw or ""):
        return None
    try:
        return normalise_phone(raw)
    except PhoneError:
        return None
