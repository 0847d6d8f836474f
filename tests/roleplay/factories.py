"""Calls with real words and evidence on them, built directly (no audio): the role-play material's sources."""

from __future__ import annotations

from app.extensions import db
from app.pii import redact_text
from app.scoring.choices import EvaluationKind, EvaluationStatus, EvidenceSource
from app.scoring.models import CriterionScore, Evaluation, Evidence
from app.scoring.services import current_version
from app.transcription.models import Transcript, TranscriptSegment
from tests.coaching.factories import bare_call

FR_CALL = [
    ("agent", "Bonjour, service client, Julie Moreau à l'appareil, que puis-je faire pour vous ?"),
    ("customer", "Bonjour, je suis Paul Lefèvre, j'habite à Toulouse et ma box Orange ne marche plus depuis lundi."),
    ("agent", "Si je comprends bien, votre connexion est coupée depuis lundi, c'est bien ça ?"),
    (
        "customer",
        "Oui, et je vous ai déjà appelés trois fois, vous pouvez me rappeler au 06 12 34 56 78 "
        "ou m'écrire à paul.lefevre@gmail.com.",
    ),
    ("agent", "Je comprends votre agacement, je m'en occupe personnellement."),
    ("customer", "Merci, j'espère que ça va enfin marcher."),
]
EN_CALL = [
    ("agent", "Good morning, customer care, this is Julie Moreau speaking, how can I help?"),
    ("customer", "Hi, my name is Sarah Connor, I live in Boston and my Comcast router keeps dropping."),
    ("agent", "So if I understand correctly, the connection drops every evening, is that right?"),
    (
        "customer",
        "Yes, and I have called three times already, call me back on 617 555 0199 or email sarah.connor@example.com.",
    ),
    ("agent", "I understand how frustrating that is, I will take care of it myself."),
    ("customer", "Thanks, I hope it finally works."),
]
# Words of the source calls that must never reach a trainer or an export.
FR_SECRETS = (
    "Julie",
    "Moreau",
    "Paul",
    "Lefèvre",
    "Toulouse",
    "Orange",
    "06 12 34 56 78",
    "paul.lefevre@gmail.com",
    "gmail",
)
EN_SECRETS = ("Julie", "Moreau", "Sarah", "Connor", "Boston", "Comcast", "617 555 0199", "sarah.connor@example.com")


def transcribed_call(agent, lines=FR_CALL, language: str = "fr", *, direction: str = "inbound"):
    """A call whose transcript says `lines` ((speaker, text) pairs), five seconds a line, words timed."""
    call = bare_call(agent)
    call.language, call.direction = language, direction
    transcript = Transcript(
        call_id=call.id, language=language, duration=5.0 * len(lines), engine="fake", model="fake", attribution="stereo"
    )
    for i, (speaker, text) in enumerate(lines):
        words, step = text.split(), 5.0 / max(1, len(text.split()))
        transcript.segments.append(
            TranscriptSegment(
                position=i,
                speaker=speaker,
                start=5.0 * i,
                end=5.0 * i + 5.0,
                text=text,
                redacted_text=redact_text(text, language),
                words=[
                    {"start": 5.0 * i + j * step, "end": 5.0 * i + (j + 1) * step, "word": f" {w}"}
                    for j, w in enumerate(words)
                ],
            )
        )
    db.session.add(transcript)
    db.session.flush()
    return call


def evaluated(call, evidence, *, total: float = 72.0, status: str = EvaluationStatus.AUTO, parent=None):
    """An evaluation of the call with evidence: (segment, criterion, sign, explanation) or with a (start, end) span.
    An explanation given as {"fr": ..., "en": ...} is the scorer's, in every interface language."""
    rubric = "hotline_fr" if call.language == "fr" else "hotline_en"
    evaluation = Evaluation(
        call_id=call.id,
        rubric_version_id=current_version(db.session, rubric).id,
        kind=EvaluationKind.AUTO if status == EvaluationStatus.AUTO else EvaluationKind.REVIEW,
        status=EvaluationStatus.AUTO if status == EvaluationStatus.AUTO else EvaluationStatus.DRAFT,
        total=total,
        revision=parent.revision + 1 if parent else 1,
        parent_id=parent.id if parent else None,
    )
    rows: dict[str, CriterionScore] = {}
    segments = call.transcript.segments
    for item in evidence:
        segment, key, sign, why = item[:4]
        span = item[4] if len(item) > 4 else (0, len(segments[segment].text))
        row = rows.setdefault(
            key, CriterionScore(position=len(rows), criterion_key=key, score=total, auto_score=total, weight=1.0)
        )
        row.evidence.append(
            Evidence(
                segment_index=segment,
                char_start=span[0],
                char_end=span[1],
                start=segments[segment].start,
                end=segments[segment].end,
                rule="test",
                sign=sign,
                explanation=why[call.language] if isinstance(why, dict) else why,
                explanations=why if isinstance(why, dict) else None,
                source=EvidenceSource.AUTO,
            )
        )
    evaluation.criteria = list(rows.values())
    db.session.add(evaluation)
    db.session.flush()
    if status == EvaluationStatus.FINAL:
        evaluation.status = EvaluationStatus.FINAL
        db.session.flush()
    db.session.commit()
    return evaluation


