"""Who spoke when on a mono call, which speaker is the agent, and how good a diarization is (DER).

`diarize` finds speech with the Silero VAD shipped inside faster-whisper, embeds sliding windows with
Resemblyzer's pretrained voice encoder (its weights ship inside the PyPI wheel, nothing is downloaded;
requirements-diarization.txt), and clusters the windows with numpy spectral clustering. The other
functions are pure and cheap: `assign_roles`, `attribute_segments`, `diarization_error_rate`.
"""

from __future__ import annotations

import itertools
import logging
import re
import sys
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import numpy as np

from app.transcription.interchange import Segment, Transcript, Word

logger = logging.getLogger(__name__)

TARGET_RATE = 16000
FRAME_S = 0.01  # resemblyzer mel frames are 10 ms apart

# What a caller says, not an agent: a weak counterweight to the agent's greeting cues.
_CUSTOMER_CUES = [
    r"\bj'appelle (parce que|pour|au sujet)",
    r"\bje (voudrais|souhaiterais|souhaite|veux) (savoir|resilier|changer|signaler|un|une|le|la)",
    r"\bj'ai un (probleme|souci)",
    r"\bma (box|facture|commande|ligne|carte)\b",
    r"\bi'?m calling (about|because|to)",
    r"\bi('d| would) like to\b",
    r"\bi have a (problem|question|issue)",
    r"\bmy (order|bill|account|car|phone|package)\b",
]
# What only the agent reads out in the opening: the recording disclaimer. A real sales call opened with "I think we
# got disconnected. Good. How are you?", no greeting, and both parties stayed unknown (every criterion N/A); its
# "this call maybe recorded and monitored" (as the recogniser wrote it) names the agent, whoever spoke first.
_AGENT_CUES = [
    r"\b(this|the|your|our) calls? (is|are|may|might|will|can|maybe) (be |being )?(recorded|monitored)",
    r"\b(recorded|monitored) (for|to improve) (quality|training|the quality)",
    r"\b(cet|votre|les|nos) appels? (est |sont |peut |peuvent |pourra |pourront |va |vont )?(etre )?"
    r"(enregistre|ecoute)",
    r"\bsusceptibles? d'etre (enregistre|ecoute)",
]


@dataclass(frozen=True)
class Turn:
    start: float
    end: float
    label: str


# --- audio side -------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _encoder() -> Any:
    """Resemblyzer's voice encoder, loaded once per process from the weights inside the wheel."""
    try:
        import webrtcvad  # noqa: F401
    except ImportError:
        # resemblyzer imports webrtcvad at import time, which we never use (Silero finds speech).
        sys.modules.setdefault("webrtcvad", types.ModuleType("webrtcvad"))
    import torch
    from resemblyzer import VoiceEncoder

    torch.set_num_threads(max(1, torch.get_num_threads()))
    return VoiceEncoder("cpu", verbose=False)


