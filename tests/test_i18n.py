"""Translations: every source string is translated into French (and English), placeholders survive
translation, the committed .mo files match the .po files, and pages speak the user's language."""

from __future__ import annotations

import io
import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from app.auth.services import set_locale
from app.extensions import db
from tests.conftest import csrf_token, login

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "app" / "translations"
LOCALES = ("fr", "en")
# The same keywords as scripts/i18n.sh passes to pybabel (-k _l -k lazy_gettext).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[#0 +-]*(?:\d+|\*)?(?:\.\d+)?([diouxXeEfFgGcrsa%])")
FIX = (
    "run scripts/i18n.sh all, translate the new entries in app/translations/fr/LC_MESSAGES/messages.po, "
    "then scripts/i18n.sh compile"
)


@cache
def source_messages() -> dict[str, list[str]]:
    """msgid -> where it is used, extracted from the current source exactly as babel.cfg says."""
    with open(ROOT / "babel.cfg") as fh:
        method_map, options_map = parse_mapping_cfg(fh, str(ROOT / "babel.cfg"))
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, []).append(f"{filename}:{lineno}")
    return found


@cache
def catalog(locale: str) -> Catalog:
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh, locale=locale)


def _forms(value) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def _placeholders(text: str) -> set[tuple[str, str]]:
    """The %-placeholders of a string: named ones by name, positional ones by position."""
    found, position = set(), 0
    for name, conversion in PLACEHOLDER.findall(text):
        if conversion == "%":
            continue
        if not name:
            name, position = f"#{position}", position + 1
        found.add((name, "d" if conversion in "diu" else conversion))
    return found


class _AnyValue(dict):
    def __missing__(self, key):
        return 1


def _formats(text: str, python_format: bool) -> bool:
    """Flask-Babel %-formats a string given values: a lone '%' (not '%%') would break the page."""
    if not python_format:
        return True
    try:
        text % _AnyValue()
    except (ValueError, TypeError, KeyError):
        return False
    return True


def test_extraction_finds_the_strings_of_templates_and_python():
    messages = source_messages()
    assert "Sign in" in messages  # app/templates/auth/login.html and app/auth/forms.py
    assert "The file is empty." in messages  # app/calls/messages.py
    assert any(where.startswith("app/templates/") for where in messages["Sign in"])


@pytest.mark.parametrize("locale", LOCALES)
def test_every_source_string_is_in_the_catalog(locale):
    missing = {msgid: where for msgid, where in source_messages().items() if catalog(locale).get(msgid) is None}
    assert not missing, f"{len(missing)} string(s) missing from the {locale} catalog ({FIX}):\n" + "\n".join(
        f"  {msgid!r} at {', '.join(where)}" for msgid, where in sorted(missing.items())
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_every_catalog_entry_is_translated_and_not_fuzzy(locale):
    problems = [
        f"  {message.id!r}: " + ("fuzzy" if message.fuzzy else "empty translation")
        for message in catalog(locale)
        if message.id and (message.fuzzy or not all(_forms(message.string)))
    ]
    assert not problems, f"untranslated entries in {locale} ({FIX}):\n" + "\n".join(problems)


def test_french_catalog_is_actually_french():
    """A copied English string is the usual way a translation is forgotten; only a few words read the same."""
    same_in_both = {
        "Date",
        "Mono",
        "E-commerce",
        "Transcription",
        "Silences",
        "Source (YAML)",
        "Versions",
        "%(n)s s",
        "Webhooks",
        "PDF",
        "Administration",
    }
    untouched = [
        m.id
        for m in catalog("fr")
        if m.id and not isinstance(m.id, tuple) and m.string == m.id and m.id not in same_in_both
    ]
    assert not untouched, f"French entries left in English: {untouched}"


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_keep_the_placeholders_of_the_source(locale):
    problems = []
    for message in catalog(locale):
        if not message.id:
            continue
        expected = set().union(*(_placeholders(form) for form in _forms(message.id)))
        for form in _forms(message.string):
            if _placeholders(form) != expected or not _formats(form, message.python_format):
                problems.append(f"  {message.id!r} -> {form!r}")
    assert not problems, f"placeholders differ in {locale}:\n" + "\n".join(problems)


@pytest.mark.parametrize("locale", LOCALES)
def test_committed_mo_file_is_compiled_from_the_current_po_file(locale):
    fresh = io.BytesIO()
    write_mo(fresh, catalog(locale))
    fresh.seek(0)
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.mo", "rb") as fh:
        committed = read_mo(fh)

    def as_dict(cat: Catalog) -> dict:
        return {_forms(m.id): _forms(m.string) for m in cat}

    assert as_dict(committed) == as_dict(read_mo(fresh)), f"{locale} messages.mo is stale: run scripts/i18n.sh compile"


def test_login_page_follows_the_browser_language(client):
    french = client.get("/login", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}).get_data(as_text=True)
    english = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="fr">' in french and "Se connecter" in french and "Mot de passe" in french
    assert "Sign in" not in french
    assert '<html lang="en">' in english and "Sign in" in english


@pytest.mark.parametrize(
    ("saved", "browser", "expected"),
    [
        ("en", "fr-FR,fr;q=0.9", "Sign out"),
        ("fr", "en-US,en;q=0.9", "Se déconnecter"),
    ],
)
def test_a_signed_in_users_saved_language_wins_over_the_browsers(client, make, saved, browser, expected):
    user = make.user("qa_manager")
    set_locale(db.session, user, saved)
    db.session.commit()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = browser
    assert login(client, user).status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert f'<html lang="{saved}">' in page and expected in page


def test_switching_language_is_saved_on_the_account(client, make):
    user = make.user("trainer")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(client, user)
    client.post("/language", data={"locale": "fr", "next": "/", "csrf_token": csrf_token(client, "/")})
    db.session.refresh(user)
    assert user.locale == "fr"
    assert "Tableau de bord" in client.get("/").get_data(as_text=True)
