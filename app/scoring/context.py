"""DetectorContext: everything a detector may read about one call, with cached NLP helpers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.qa_data.lexicons import Lexicon
from app.scoring.matching import Match, find
from app.scoring.types import Evidence
from app.transcription.interchange import Segment, Transcript, Word, mean_probability
from app.transcription.metrics import Timing, timing

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

    from app.scoring.behaviours.predict import TurnBehaviours

CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ", "NUM"}
# Verbs and nouns too common in calls to show that the agent listened.
GENERIC = {
    "fr": {
        "être",
        "avoir",
        "faire",
        "aller",
        "pouvoir",
        "vouloir",
        "dire",
        "savoir",
        "falloir",
        "voir",
        "mettre",
        "prendre",
        "donner",
        "venir",
        "passer",
        "devoir",
        "croire",
        "penser",
        "trouver",
        "appeler",
        "merci",
        "bonjour",
        "bonsoir",
        "monsieur",
        "madame",
        "chose",
        "truc",
        "oui",
        "non",
        "euh",
        "hein",
        "bah",
        "ben",
        "bon",
        "ok",
        "okay",
        "voilà",
        "accord",
        "problème",
        "souci",
        "question",
        "moment",
        "instant",
        "fois",
        "peu",
        "rien",
        "tout",
        "petit",
        "bien",
        "vrai",
        "sûr",
    },
    "en": {
        "be",
        "have",
        "do",
        "go",
        "get",
        "can",
        "could",
        "would",
        "will",
        "shall",
        "should",
        "may",
        "might",
        "must",
        "say",
        "tell",
        "know",
        "think",
        "want",
        "need",
        "see",
        "take",
        "make",
        "let",
        "come",
        "give",
        "put",
        "try",
        "look",
        "thank",
        "thanks",
        "hello",
        "hi",
        "morning",
        "afternoon",
        "evening",
        "yes",
        "no",
        "yeah",
        "okay",
        "ok",
        "um",
        "uh",
        "right",
        "sorry",
        "please",
        "thing",
        "problem",
        "issue",
        "question",
        "moment",
        "time",
        "bit",
        "lot",
        "way",
        "good",
        "great",
        "fine",
        "sure",
        "just",
        "really",
    },
}
DIGITS = re.compile(r"\d(?:[\d\s.,]*\d)?")
NOT_NAMES = {
    "bonjour",
    "bonsoir",
    "hello",
    "hi",
    "hey",
    "merci",
    "oui",
    "non",
    "ok",
    "okay",
    "allô",
    "allo",
    "euh",
    "monsieur",
    "madame",
    "mademoiselle",
    "mr",
    "mrs",
    "ms",
    "miss",
    "sir",
    "thanks",
    "yes",
    "yeah",
    "no",
    "um",
    "uh",
    "d'accord",
    "right",
    "so",
    "well",
    "voilà",
    "alors",
    "bah",
    "ben",
    "bon",
    "hum",
}
DATE_WORDS = re.compile(
    r"\b(janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|"
    r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|january|february|march|april|may|june|july|august|"
    r"september|october|november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"\d{1,2}/\d{1,2}(?:/\d{2,4})?)\b",
    re.IGNORECASE,
)
# Components left out of scoring, measured with bench/scoring_speed.py (10-minute call, 2 shared cores). NER
# costs about +0.10 s and names come well enough from runs of proper nouns, so it is always off. The parser
# (+0.04 s) gives French its sentence boundaries and dependency structure (negation, appositions explaining a
# term); the English small pipeline's slower tagging leaves no room for it under 0.2 s, and the English rules read
# word order rather than dependencies, with sentences from punctuation.
SKIPPED_COMPONENTS = {"fr": ("ner",), "en": ("parser", "ner")}
WH_WORDS = {
    "fr": {
        "comment",
        "pourquoi",
        "quand",
        "où",
        "quel",
        "quelle",
        "quels",
        "quelles",
        "combien",
        "qui",
        "quoi",
        "est-ce",
        "qu'est-ce",
    },
    "en": {
        "what",
        "how",
        "when",
        "where",
        "why",
        "which",
        "who",
        "whose",
        "do",
        "does",
        "did",
        "is",
        "are",
        "can",
        "could",
        "would",
        "have",
        "has",
        "will",
        "was",
        "were",
    },
}


@dataclass(frozen=True)
class DetectorContext:
    """One call as detectors see it: transcript, per-segment docs, metrics, lexicons and language."""

    transcript: Transcript
    docs: tuple[Doc, ...]
    nlp: Language
    lexicons: Mapping[str, Lexicon]
    language: str
    metrics: Timing
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def segments(self) -> tuple[Segment, ...]:
        return self.transcript.segments

    def say(self, fr: str, en: str) -> str:
        """Pick the explanation in the call's language."""
        return fr if self.language == "fr" else en

    def indexes(self, speaker: str) -> list[int]:
        key = ("indexes", speaker)
        if key not in self._cache:
            self._cache[key] = [i for i, s in enumerate(self.segments) if s.speaker == speaker]
        return list(self._cache[key])

    def find(self, role: str, index: int) -> list[Match]:
        """Matches of the lexicon playing `role` in segment `index` (cached)."""
        key = ("find", role, index)
        if key not in self._cache:
            self._cache[key] = find(self.nlp, self.lexicons.get(role), self.docs[index])
        return self._cache[key]

    def find_in(self, role: str, index: int, start_char: int, end_char: int) -> list[Match]:
        return [m for m in self.find(role, index) if m.start_char >= start_char and m.end_char <= end_char]

    def content(self, index: int) -> frozenset[str]:
        """Content lemmas (nouns, verbs, adjectives, names, numbers) of a segment, generic words left out."""
        key = ("content", index)
        if key not in self._cache:
            self._cache[key] = frozenset(content_lemmas(self.docs[index], self.language)) | self.numbers(index)
        return self._cache[key]

    def content_of(self, span: Span) -> frozenset[str]:
        """Content lemmas and numbers of one sentence."""
        found = {re.sub(r"\D", "", m.group()) for m in DIGITS.finditer(span.text)}
        return frozenset(content_lemmas(span, self.language)) | {n for n in found if n}

    def related(self, theirs: frozenset[str] | set[str], ours: frozenset[str] | set[str]) -> dict[str, tuple[str, str]]:
        """Which of `theirs` lemmas `ours` echo: same lemma, synonym (lexicon) or close word vectors."""
        from app.scoring.semantics import related

        return related(self.nlp, self.lexicons.get("synonyms"), theirs, ours)

    def numbers(self, index: int) -> frozenset[str]:
        """Numbers said in a segment, spelled-out digits joined ("4 4 7 1 2" -> "44712")."""
        key = ("numbers", index)
        if key not in self._cache:
            found = {re.sub(r"\D", "", m.group()) for m in DIGITS.finditer(self.segments[index].text)}
            self._cache[key] = frozenset(n for n in found if n)
        return self._cache[key]

    def words(self, index: int) -> int:
        key = ("words", index)
        if key not in self._cache:
            self._cache[key] = sum(1 for t in self.docs[index] if t.is_alpha or t.like_num)
        return self._cache[key]

    def agent_words(self) -> int:
        return self.speaker_words("agent")

    def speaker_words(self, speaker: str) -> int:
        key = ("speaker_words", speaker)
        if key not in self._cache:
            self._cache[key] = sum(self.words(i) for i in self.indexes(speaker))
        return self._cache[key]

    def names(self, index: int) -> list[tuple[int, int]]:
        """Character spans of proper names (entities when the pipeline ran NER, else runs of proper nouns)."""
        key = ("names", index)
        if key not in self._cache:
            self._cache[key] = proper_names(self.docs[index])
        return self._cache[key]

    def has_date(self, index: int) -> bool:
        return bool(DATE_WORDS.search(self.segments[index].text))

    def questions(self, index: int) -> list[Span]:
        """Sentences of a segment that ask something ('?' or an interrogative opening)."""
        return [s for s in self.docs[index].sents if is_question(s, self.language)]

    def evidence(self, index: int, span: tuple[int, int], rule: str, sign: int, fr: str, en: str) -> Evidence:
        """Evidence pinned to a character span of a segment, timed from its words when present."""
        seg = self.segments[index]
        start, end = span_times(seg, span)
        return Evidence(
            index,
            span,
            start,
            end,
            rule,
            sign,
            self.say(fr, en),
            text=seg.text[span[0] : span[1]],
            explanations=(("fr", fr), ("en", en)),
        )

    def behaviours(self) -> TurnBehaviours:
        """Probability of each behaviour for each agent turn, read with the customer's words before it (cached)."""
        key = ("behaviours",)
        if key not in self._cache:
            from app.scoring.behaviours.predict import predict_turns

            self._cache[key] = predict_turns(self.segments)
        return self._cache[key]

    def whole(self, index: int) -> tuple[int, int]:
        return (0, len(self.segments[index].text))


