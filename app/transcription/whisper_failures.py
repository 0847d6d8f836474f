"""Guards against Whisper's known failures on calls; pure functions, every dropped thing kept with its reason.

- text invented in silence or hold music (high no-speech probability with low confidence, or no voice under it),
- stock subtitle credits that Whisper learnt from films ("Sous-titres réalisés par...", "Thanks for watching"),
- repetition loops (high compression ratio, an n-gram repeated over and over, the same sentence again and again),
- a language guessed from leading silence (choose among the team's languages, on speech only).
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from app.transcription.engines import EngineSegment
from app.transcription.vad import Region, speech_overlap

NO_SPEECH_PROB = 0.6
LOW_LOGPROB = -1.0
MIN_VOICED_SHARE = 0.1
MAX_COMPRESSION_RATIO = 2.4
MIN_LOOP_REPEATS = 4

HALLUCINATION_PHRASES = (
    "sous-titres realises par",
    "sous-titrage st",
    "sous-titres par",
    "sous-titrage societe radio-canada",
    "merci d'avoir regarde",
    "merci de votre attention",  # only when the whole segment is this
    "abonnez-vous",
    "thanks for watching",
    "thank you for watching",
    "please subscribe",
    "subtitles by",
    "amara.org",
    "www.mooji.org",
)
# Phrases that are hallucinations only when they are all the segment says (a real agent may say them).
_WHOLE_SEGMENT_ONLY = {"merci de votre attention"}


@dataclass(frozen=True)
class Dropped:
    start: float
    end: float
    text: str
    reason: str
    speaker: str = "unknown"

    def as_dict(self) -> dict:
        return {
            "speaker": self.speaker,
            "start": round(float(self.start), 3),
            "end": round(float(self.end), 3),
            "text": self.text,
            "reason": self.reason,
        }


def normalise(text: str) -> str:
    """Lowercase, accents stripped, apostrophes unified, punctuation and extra spaces removed."""
    text = unicodedata.normalize("NFKD", text.lower().replace("’", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^\w'\- .]+", " ", text)
    return re.sub(r"\s+", " ", text).strip(" .")


def hallucination_phrase(text: str) -> str | None:
    """The stock phrase this text contains, if any."""
    norm = normalise(text)
    for phrase in HALLUCINATION_PHRASES:
        if phrase in _WHOLE_SEGMENT_ONLY:
            if norm.strip(" .!") == phrase:
                return phrase
        elif phrase in norm:
            return phrase
    return None


def compression_ratio(text: str) -> float:
    """Whisper's own loop measure: raw length over zlib-compressed length."""
    data = text.encode("utf-8")
    return len(data) / len(zlib.compress(data)) if data else 0.0


def repeated_ngram(text: str, *, max_n: int = 4, min_repeats: int = MIN_LOOP_REPEATS) -> str | None:
    """An n-gram repeated back to back at least min_repeats times ("merci merci merci merci"), if any."""
    words = normalise(text).split()
    for n in range(1, max_n + 1):
        for i in range(len(words) - n * min_repeats + 1):
            gram = words[i : i + n]
            if all(words[i + k * n : i + (k + 1) * n] == gram for k in range(1, min_repeats)):
                return " ".join(gram)
    return None


def silence_reason(seg: EngineSegment, speech: Sequence[Region] | None) -> str | None:
    """Why a segment looks invented over silence or music, or None."""
    if seg.no_speech_prob > NO_SPEECH_PROB and seg.avg_logprob < LOW_LOGPROB:
        return f"no speech (no_speech_prob {seg.no_speech_prob:.2f}, avg_logprob {seg.avg_logprob:.2f})"
    if speech is not None and speech_overlap(seg.start, seg.end, list(speech)) < MIN_VOICED_SHARE:
        return "no voice detected under this text (VAD)"
    return None


def loop_reason(seg: EngineSegment) -> str | None:
    """Why a segment looks like a repetition loop, or None."""
    ratio = max(seg.compression_ratio, compression_ratio(seg.text))
    if ratio > MAX_COMPRESSION_RATIO and len(seg.text) > 40:
        return f"repetition loop (compression ratio {ratio:.1f})"
    gram = repeated_ngram(seg.text)
    if gram is not None:
        return f"repetition loop ({gram!r} repeated)"
    return None


def filter_segments(
    segments: Sequence[EngineSegment], speech: Sequence[Region] | None = None, *, speaker: str = "unknown"
) -> tuple[list[EngineSegment], list[Dropped]]:
    """Keep plausible segments; return them with the dropped ones and their reasons."""
    kept: list[EngineSegment] = []
    dropped: list[Dropped] = []
    for seg in segments:
        reason = _reason(seg, speech, kept)
        if reason is None:
            kept.append(seg)
        else:
            dropped.append(Dropped(seg.start, seg.end, seg.text, reason, speaker))
    return kept, dropped


def _reason(seg: EngineSegment, speech: Sequence[Region] | None, kept: Sequence[EngineSegment]) -> str | None:
    if not seg.text.strip():
        return "empty text"
    phrase = hallucination_phrase(seg.text)
    if phrase is not None:
        return f"known hallucination phrase ({phrase!r})"
    reason = silence_reason(seg, speech) or loop_reason(seg)
    if reason is not None:
        return reason
    # The same sentence twice before in a row is a loop across segments, not a customer repeating "oui".
    norm = normalise(seg.text)
    if len(norm.split()) >= 4 and len(kept) >= 2 and all(normalise(k.text) == norm for k in kept[-2:]):
        return "repetition loop (same sentence a third time)"
    return None


def choose_language(
    probabilities: dict[str, float],
    *,
    allowed: Sequence[str] = (),
    configured: str | None = None,
) -> tuple[str | None, float | None, str]:
    """(language, probability, method): the configured language, else the likeliest allowed one."""
    if configured:
        return configured, probabilities.get(configured), "configured"
    candidates = {k: v for k, v in probabilities.items() if not allowed or k in allowed}
    if not candidates:
        return (allowed[0] if allowed else None), None, "default"
    best = max(candidates, key=candidates.__getitem__)
    return best, candidates[best], "detected on speech"
