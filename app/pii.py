"""Personal data in French and English text: found, labelled and replaced (pure, no Flask or DB). Transcripts
and their audio are redacted with it in app.transcription.redaction; readers' views of them in app.privacy.

What is found, in this order (earlier kinds win where spans overlap):

- ``email``: written addresses and spoken ones ("jean point dupont arobase gmail point com",
  "john dot doe at gmail dot com"), which must end in a known top-level domain;
- ``iban``: two letters, two check digits and up to 30 letters/digits (spaces allowed), mod-97 checked;
- runs of digits and number words ("06 12 34 56 78", "zéro six douze trente-quatre", "four five six",
  "double five", "soixante-dix-sept", "+33 6 ..."), separated by spaces, dashes, dots, commas or brackets,
  then classified on their digit string:
  ``ssn`` (French NIR: 13 digits + key = 97 - n mod 97, Corsica 2A/2B counted as 19/18),
  ``card`` (13-19 digits passing Luhn), ``phone`` (French 0X XX XX XX XX, +33/0033, North-American
  10/11 digits, any "+" number of 8-15 digits), else ``number``.

Decision on long digit runs: a run that fails every check (an invalid-Luhn 16-digit number, say) is
still redacted, as ``number`` and never as ``card``: account and reference numbers are personal data too.
A run is a ``number`` when it has at least ``min_digits`` digits (default 4) spread over two or more
chunks ("12 34", "quatre cinq six sept"), or a single written group of 6 digits or more. Left alone:
a single group under 6 digits (years, "1250"), dates (12/03/2024, 12.03.2024, 2024-03-12), times
(14h30, 14:30), decimals (49,99) and amounts or quantities (a run followed by a currency or unit word,
or preceded by a currency sign).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

LABELS = {
    "fr": {
        "card": "[CARTE]",
        "iban": "[IBAN]",
        "phone": "[TÉLÉPHONE]",
        "email": "[E-MAIL]",
        "ssn": "[N° SÉCU]",
        "number": "[NUMÉRO]",
    },
    "en": {
        "card": "[CARD]",
        "iban": "[IBAN]",
        "phone": "[PHONE]",
        "email": "[EMAIL]",
        "ssn": "[SSN]",
        "number": "[NUMBER]",
    },
}


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    kind: str


def label(kind: str, language: str) -> str:
    """The placeholder that replaces a span of this kind in this language."""
    return LABELS["fr" if language.lower().startswith("fr") else "en"][kind]


# Card numbers and bank details (PCI DSS): masked even for readers who may see the rest as spoken.
PAYMENT_KINDS = frozenset({"card", "iban"})


def may_hold_payment_data(redacted_text: str | None, language: str) -> bool:
    """Whether a segment can hold payment data: redaction found every span once, and where it placed no card or
    IBAN label there is none (unknown without its redacted text)."""
    return redacted_text is None or any(label(kind, language) in redacted_text for kind in PAYMENT_KINDS)


# --- checksums -------------------------------------------------------------------------------------


def luhn_valid(digits: str) -> bool:
    """Luhn checksum of a digit string (payment cards)."""
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def iban_valid(iban: str) -> bool:
    """ISO 13616 mod-97 check of a compact IBAN."""
    iban = iban.upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", iban):
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def nir_valid(nir: str) -> bool:
    """French social security number: 13 characters (2A/2B for Corsica) + a 2-digit key."""
    nir = nir.upper()
    if not re.fullmatch(r"[12378]\d{4}(?:\d{2}|2A|2B)\d{6}\d{2}", nir):
        return False
    body = nir[:13].replace("2A", "19").replace("2B", "18")
    return 97 - int(body) % 97 == int(nir[13:])


# --- e-mails and IBANs -----------------------------------------------------------------------------

_TLD = r"(?:com|fr|net|org|eu|io|be|ch|ca|uk|co|de|info|biz|gouv|edu|gov|us|me|tv)"
_EMAIL_WRITTEN = re.compile(r"[\w.+-]+\s?@\s?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b", re.IGNORECASE)
_SPOKEN_SEP = {
    "fr": r"(?:point|tiret(?:\s+bas)?|underscore|moins)",
    "en": r"(?:dot|dash|hyphen|underscore)",
}
_SPOKEN_AT = {"fr": r"(?:arobase|arrobase|arobas|at|@)", "en": r"(?:at|@)"}
_SPOKEN_DOT = {"fr": r"(?:point|\.)", "en": r"(?:dot|\.)"}
_IBAN_CANDIDATE = re.compile(r"\b[A-Za-z]{2}\d{2}(?:[ -]?[A-Za-z0-9]){11,34}")
_IBAN_LENGTHS = {"FR": 27, "MC": 27, "IT": 27, "DE": 22, "GB": 22, "IE": 22, "BE": 16, "ES": 24, "CH": 21}
_IBAN_LENGTHS |= {"LU": 20, "NL": 18, "PT": 25, "AT": 20, "PL": 28, "SE": 24, "DK": 18, "GR": 27}


def _spoken_email(language: str) -> re.Pattern[str]:
    lang = "fr" if language.startswith("fr") else "en"
    word = r"[^\W_][\w.]*"
    sep, at, dot = _SPOKEN_SEP[lang], _SPOKEN_AT[lang], _SPOKEN_DOT[lang]
    return re.compile(
        rf"\b{word}(?:\s+{sep}\s+{word})*\s+{at}\s+{word}(?:\s*{dot}\s*{word})*?\s*{dot}\s*{_TLD}\b",
        re.IGNORECASE,
    )


def _emails(text: str, language: str) -> list[Span]:
    spans = [Span(m.start(), m.end(), "email") for m in _EMAIL_WRITTEN.finditer(text)]
    spans += [Span(m.start(), m.end(), "email") for m in _spoken_email(language).finditer(text)]
    return spans


def _ibans(text: str) -> list[Span]:
    spans = []
    for m in _IBAN_CANDIDATE.finditer(text):
        positions = [m.start() + i for i, c in enumerate(m.group()) if c.isalnum()]
        compact = "".join(text[p] for p in positions).upper()
        lengths = [_IBAN_LENGTHS[compact[:2]]] if compact[:2] in _IBAN_LENGTHS else range(len(compact), 14, -1)
        for n in lengths:
            if n <= len(compact) and iban_valid(compact[:n]):
                spans.append(Span(m.start(), positions[n - 1] + 1, "iban"))
                break
    return spans


# --- digits and number words -----------------------------------------------------------------------

_UNITS_FR = {"zéro": 0, "zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5}
_UNITS_FR |= {"six": 6, "sept": 7, "huit": 8, "neuf": 9}
_TEENS_FR = {"dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16}
_TENS_FR = {"vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60}
_TENS_FR |= {"septante": 70, "huitante": 80, "octante": 80, "nonante": 90}
_UNITS_EN = {"zero": 0, "oh": 0, "o": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_UNITS_EN |= {"six": 6, "seven": 7, "eight": 8, "nine": 9}
_TEENS_EN = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15}
_TEENS_EN |= {"sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS_EN = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70}
_TENS_EN |= {"eighty": 80, "ninety": 90}

_VOCAB: dict[str, dict[str, tuple[str, int]]] = {"fr": {}, "en": {}}
for _lang, _groups in (("fr", (_UNITS_FR, _TEENS_FR, _TENS_FR)), ("en", (_UNITS_EN, _TEENS_EN, _TENS_EN))):
    for _kind, _words in zip(("unit", "teen", "tens"), _groups, strict=True):
        _VOCAB[_lang] |= {w: (_kind, v) for w, v in _words.items()}
_VOCAB["fr"] |= {"cent": ("hundred", 100), "cents": ("hundred", 100), "mille": ("thousand", 1000)}
_VOCAB["fr"] |= {"double": ("repeat", 2), "triple": ("repeat", 3), "et": ("and", 0)}
_VOCAB["en"] |= {"hundred": ("hundred", 100), "thousand": ("thousand", 1000), "and": ("and", 0)}
_VOCAB["en"] |= {"double": ("repeat", 2), "triple": ("repeat", 3)}

_TOKEN = re.compile(r"\d+,\d+|2[AaBb](?![\w])|\d+|[^\W\d_]+(?:['’-][^\W\d_]+)*|\S")
_SEPARATORS = {"-", ".", ",", "(", ")", "–"}
_AFTER_UNITS = {
    "€", "$", "£", "%", "euro", "euros", "eur", "dollar", "dollars", "usd", "cent", "cents", "centimes",
    "pound", "pounds", "livres", "percent", "pourcent", "minute", "minutes", "min", "heure", "heures",
    "h", "hour", "hours", "seconde", "secondes", "second", "seconds", "jour", "jours", "day", "days", "mois",
    "month", "months", "an", "ans", "année", "années", "year", "years", "semaine", "semaines", "week", "weeks",
    "km", "kg", "go", "mo", "gb", "mb", "kb", "ko", "mbps", "mbit", "gigas", "mégas", "fois", "times",
}  # fmt: skip
_DATE = re.compile(r"(?<![\d./-])(?:\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2})(?![\d]|[./-]\d)")
_LONE_ZERO_WORDS = {"oh", "o"}


@dataclass
class _Tok:
    start: int
    end: int
    text: str
    kind: str  # digits | words | plus | sep | break
    atoms: list[tuple[str, int]]


@dataclass
class _Chunk:
    value: int
    slot: int = 0  # an atom below this value adds to the chunk ("vingt" + "deux")
    tail: int = 0  # the part after the last "mille"/"thousand", for "mille neuf cent"
    text: str | None = None  # literal digits ("06", "double five" -> "55")
    last_unit: int | None = None  # the unit just added, for "quatre-vingt" after "mille neuf cent"

    def digits(self) -> str:
        return self.text if self.text is not None else str(self.value)


def _word_atoms(word: str, language: str) -> list[tuple[str, int]] | None:
    vocab = _VOCAB["fr" if language.startswith("fr") else "en"]
    parts = [p for p in re.split(r"[-‐]", word.lower()) if p]
    atoms = [vocab.get(p) for p in parts]
    if not atoms or any(a is None for a in atoms):
        return None
    return [a for a in atoms if a is not None]


def _tokenize(text: str, language: str) -> list[_Tok]:
    toks = []
    for m in _TOKEN.finditer(text):
        raw = m.group()
        if raw.isdigit() or re.fullmatch(r"2[AaBb]", raw):
            kind, atoms = "digits", []
        elif raw == "+" or raw.lower() == "plus":
            kind, atoms = "plus", []
        elif raw in _SEPARATORS:
            kind, atoms = "sep", []
        elif (word_atoms := _word_atoms(raw, language)) is not None:
            kind, atoms = "words", word_atoms
        else:
            kind, atoms = "break", []
        toks.append(_Tok(m.start(), m.end(), raw, kind, atoms))
    for i, tok in enumerate(toks):
        if tok.kind == "words" and tok.atoms == [("and", 0)] and not _joins_numbers(toks, i):
            tok.kind = "break"
    return toks


def _joins_numbers(toks: list[_Tok], i: int) -> bool:
    """Whether "et"/"and" sits inside one number ("vingt et un", "one hundred and five")."""
    if i == 0 or i + 1 >= len(toks) or toks[i - 1].kind != "words" or toks[i + 1].kind != "words":
        return False
    before, after = toks[i - 1].atoms[-1], toks[i + 1].atoms[0]
    if before[0] == "tens":
        return after[0] in ("unit", "teen") and after[1] in (1, 11)
    return before[0] in ("hundred", "thousand") and after[0] in ("unit", "teen", "tens")


def _runs(toks: list[_Tok]) -> list[list[_Tok]]:
    """Maximal sequences of number tokens, possibly led by "+", joined by separators."""
    runs: list[list[_Tok]] = []
    current: list[_Tok] = []
    for tok in [*toks, _Tok(0, 0, "", "break", [])]:
        if tok.kind in ("digits", "words") or tok.kind == "sep" and current:
            current.append(tok)
        elif tok.kind == "plus" and not any(t.kind in ("digits", "words") for t in current):
            current = [tok]
        else:
            while current and current[-1].kind in ("sep", "plus"):
                current.pop()
            if current:
                runs.append(current)
            current = []
    return [_trim_words(run) for run in runs if _trim_words(run)]


def _trim_words(run: list[_Tok]) -> list[_Tok]:
    """Drop "oh"/"and"/"et" at the edges of a run: they are numbers only between numbers."""

    def edge(tok: _Tok) -> bool:
        return tok.kind == "sep" or (
            tok.kind == "words" and (tok.text.lower() in _LONE_ZERO_WORDS or tok.atoms[0][0] == "and")
        )

    while run and edge(run[-1]):
        run = run[:-1]
    while run and run[0].kind != "plus" and edge(run[0]):
        run = run[1:]
    return run


def _add_atom(chunks: list[_Chunk], kind: str, value: int, language: str, repeat: int) -> None:
    last = chunks[-1] if chunks else None
    unit = value if kind == "unit" else None
    if repeat > 1 and kind == "unit":
        chunks.append(_Chunk(value, text=str(value) * repeat))
        return
    if kind in ("unit", "teen"):
        if last is not None and last.slot > value:
            last.value, last.tail = last.value + value, last.tail + value
            last.slot = 10 if value == 10 and last.slot == 20 else 0
        else:
            chunks.append(_Chunk(value, tail=value))
    elif kind == "tens":
        french_high = language.startswith("fr") and value in (60, 80)
        if last is not None and last.slot > value:
            last.value, last.tail, last.slot = last.value + value, last.tail + value, 20 if french_high else 10
        elif value == 20 and last is not None and last.last_unit == 4 and last.slot == 0:
            last.value, last.tail, last.slot = last.value + 76, last.tail + 76, 20  # quatre-vingt
        else:
            chunks.append(_Chunk(value, slot=20 if french_high else 10, tail=value))
    elif kind == "hundred":
        if last is not None and last.text is None and 1 <= last.tail <= 9 and last.slot == 0:
            last.value += last.tail * 99
            last.tail, last.slot = last.tail * 100, 100
        else:
            chunks.append(_Chunk(100, slot=100, tail=100))
    elif kind == "thousand":
        if last is not None and last.text is None and last.value < 1000:
            last.value, last.tail, last.slot = last.value * 1000, 0, 1000
        else:
            chunks.append(_Chunk(1000, slot=1000, tail=0))
    chunks[-1].last_unit = unit


def _run_digits(run: list[_Tok], language: str) -> tuple[str, int, bool]:
    """The digit string of a run, its number of chunks and whether it starts with "+"."""
    chunks: list[_Chunk] = []
    words_open = False
    repeat = 1
    for tok in run:
        if tok.kind == "digits":
            chunks.append(_Chunk(0, text=tok.text.upper()))
            words_open = False
        elif tok.kind == "sep":
            words_open = False
        elif tok.kind == "words":
            for kind, value in tok.atoms:
                if kind == "repeat":
                    repeat = value
                    continue
                if kind == "and":
                    continue
                if not words_open and chunks:
                    chunks.append(_Chunk(0, text=""))  # fence: words after digits start afresh
                _add_atom(chunks, kind, value, language, repeat)
                words_open, repeat = True, 1
    chunks = [c for c in chunks if c.text != ""]
    return "".join(c.digits() for c in chunks), len(chunks), run[0].kind == "plus"


def _classify(digits: str, chunks: int, plus: bool, *, min_digits: int) -> str | None:
    if nir_valid(digits):
        return "ssn"
    if not digits.isdigit():
        return None
    n = len(digits)
    french = (n == 10 and re.match(r"0[1-9]", digits)) or (n == 13 and digits.startswith("0033"))
    if french or (plus and 8 <= n <= 15):
        return "phone"
    if 13 <= n <= 19 and luhn_valid(digits):
        return "card"
    north_american = (n == 10 and digits[0] in "23456789") or (n == 11 and re.match(r"1[2-9]", digits))
    if north_american:
        return "phone"
    if n >= min_digits and (chunks >= 2 or n >= 6):
        return "number"
    return None


def _is_amount_or_quantity(text: str, start: int, end: int) -> bool:
    after = re.match(r"\s*([^\W\d_]+|[€$£%])", text[end:])
    before = re.search(r"([€$£])\s*$", text[:start])
    return bool(before) or bool(after and after.group(1).lower() in _AFTER_UNITS)


def _numbers(text: str, language: str, min_digits: int) -> list[Span]:
    masked = _DATE.sub(lambda m: "/" * len(m.group()), text)
    spans = []
    for run in _runs(_tokenize(masked, language)):
        start, end = run[0].start, run[-1].end
        kind = _classify(*_run_digits(run, language), min_digits=min_digits)
        # Amounts and quantities are plain numbers; a valid phone or card next to "euros" is still one.
        if kind is not None and not (kind == "number" and _is_amount_or_quantity(text, start, end)):
            if start and text[start - 1] == "(" and ")" in text[start:end]:
                start -= 1
            spans.append(Span(start, end, kind))
    return spans


# --- public API ------------------------------------------------------------------------------------


def find_pii(text: str, language: str, *, min_digits: int = 4) -> list[Span]:
    """Personal data spans in text (e-mail, IBAN, NIR, card, phone, number), sorted and non-overlapping."""
    found = _emails(text, language) + _ibans(text)
    masked = list(text)
    for span in found:
        masked[span.start : span.end] = "#" * (span.end - span.start)
    found += _numbers("".join(masked), language, min_digits)
    return merge_spans(found)


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Sorted, overlapping spans joined; where two overlap, the earlier one's kind is kept."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start < merged[-1].end:
            if span.end > merged[-1].end:
                merged[-1] = replace(merged[-1], end=span.end)
            continue
        merged.append(span)
    return merged


def redact_text(text: str, language: str, *, min_digits: int = 4) -> str:
    """Text with each personal data span replaced by its labelled placeholder."""
    return replace_spans(text, find_pii(text, language, min_digits=min_digits), language)


def replace_spans(text: str, spans: Sequence[Span], language: str) -> str:
    """Text with each span replaced by its kind's label."""
    out, cursor = [], 0
    for span in spans:
        out += [text[cursor : span.start], label(span.kind, language)]
        cursor = span.end
    return "".join([*out, text[cursor:]])