def content_lemmas(doc: Doc | Span, language: str) -> set[str]:
    """Lower-case content lemmas of a doc or span."""
    generic = GENERIC.get(language, set())
    found = set()
    for tok in doc:
        if tok.pos_ not in CONTENT_POS or tok.is_stop or tok.is_punct or tok.like_num:
            continue
        lemma = tok.lemma_.lower().strip("'")
        if len(lemma) > 2 and lemma not in generic and lemma.replace("-", "").isalpha():
            found.add(lemma)
    return found


def proper_names(doc: Doc) -> list[tuple[int, int]]:
    """Proper names in a doc: PER/PERSON/ORG entities when present, else runs of capitalised proper nouns."""
    if doc.has_annotation("ENT_IOB"):
        return [(e.start_char, e.end_char) for e in doc.ents if e.label_ in ("PER", "PERSON", "ORG")]
    spans, run = [], []
    for tok in doc:
        name = tok.pos_ == "PROPN" and tok.text[:1].isupper() and tok.lower_ not in NOT_NAMES and len(tok) > 1
        if name and not tok.is_upper:
            run.append(tok)
            continue
        if run:
            spans.append((run[0].idx, run[-1].idx + len(run[-1])))
        run = []
    if run:
        spans.append((run[0].idx, run[-1].idx + len(run[-1])))
    return spans