def _to_16k(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    audio = np.asarray(samples, dtype=np.float32)
    if audio.ndim > 1:
        audio = audio.mean(axis=1)
    if sample_rate == TARGET_RATE:
        return audio
    from math import gcd

    from scipy.signal import resample_poly

    g = gcd(sample_rate, TARGET_RATE)
    return resample_poly(audio, TARGET_RATE // g, sample_rate // g).astype(np.float32)


def _speech(audio: np.ndarray) -> list[tuple[float, float]]:
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(threshold=0.5, min_silence_duration_ms=250, speech_pad_ms=60, min_speech_duration_ms=150)
    stamps = get_speech_timestamps(audio, options, sampling_rate=TARGET_RATE)
    return [(s["start"] / TARGET_RATE, s["end"] / TARGET_RATE) for s in stamps]


def _windows(regions: list[tuple[float, float]], length: float, hop: float, total: float) -> list[float]:
    """Start times of embedding windows laid over the speech regions."""
    starts: list[float] = []
    for a, b in regions:
        if b - a <= length:
            starts.append(min(max(0.0, (a + b - length) / 2), max(0.0, total - length)))
            continue
        n = int(np.ceil((b - a - length) / hop)) + 1
        starts += [min(a + i * hop, b - length) for i in range(n)]
    return starts


def _embed(audio: np.ndarray, starts: list[float], length: float) -> np.ndarray:
    import torch
    from resemblyzer import normalize_volume, wav_to_mel_spectrogram

    encoder = _encoder()
    mel = wav_to_mel_spectrogram(normalize_volume(audio, -30, increase_only=True))
    n = round(length / FRAME_S)
    if mel.shape[0] < n:
        mel = np.pad(mel, ((0, n - mel.shape[0]), (0, 0)))
    firsts = [min(round(s / FRAME_S), mel.shape[0] - n) for s in starts]
    batch = np.stack([mel[f : f + n] for f in firsts]).astype(np.float32)
    with torch.no_grad():
        return np.concatenate(
            [encoder(torch.from_numpy(batch[i : i + 256])).numpy() for i in range(0, len(batch), 256)]
        )


def _kmeans(x: np.ndarray, k: int, *, restarts: int = 10, seed: int = 0) -> np.ndarray:
    """Plain k-means with k-means++ seeding; the best of several restarts."""
    rng = np.random.default_rng(seed)
    best, best_cost = np.zeros(len(x), dtype=int), np.inf
    for _ in range(restarts):
        centres = [x[rng.integers(len(x))]]
        for _ in range(1, k):
            d = np.min([((x - c) ** 2).sum(axis=1) for c in centres], axis=0)
            centres.append(x[rng.choice(len(x), p=d / d.sum())] if d.sum() > 0 else x[rng.integers(len(x))])
        c = np.array(centres)
        for _ in range(100):
            labels = np.argmin(((x[:, None, :] - c[None]) ** 2).sum(axis=2), axis=1)
            new = np.array([x[labels == j].mean(axis=0) if np.any(labels == j) else c[j] for j in range(k)])
            if np.allclose(new, c):
                break
            c = new
        cost = ((x - c[labels]) ** 2).sum()
        if cost < best_cost:
            best, best_cost = labels, cost
    return best


def spectral_clusters(embeddings: np.ndarray, k: int, *, prune: float = 0.3) -> np.ndarray:
    """Cluster L2-normalised embeddings into k groups (pruned cosine affinity, normalised Laplacian)."""
    n = len(embeddings)
    if n <= k:
        return np.arange(n)
    sim = np.clip(embeddings @ embeddings.T, 0.0, 1.0)
    keep = max(2, int(np.ceil(prune * n)))
    affinity = np.zeros_like(sim)
    top = np.argsort(-sim, axis=1)[:, :keep]
    np.put_along_axis(affinity, top, np.take_along_axis(sim, top, axis=1), axis=1)
    affinity = (affinity + affinity.T) / 2
    degree = affinity.sum(axis=1)
    d = 1.0 / np.sqrt(np.maximum(degree, 1e-9))
    _, vectors = np.linalg.eigh(d[:, None] * affinity * d[None, :])
    spectral = vectors[:, -k:]
    spectral /= np.maximum(np.linalg.norm(spectral, axis=1, keepdims=True), 1e-9)
    labels = _kmeans(spectral, k)
    # One pass of centroid reassignment in embedding space sharpens the boundaries.
    centres = np.array([embeddings[labels == j].mean(axis=0) for j in range(k) if np.any(labels == j)])
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    return np.argmax(embeddings @ centres.T, axis=1)


def _one_voice_per_short_region(
    regions: list[tuple[float, float]],
    starts: list[float],
    window: float,
    embeddings: np.ndarray,
    labels: np.ndarray,
    short_region: float,
) -> np.ndarray:
    """A speech region shorter than short_region is one speaker: its mean embedding's nearest cluster."""
    labels = labels.copy()
    clusters = sorted(set(labels.tolist()))
    if len(clusters) < 2:
        return labels
    centres = np.array([embeddings[labels == c].mean(axis=0) for c in clusters])
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    middles = np.array(starts) + window / 2
    for a, b in regions:
        inside = np.flatnonzero((middles >= a) & (middles <= b))
        if b - a < short_region and len(inside) > 1:
            labels[inside] = clusters[int(np.argmax(centres @ embeddings[inside].mean(axis=0)))]
    return labels


def _frames_to_turns(frame_labels: np.ndarray, min_turn: float) -> list[Turn]:
    """Runs of equal labels (-1 = silence) into turns, absorbing runs shorter than min_turn."""
    labels = frame_labels.copy()
    min_frames = round(min_turn / FRAME_S)
    changed = True
    while changed:
        changed = False
        runs = _runs(labels)
        for i, (a, b, lab) in enumerate(runs):
            if lab < 0 or b - a >= min_frames:
                continue
            left = runs[i - 1][2] if i > 0 else -1
            right = runs[i + 1][2] if i + 1 < len(runs) else -1
            neighbour = left if left >= 0 else right
            if neighbour >= 0 and neighbour != lab:
                labels[a:b] = neighbour
                changed = True
    return [Turn(a * FRAME_S, b * FRAME_S, f"SPEAKER_{lab:02d}") for a, b, lab in _runs(labels) if lab >= 0]


def _runs(labels: np.ndarray) -> list[tuple[int, int, int]]:
    if len(labels) == 0:
        return []
    edges = np.flatnonzero(np.diff(labels)) + 1
    bounds = [0, *edges.tolist(), len(labels)]
    return [(a, b, int(labels[a])) for a, b in itertools.pairwise(bounds)]


def diarize(
    samples: np.ndarray,
    sample_rate: int,
    *,
    num_speakers: int = 2,
    window: float = 1.5,
    hop: float = 0.375,
    min_turn: float = 0.3,
    short_region: float = 3.0,
) -> list[Turn]:
    """Speaker turns of a mono recording: Silero VAD, Resemblyzer window embeddings, spectral clustering."""
    audio = _to_16k(samples, sample_rate)
    total = len(audio) / TARGET_RATE
    regions = _speech(audio)
    if not regions:
        return []
    starts = _windows(regions, window, hop, total)
    embeddings = _embed(audio, starts, window)
    labels = spectral_clusters(embeddings, num_speakers) if num_speakers > 1 else np.zeros(len(starts), int)
    labels = _one_voice_per_short_region(regions, starts, window, embeddings, labels, short_region)
    # Relabel by first appearance so SPEAKER_00 is whoever speaks first.
    order = list(dict.fromkeys(labels.tolist()))
    labels = np.array([order.index(lab) for lab in labels])
    centres = np.array(starts) + window / 2
    n_frames = int(np.ceil(total / FRAME_S))
    frame_labels = np.full(n_frames, -1, dtype=int)
    for a, b in regions:
        fa, fb = int(a / FRAME_S), min(n_frames, int(np.ceil(b / FRAME_S)))
        times = (np.arange(fa, fb) + 0.5) * FRAME_S
        inside = np.flatnonzero((centres >= a - window) & (centres <= b + window))
        nearest = inside[np.argmin(np.abs(times[:, None] - centres[inside][None, :]), axis=1)]
        frame_labels[fa:fb] = labels[nearest]
    turns = _frames_to_turns(frame_labels, min_turn)
    logger.debug("diarized %.1f s into %d turns from %d windows", total, len(turns), len(starts))
    return turns


# --- text side --------------------------------------------------------------------------------------


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def _label_for(start: float, end: float, turns: Sequence[Turn], *, dominance: float = 0.6) -> str | None:
    """The label that covers most of [start, end], or None when none dominates or nothing overlaps."""
    cover: dict[str, float] = {}
    for turn in turns:
        cover[turn.label] = cover.get(turn.label, 0.0) + _overlap(start, end, turn.start, turn.end)
    total = sum(cover.values())
    if total <= 0:
        if not turns:
            return None
        # A word in a VAD gap: take the nearest turn if it is close.
        gap, label = min((min(abs(t.start - end), abs(start - t.end)), t.label) for t in turns)
        return label if gap <= 0.5 else None
    label, best = max(cover.items(), key=lambda kv: kv[1])
    return label if best / total >= dominance else None


def _join_by_speaker(pieces: Sequence[Segment]) -> dict[str, str]:
    out: dict[str, list[str]] = {}
    for piece in pieces:
        out.setdefault(piece.speaker, []).append(piece.text)
    return {speaker: " ".join(parts) for speaker, parts in out.items()}


def _first_pieces(pieces: Sequence[Segment], *, per_speaker: int) -> list[Segment]:
    """The first few pieces each speaker said, in time order."""
    seen: dict[str, int] = {}
    first = []
    for piece in sorted(pieces, key=lambda p: p.start):
        if seen.get(piece.speaker, 0) < per_speaker:
            seen[piece.speaker] = seen.get(piece.speaker, 0) + 1
            first.append(piece)
    return first


def assign_roles(
    turns: Sequence[Turn],
    texts: Mapping[str, str] | Sequence[Segment] | Transcript,
    *,
    opening_seconds: float = 30.0,
) -> dict[str, str]:
    """Map each label to agent, customer or unknown from greeting cues and who speaks first; unknown if unsure."""
    from app.transcription.attribution import greeting_score
    from app.transcription.whisper_failures import normalise

    labels = list(dict.fromkeys(t.label for t in sorted(turns, key=lambda t: t.start)))
    if not labels:
        return {}
    if isinstance(texts, Transcript):
        texts = texts.segments
    greetings = texts
    if not isinstance(texts, Mapping):
        start = min(t.start for t in turns)
        # Split Whisper's segments at word level first: one segment often holds the agent's greeting and
        # the start of the customer's answer, and must not be credited to one of them whole.
        pieces = attribute_segments(
            [s for s in texts if s.start < start + opening_seconds], turns, {label: label for label in labels}
        )
        texts = _join_by_speaker(pieces)
        # The greeting is in a speaker's first words: a customer who later says "my name is..." must not
        # outweigh the agent's "X speaking, how can I help you?".
        greetings = _join_by_speaker(_first_pieces(pieces, per_speaker=2))
    scores = {}
    for label in labels:
        norm = normalise(texts.get(label, ""))
        customer = sum(bool(re.search(p, norm)) for p in _CUSTOMER_CUES)
        agent = any(re.search(p, norm) for p in _AGENT_CUES)
        scores[label] = (
            greeting_score(greetings.get(label, "")) + 3 * agent - 2 * customer + (1 if label == labels[0] else 0)
        )
    ranked = sorted(labels, key=lambda lab: -scores[lab])
    runner_up = scores[ranked[1]] if len(ranked) > 1 else 0
    roles = dict.fromkeys(labels, "unknown")
    # Speaking first alone (margin 1) is not enough: a greeting or a customer cue must back it.
    if scores[ranked[0]] - runner_up >= 2:
        roles[ranked[0]] = "agent"
        if len(labels) == 2:
            roles[ranked[1]] = "customer"
    logger.debug("role scores %s -> %s", scores, roles)
    return roles


def attribute_segments(segments: Sequence[Segment], turns: Sequence[Turn], roles: Mapping[str, str]) -> list[Segment]:
    """Give each segment (split at word level when words are timed) the role of the speaker who covers it."""
    out: list[Segment] = []
    for seg in segments:
        if not seg.words:
            label = _label_for(seg.start, seg.end, turns)
            out.append(replace(seg, speaker=roles.get(label, "unknown") if label else "unknown"))
            continue
        out += _split_by_words(seg, turns, roles)
    return out


def _split_by_words(seg: Segment, turns: Sequence[Turn], roles: Mapping[str, str]) -> list[Segment]:
    groups: list[tuple[str, list[Word]]] = []
    for word in seg.words:
        label = _label_for(word.start, word.end, turns, dominance=0.5)
        role = roles.get(label, "unknown") if label else "unknown"
        if groups and groups[-1][0] == role:
            groups[-1][1].append(word)
        else:
            groups.append((role, [word]))
    # A lone unknown word between two runs of the same speaker belongs to them.
    if len(groups) == 1:
        return [replace(seg, speaker=groups[0][0])]
    return [
        Segment(
            speaker=role,
            start=words[0].start,
            end=words[-1].end,
            text="".join(w.word for w in words).strip(),
            words=tuple(words),
        )
        for role, words in groups
    ]


# --- evaluation -------------------------------------------------------------------------------------


def _frame_matrix(turns: Sequence[Turn], labels: list[str], n: int, step: float) -> np.ndarray:
    m = np.zeros((len(labels), n), dtype=bool)
    for t in turns:
        m[labels.index(t.label), round(t.start / step) : round(t.end / step)] = True
    return m


def diarization_error_rate(
    reference: Sequence[Turn], hypothesis: Sequence[Turn], collar: float = 0.25, *, step: float = 0.01
) -> float:
    """DER = (missed + false alarm + confusion) / reference speech, optimal label mapping, +-collar unscored."""
    end = max([t.end for t in [*reference, *hypothesis]], default=0.0)
    n = int(np.ceil(end / step)) + 1
    ref_labels = sorted({t.label for t in reference})
    hyp_labels = sorted({t.label for t in hypothesis})
    ref = _frame_matrix(reference, ref_labels, n, step)
    hyp = _frame_matrix(hypothesis, hyp_labels, n, step)
    scored = np.ones(n, dtype=bool)
    c = round(collar / step)
    for t in reference:
        for edge in (round(t.start / step), round(t.end / step)):
            scored[max(0, edge - c) : edge + c] = False
    ref, hyp = ref[:, scored], hyp[:, scored]
    n_ref, n_hyp = ref.sum(axis=0), hyp.sum(axis=0)
    total = n_ref.sum()
    if total == 0:
        return 0.0 if n_hyp.sum() == 0 else float("inf")
    co = ref.astype(np.int64) @ hyp.T.astype(np.int64)  # frames where ref i and hyp j both speak
    correct = _best_mapping_score(co)
    errors = np.maximum(n_ref - n_hyp, 0).sum() + np.maximum(n_hyp - n_ref, 0).sum()
    errors += np.minimum(n_ref, n_hyp).sum() - correct
    return float(errors / total)


def _best_mapping_score(co: np.ndarray) -> int:
    """Largest total co-occurrence over one-to-one ref/hyp label mappings (brute force, greedy past 8)."""
    n_ref, n_hyp = co.shape
    if n_ref == 0 or n_hyp == 0:
        return 0
    if max(n_ref, n_hyp) > 8:
        total, used_r, used_h = 0, set(), set()
        for i, j in sorted(np.ndindex(co.shape), key=lambda ij: -co[ij]):
            if i not in used_r and j not in used_h:
                total, used_r, used_h = total + int(co[i, j]), used_r | {i}, used_h | {j}
        return total
    if n_hyp <= n_ref:
        return max(sum(int(co[r, h]) for h, r in enumerate(p)) for p in itertools.permutations(range(n_ref), n_hyp))
    return max(sum(int(co[r, h]) for r, h in enumerate(p)) for p in itertools.permutations(range(n_hyp), n_ref))
