"""A scenario pack's content (pure): the trainer version has model responses and the observer
checklist, the trainee version has neither. The pack speaks the scenario's language, so its labels
live here in both languages instead of in the gettext catalogues."""

from __future__ import annotations

from typing import Any

from app.roleplay.scenario import ScenarioDraft

LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "trainer": "Version formateur",
        "trainee": "Version apprenant",
        "version": "version",
        "objective": "Objectif pédagogique",
        "criteria": "Critères travaillés",
        "persona": "Le client",
        "situation": "Situation",
        "mood": "État d’esprit",
        "knows": "Ce qu’il sait",
        "brief": "Consignes",
        "lines": "Répliques du client",
        "escalation": "Si l’appel se passe mal",
        "excerpts": "Extraits d’appels réels",
        "observed": "Réponse observée",
        "models": "Réponses modèles",
        "debrief": "Questions de débriefing",
        "checklist": "Grille d’observation",
        "done": "Fait",
        "notes": "Notes de l’observateur",
        "agent": "Conseiller",
        "customer": "Client",
        "footer": "Données personnelles masquées, personnes anonymisées.",
    },
    "en": {
        "trainer": "Trainer version",
        "trainee": "Trainee version",
        "version": "version",
        "objective": "Learning objective",
        "criteria": "Criteria practised",
        "persona": "The customer",
        "situation": "Situation",
        "mood": "Mood",
        "knows": "What they know",
        "brief": "Your brief",
        "lines": "Customer lines",
        "escalation": "If the call goes badly",
        "excerpts": "Excerpts from real calls",
        "observed": "Observed response",
        "models": "Model responses",
        "debrief": "Debrief questions",
        "checklist": "Observer checklist",
        "done": "Done",
        "notes": "Observer notes",
        "agent": "Agent",
        "customer": "Customer",
        "footer": "Personal data hidden, people anonymised.",
    },
}


def pack_context(
    draft: ScenarioDraft, version: int, *, trainee: bool, criterion_titles: dict[str, str]
) -> dict[str, Any]:
    """Everything the pack template shows; the trainee version leaves out what would give the answers."""
    lang = "fr" if draft.language == "fr" else "en"
    t = LABELS[lang]
    return {
        "lang": lang,
        "t": t,
        "title": draft.title,
        "version": version,
        "trainee": trainee,
        "edition": t["trainee"] if trainee else t["trainer"],
        "objective": draft.objective,
        "criteria": [criterion_titles.get(k, k) for k in draft.criteria],
        "persona": [(t[k], getattr(draft, k)) for k in ("situation", "mood", "knows") if getattr(draft, k)],
        "brief": draft.brief,
        "lines": [line.text for line in draft.customer_lines if not line.escalation],
        # Escalation lines are the partner's surprise: the trainee meets them in the role-play, not before.
        "escalation": [] if trainee else [line.text for line in draft.customer_lines if line.escalation],
        # The real exchange shows how the agent answered: only the trainer sees it before practice.
        "excerpts": []
        if trainee
        else [[{"speaker": t[turn.speaker], "text": turn.text} for turn in e.turns] for e in draft.excerpts],
        "observed": "" if trainee else draft.observed_response,
        "models": [] if trainee else list(draft.model_responses),
        "debrief": list(draft.debrief),
        "checklist": [] if trainee else [{"title": i.title, "counts": i.counts} for i in draft.checklist],
    }