def is_question(sent: Span, language: str) -> bool:
    """A sentence ending with '?' or opening like a question (for unpunctuated ASR output)."""
    text = sent.text.strip()
    if text.endswith("?"):
        return True
    if text.endswith((".", "!")):
        return False
    words = [t.lower_ for t in sent if not t.is_punct][:3]
    return bool(words) and (words[0] in WH_WORDS.get(language, set()) or "est-ce" in " ".join(words))


def span_times(seg: Segment, span: tuple[int, int]) -> tuple[float, float]:
    """Start and end of a character span: from word timestamps when present, else the segment's."""
    hits = _words_in(seg, span)
    if not hits:
        return seg.start, seg.end
    return hits[0].start, hits[-1].end


def span_confidence(seg: Segment, span: tuple[int, int], *, mean: bool = False) -> float | None:
    """How sure the transcriber was of a character span: the lowest probability of its words, or with `mean` their
    mean (None when the transcript carries no word probabilities)."""
    hits = _words_in(seg, span)
    if mean:
        return mean_probability(hits)
    known = [w.probability for w in hits if w.probability is not None]
    return min(known) if known else None


def _words_in(seg: Segment, span: tuple[int, int]) -> list[Word]:
    """The segment's timed words that overlap a character span of its text, in order."""
    lowered, cursor, hits = seg.text.lower(), 0, []
    for word in seg.words or ():
        token = word.word.strip().lower()
        pos = lowered.find(token, cursor) if token else -1
        if pos < 0:
            continue
        cursor = pos + len(token)
        if pos < span[1] and cursor > span[0]:
            hits.append(word)
    return hits


def build_context(
    transcript: Transcript, nlp: Language, lexicons: Mapping[str, Lexicon], language: str, docs: list[Doc] | None = None
) -> DetectorContext:
    """Parse every segment once (nlp.pipe) and compute the timing metrics."""
    from app.scoring.nlp import parse_texts

    if docs is None:
        docs = parse_texts(
            nlp, [s.text for s in transcript.segments], disable=SKIPPED_COMPONENTS.get(language, ("ner",))
        )
    return DetectorContext(transcript, tuple(docs), nlp, lexicons, language, timing(transcript.segments))
