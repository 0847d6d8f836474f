"""Tolerant phrase search over transcribed text: a phrase still counts when the engine misheard it a little.

Whisper base writes "c'est appel peut-être enregistré" for "cet appel peut être enregistré" and "à la parée"
for "à l'appareil". Both sound alike: words are reduced to a rough sound key (French spelling rules, which also
leave English keys comparable), and a phrase is found when its key lies within a small edit distance of some
run of the text's keys (approximate substring search, Sellers). Pure, no dependencies.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
MIN_KEY = 8  # shorter phrases ("ici", "est enregistré") match too much by chance: left to exact matching
MAX_RATIO = 0.25  # edits allowed per character of the phrase's key

# Applied in order to an accent-free, lower-case word (apostrophes and hyphens removed).
_FR_RULES = (
    (r"eau|au", "o"),
    (r"ph", "f"),
    (r"qu|ck|q", "k"),
    (r"ch|sh", "x"),
    (r"gn", "n"),
    (r"c(?=[eiy])", "s"),
    (r"c", "k"),
    (r"g(?=[eiy])", "j"),
    (r"gu(?=[eiy])", "g"),
    (r"h", ""),
    (r"y", "i"),
    (r"w", "v"),
    (r"z", "s"),
    (r"x", "ks"),
    (r"ai|ei|et$|er$|ez$", "e"),
    (r"(?<=[aeiou])s(?=[aeiou])", "z"),
    (r"[ae][nm](?![aeiou])", "a"),
    (r"(.)\1+", r"\1"),
    (r"(?<=.)[estdxp]+$", ""),
)
_COMPILED = tuple((re.compile(p), r) for p, r in _FR_RULES)


@lru_cache(maxsize=4096)
def sound_key(word: str) -> str:
    """A rough key of how a word sounds; homophones and near-homophones share it or nearly."""
    plain = unicodedata.normalize("NFKD", word.lower())
    key = "".join(c for c in plain if c.isalnum() and not unicodedata.combining(c))
    for pattern, repl in _COMPILED:
        key = pattern.sub(repl, key)
    return key


def words_with_offsets(text: str) -> list[tuple[str, int, int]]:
    """Words of a text with their character offsets; hyphenated words count as separate words."""
    out = []
    for m in _WORD.finditer(text):
        out.append((m.group(), m.start(), m.end()))
    return out


@dataclass(frozen=True, slots=True)
class Hit:
    phrase: str
    start_char: int
    end_char: int
    distance: int

    @property
    def exact(self) -> bool:
        return self.distance == 0


def _key_string(words: list[tuple[str, int, int]]) -> tuple[str, list[int]]:
    """The text's sound keys run together, and for each key character the index of its word."""
    chars, owner = [], []
    for i, (word, _, _) in enumerate(words):
        key = sound_key(word)
        chars.append(key)
        owner.extend([i] * len(key))
    return "".join(chars), owner


def _phrase_key(phrase: str) -> str:
    return "".join(sound_key(w) for w, _, _ in words_with_offsets(phrase))


def _best_substring(pattern: str, text: str) -> tuple[int, int, int]:
    """(distance, start, end) of the substring of text closest to pattern in edit distance (Sellers)."""
    m = len(pattern)
    prev = list(range(m + 1))  # column for text position 0: any start is free
    prev_start = [0] * (m + 1)
    best = (m + 1, 0, 0)
    for j, tc in enumerate(text, start=1):
        cur, cur_start = [0], [j]
        for i in range(1, m + 1):
            options = (
                (prev[i - 1] + (pattern[i - 1] != tc), prev_start[i - 1]),
                (prev[i] + 1, prev_start[i]),
                (cur[i - 1] + 1, cur_start[i - 1]),
            )
            cost, start = min(options)
            cur.append(cost)
            cur_start.append(start)
        if cur[m] < best[0]:
            best = (cur[m], cur_start[m], j)
        prev, prev_start = cur, cur_start
    return best


def find_phrase(phrase: str, text: str, *, max_ratio: float = MAX_RATIO, min_key: int = MIN_KEY) -> Hit | None:
    """Where `phrase` was (perhaps mis)heard in `text`, or None; phrases with short keys are not looked for."""
    pattern = _phrase_key(phrase)
    words = words_with_offsets(text)
    keys, owner = _key_string(words)
    if len(pattern) < min_key or not keys:
        return None
    allowed = int(len(pattern) * max_ratio)
    distance, start, end = _best_substring(pattern, keys)
    if distance > allowed or end <= start:
        return None
    first, last = words[owner[start]], words[owner[end - 1]]
    return Hit(phrase, first[1], last[2], distance)


def find_any(
    phrases: list[str] | tuple[str, ...], text: str, *, max_ratio: float = MAX_RATIO, min_key: int = MIN_KEY
) -> Hit | None:
    """The closest of several phrases heard in the text (fewest edits per character, longest on a tie)."""
    found = (find_phrase(p, text, max_ratio=max_ratio, min_key=min_key) for p in phrases)
    hits = [h for h in found if h is not None]
    if not hits:
        return None
    return min(hits, key=lambda h: (h.distance / max(1, len(_phrase_key(h.phrase))), -len(h.phrase)))