def indexed(call):
    """What the index_moments job does after scoring: the call's evidence joins the moment library."""
    from app.roleplay.services import sync_moments

    sync_moments(db.session, call_id=call.id)
    db.session.commit()
    return call


def french_call(make, team=None, **kwargs):
    """The French call with a reformulation (+), an empathy moment (+) and a customer complaint (-), indexed."""
    agent = make.agent(team=team or make.team(language="fr"), name="Julie Moreau")
    call = transcribed_call(agent, FR_CALL, "fr", **kwargs)
    evaluated(
        call,
        [
            (2, "active_listening", 1, "Reformulation du problème"),
            (4, "empathy", 1, "Reconnaît l'agacement du client"),
            (3, "active_listening", -1, "Le client a dû rappeler plusieurs fois"),
        ],
    )
    return indexed(call)


def english_call(make, team=None, **kwargs):
    agent = make.agent(team=team or make.team(language="en"), name="Julie Moreau")
    call = transcribed_call(agent, EN_CALL, "en", **kwargs)
    evaluated(
        call,
        [
            (2, "active_listening", 1, "Plays the problem back"),
            (4, "empathy", 1, "Acknowledges the frustration"),
            (3, "active_listening", -1, "The customer had to call several times"),
        ],
        total=45.0,
    )
    return indexed(call)


def scenario_draft(language: str = "fr", **changes):
    """A complete scenario as a trainer would write it."""
    from app.roleplay.scenario import Line, ScenarioDraft

    fr = language == "fr"
    base = dict(
        title="Client excédé par une panne" if fr else "Customer angry about an outage",
        language=language,
        rubric_key="hotline_fr" if fr else "hotline_en",
        objective="Reformuler avant de proposer une solution" if fr else "Play the problem back before fixing it",
        criteria=("active_listening", "empathy"),
        situation="Panne depuis lundi" if fr else "Outage since Monday",
        mood="Excédé" if fr else "Fed up",
        knows="Il a déjà appelé trois fois" if fr else "Has called three times already",
        brief="Accueillez le client et reprenez son problème." if fr else "Greet the customer and take the problem.",
        customer_lines=(
            Line("Ma box ne marche plus !" if fr else "My router is dead!"),
            Line("Je veux parler à un responsable." if fr else "I want a manager.", escalation=True),
        ),
        observed_response="Il faut redémarrer la box." if fr else "You need to restart the router.",
        model_responses=(
            "MODELE-REPONSE : si je comprends bien, votre connexion est coupée depuis lundi."
            if fr
            else "MODEL-ANSWER: so your connection has been down since Monday.",
        ),
        debrief=("Qu'avez-vous entendu ?" if fr else "What did you hear?",),
    )
    base.update(changes)
    return ScenarioDraft(**base)


def roleplay_objects(world: dict, template: str) -> dict[str, int]:
    """For the access matrix: a moment of the world's call, a collection, and a scenario assigned to its agent."""
    from app.roleplay import services

    if not any(p in template for p in ("{moment}", "{collection}", "{scenario}")):
        return {}
    call, trainer = world["call"], world["users"]["trainer"]
    if not call.transcript.segments:  # the fake engine hears tones, not words: give the audio a line to quote
        call.transcript.segments.append(
            TranscriptSegment(
                position=0,
                speaker="agent",
                start=0.0,
                end=1.5,
                text="Bonjour, Julie Moreau à l'appareil.",
                redacted_text="Bonjour, Julie Moreau à l'appareil.",
                words=[],
            )
        )
        db.session.flush()
    evaluated(call, [(0, "active_listening", 1, "matrix moment")])
    indexed(call)
    moment = services.search_moments(db.session, services.MomentFilters())[0][0]
    collection = services.create_collection(db.session, "Matrix", trainer)
    scenario = services.create_scenario(db.session, scenario_draft(), trainer)
    services.assign(db.session, scenario, trainer, agent=call.agent)
    db.session.commit()
    return {"moment": moment.id, "collection": collection.id, "scenario": scenario.id}
