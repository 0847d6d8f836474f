"""The password policy: one set of limits for every place a password is chosen or typed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

MIN_PASSWORD_LENGTH = 10
# Long enough for any passphrase or manager-generated password; the sign-in form accepts exactly as much.
MAX_PASSWORD_LENGTH = 128
# zxcvbn score 0-4: 3 is "safely unguessable" against an offline attack on a slow hash.
MIN_STRENGTH = 3
STRENGTH_CHECKED_CHARS = 64


def password_problem(password: str, *, email: str = "", name: str = ""):
    """Why this password is refused (a translatable message), or None when it is acceptable."""
    from zxcvbn import zxcvbn

    if len(password) < MIN_PASSWORD_LENGTH:
        return _l("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _l("The password can have at most %(n)d characters.", n=MAX_PASSWORD_LENGTH)
    lowered, email = password.strip().lower(), email.strip().lower()
    local = email.split("@", 1)[0]
    if email and (lowered == email or (len(local) >= 4 and local in lowered and len(lowered) - len(local) < 6)):
        return _l("The password must not be your e-mail address.")
    inputs = [w for w in (email, local, *name.lower().split()) if w]
    # zxcvbn's cost grows fast with length; a strong start makes a strong password.
    if zxcvbn(password[:STRENGTH_CHECKED_CHARS], user_inputs=inputs)["score"] < MIN_STRENGTH:
        return _l("This password is too easy to guess: use a longer passphrase of unrelated words.")
    return None
