"""What each reader sees of a transcript: redacted, unmasked, or unmasked but for payment data.

Card numbers and bank details (PCI DSS) stay masked for every role without a business need to read them,
even where the rest of the personal data is shown, e.g. to the agent who took the call."""

from __future__ import annotations

from app.auth.choices import Permission
from app.auth.models import User
from app.pii import PAYMENT_KINDS, find_pii, label, may_hold_payment_data


def sees_payment_data(user: User) -> bool:
    return user.can(Permission.VIEW_PAYMENT_DATA)


def mask_payment_data(
    text: str, language: str, redacted_text: str | None = None, start: int = 0, end: int | None = None
) -> str:
    """text[start:end] with card numbers and IBANs replaced by their labels (the rest as spoken)."""
    end = len(text) if end is None else end
    if not may_hold_payment_data(redacted_text, language):
        return text[start:end]
    out, cursor = [], start
    for span in find_pii(text, language):
        if span.kind not in PAYMENT_KINDS or span.end <= start or span.start >= end:
            continue
        out += [text[cursor : max(span.start, cursor)], label(span.kind, language)]
        cursor = min(span.end, end)
    return "".join([*out, text[cursor:end]])


def segment_text(user: User, segment, language: str, *, redacted: bool) -> str:
    """The words of one stored segment as this user may read them."""
    if redacted:
        return segment.redacted_text
    if sees_payment_data(user):
        return segment.text
    return mask_payment_data(segment.text, language, segment.redacted_text)


def quote(user: User, segment, language: str, start: int, end: int) -> str:
    """An unredacted quote (evidence) from a segment, payment data masked unless the user needs it."""
    if sees_payment_data(user):
        return segment.text[start:end]
    return mask_payment_data(segment.text, language, segment.redacted_text, start, end)
