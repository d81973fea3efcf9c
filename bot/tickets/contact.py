"""How the person wants to be contacted, validated (phone numbers with phonenumbers, e-mail syntax)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from bot.tickets.vocab import ContactChannel


class InvalidContactError(ValueError):
    """The phone number or e-mail address is not valid."""


@dataclass(frozen=True)
class Contact:
    """A validated contact: `value` is E.164 for phone, the address for e-mail, None for this chat."""

    channel: ContactChannel
    value: str | None = None


# local part and domain as mail servers accept them in practice (not the full RFC 5322 grammar)
_ATOM = r"[A-Za-z0-9\u00a0-\uffff!#$%&'*+/=?^_`{|}~-]+"  # non-ASCII: internationalised addresses
_LOCAL = rf"{_ATOM}(?:\.{_ATOM})*"
_LABEL = r"[A-Za-z0-9\u00a0-\uffff](?:[A-Za-z0-9\u00a0-\uffff-]{0,61}[A-Za-z0-9\u00a0-\uffff])?"
_EMAIL = re.compile(rf"^{_LOCAL}@(?:{_LABEL}\.)+[A-Za-z\u00a0-\uffff]{{2,63}}$")


def normalise_phone(text: str, default_region: str = "DE") -> str:
    """The phone number in E.164 form (`+4952112345`); raises InvalidContactError when it is not valid."""
    try:
        number = phonenumbers.parse(text.strip(), default_region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidContactError(f"not a phone number: {exc}") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidContactError("not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(text: str) -> str:
    """The e-mail address with surrounding space removed; raises InvalidContactError when its syntax is wrong."""
    address = text.strip()
    if len(address) > 320 or not _EMAIL.match(address):
        raise InvalidContactError("not a valid e-mail address")
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}"


def make_contact(channel: ContactChannel | str, value: str | None = None, default_region: str = "DE") -> Contact:
    """Validate and normalise what the person gave for the channel."""
    channel = ContactChannel(channel)
    if channel is ContactChannel.CHAT:
        return Contact(channel)
    if not value or not value.strip():
        raise InvalidContactError(f"a {channel.value} contact needs a value")
    if channel is ContactChannel.PHONE:
        return Contact(channel, normalise_phone(value, default_region))
    return Contact(channel, normalise_email(value))


def format_contact(channel: str, value: str | None) -> str:
    """The contact as a case manager reads it (phone numbers in international format)."""
    kind = ContactChannel(channel)
    if kind is ContactChannel.CHAT or not value:
        return kind.label
    if kind is ContactChannel.PHONE:
        try:
            number = phonenumbers.parse(value, "DE")
            value = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        except phonenumbers.NumberParseException:
            pass
    return f"{kind.label}: {value}"
