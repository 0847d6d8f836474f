"""The role-play pages as trainers, observers and agents use them."""

from __future__ import annotations

import io

import numpy as np
import soundfile
from sqlalchemy import select

from app.extensions import db
from app.roleplay import services
from app.roleplay.models import Collection, Moment, Practice, Scenario
from tests.conftest import csrf_token
from tests.roleplay.factories import (
    EN_SECRETS,
    FR_CALL,
    FR_SECRETS,
    english_call,
    evaluated,
    french_call,
    indexed,
    scenario_draft,
    transcribed_call,
)
from tests.roleplay.test_pack import pack_text


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _leaks(html: str, secrets=FR_SECRETS + EN_SECRETS) -> list[str]:
    from html import unescape

    text = unescape(html).lower()
    return [s for s in secrets if s.lower() in text]


def _moment(**where) -> Moment:
    services.sync_moments(db.session)
    db.session.commit()
    return db.session.scalars(select(Moment).filter_by(**where).order_by(Moment.id)).first()


def _post(client, url: str, data: dict, token_from: str = "/roleplay/moments"):
    return client.post(url, data={"csrf_token": csrf_token(client, token_from), **data})


def test_a_trainer_searches_moments_and_never_sees_unredacted_words(client, make, login_as):
    french_call(make)
    english_call(make)
    login_as("trainer")
    html = _page(client, "/roleplay/moments?q=comprends")
    assert "Si je comprends bien" in html and "Je comprends votre agacement" in html
    assert "So if I understand" not in html
    everything = _page(client, "/roleplay/moments")
    assert "[TÉLÉPHONE]" in everything and "[PHONE]" in everything and _leaks(everything) == []


def _greeting_moment(make, explanations: dict[str, str] | None) -> Moment:
    """A French call whose greeting is a moment; the scorer's explanation in every language, or a plain note."""
    call = transcribed_call(make.agent(team=make.team(language="fr"), name="Julie Moreau"), FR_CALL, "fr")
    evaluated(call, [(0, "greeting", 1, explanations or "Salue le client, note du relecteur")])
    indexed(call)
    return db.session.scalars(select(Moment).where(Moment.call_id == call.id)).one()


def test_a_moment_explains_itself_in_the_readers_language(client, make, login_as):
    moment = _greeting_moment(make, {"fr": "Salue le client (Julie).", "en": "Greets the customer (Julie)."})
    trainer = login_as("trainer")
    for url in (f"/roleplay/moments/{moment.id}", "/roleplay/moments"):
        html = _page(client, url)
        assert "Greets the customer ([NAME])." in html and "Salue le client" not in html
    trainer.locale = "fr"
    db.session.commit()
    for url in (f"/roleplay/moments/{moment.id}", "/roleplay/moments"):
        html = _page(client, url)
        assert "Salue le client ([NOM])." in html and "Greets the customer" not in html


def test_a_moment_without_translations_shows_its_explanation_to_every_reader(client, make, login_as):
    moment = _greeting_moment(make, None)
    assert moment.explanations is None
    login_as("trainer")
    assert "Salue le client, note du relecteur" in _page(client, f"/roleplay/moments/{moment.id}")


def test_the_library_search_still_finds_a_moment_by_its_explanation(client, make, login_as):
    _greeting_moment(make, {"fr": "Salue chaleureusement le client.", "en": "Greets the customer warmly."})
    login_as("trainer")
    assert "Greets the customer warmly." in _page(client, "/roleplay/moments?q=chaleureusement")
    assert "Greets the customer warmly." not in _page(client, "/roleplay/moments?q=froidement")


def test_a_trainer_filters_moments_to_avoid_on_one_criterion(client, make, login_as):
    french_call(make)
    login_as("trainer")
    html = _page(client, "/roleplay/moments?criterion=active_listening&sign=-1")
    assert "appelés trois fois" in html and "Si je comprends bien" not in html


def test_every_page_a_trainer_opens_from_a_moment_is_anonymised(client, make, login_as):
    french_call(make)
    english_call(make)
    trainer = login_as("trainer")
    for language in ("fr", "en"):
        moment = _moment(language=language, segment_index=2)
        assert _leaks(_page(client, f"/roleplay/moments/{moment.id}?before=6&after=6")) == []
        assert _leaks(_page(client, f"/roleplay/scenarios/new?moment_id={moment.id}&before=6&after=6")) == []
    collection = services.create_collection(db.session, "Reformulations", trainer)
    services.pin(db.session, collection, moment, trainer)
    db.session.commit()
    assert _leaks(_page(client, f"/roleplay/collections/{collection.id}")) == []


def test_the_excerpt_shows_agent_and_customer_and_adjusts_its_span(client, make, login_as):
    french_call(make)
    login_as("trainer")
    moment = _moment(segment_index=2)
    narrow = _page(client, f"/roleplay/moments/{moment.id}?before=0&after=0")
    wide = _page(client, f"/roleplay/moments/{moment.id}?before=2&after=2")
    assert "No recording is stored for this call." in wide
    assert client.get(f"/roleplay/moments/{moment.id}/audio").status_code == 404
    assert narrow.count('class="line line-') == 1 and wide.count('class="line line-') == 5
    assert "Agent" in wide and "Customer" in wide and "[NOM]" in wide


def test_a_trainer_pins_a_moment_into_a_new_collection(client, make, login_as):
    french_call(make)
    login_as("trainer")
    moment = _moment(criterion_key="empathy")
    response = _post(client, "/roleplay/collections", {"name": "Belles marques d'empathie"})
    assert response.status_code == 302
    collection = db.session.scalars(select(Collection)).one()
    response = _post(client, "/roleplay/collections/pin", {"collection_id": collection.id, "moment_id": moment.id})
    assert response.status_code == 302
    html = _page(client, f"/roleplay/collections/{collection.id}")
    assert "Belles marques d" in html and "Je comprends votre agacement" in html
    _post(client, f"/roleplay/collections/{collection.id}/unpin", {"moment_id": moment.id})
    assert "Je comprends votre agacement" not in _page(client, f"/roleplay/collections/{collection.id}")


def test_forms_refuse_posts_without_a_csrf_token(client, make, login_as):
    login_as("trainer")
    assert client.post("/roleplay/collections", data={"name": "x"}).status_code == 400
    assert db.session.scalars(select(Collection)).first() is None


def _builder_data(**changes) -> dict:
    data = {
        "title": "Panne et client excédé",
        "language": "fr",
        "objective": "Reformuler avant d'agir",
        "criteria": ["active_listening", "empathy"],
        "situation": "Panne depuis lundi",
        "mood": "Excédé",
        "knows": "A déjà appelé",
        "brief": "Accueillez le client.",
        "customer_lines": "Ma box ne marche plus",
        "escalation_lines": "Je veux un responsable",
        "observed_response": "Redémarrez la box.",
        "model_responses": "MODELE-REPONSE si je comprends bien",
        "debrief": "Qu'avez-vous entendu ?",
    }
    return data | changes


def test_a_trainer_builds_a_scenario_from_an_excerpt_then_edits_it_into_a_new_version(client, make, login_as):
    french_call(make)
    login_as("trainer")
    moment = _moment(segment_index=3)  # the customer had to call three times: listening to avoid
    form = _page(client, f"/roleplay/scenarios/new?moment_id={moment.id}&before=1&after=1")
    assert "me rappeler au [TÉLÉPHONE]" in form  # the customer's line, prefilled and anonymised
    ideas = form[form.index("Ideas for model responses") :]
    assert "Si je comprends bien" in ideas  # a good listening example, suggested for the model responses
    response = _post(
        client,
        "/roleplay/scenarios/new",
        _builder_data(moment_id=moment.id, before=1, after=1),
        token_from="/roleplay/scenarios/new",
    )
    assert response.status_code == 302
    scenario = db.session.scalars(select(Scenario)).one()
    page = _page(client, f"/roleplay/scenarios/{scenario.id}")
    assert "Panne et client excédé" in page and "MODELE-REPONSE" in page and "Empathie" in page
    assert "version 1" in page and len(scenario.current.content["excerpts"]) == 1
    _post(
        client,
        f"/roleplay/scenarios/{scenario.id}/edit",
        _builder_data(title="Panne, version deux"),
        token_from=f"/roleplay/scenarios/{scenario.id}/edit",
    )
    db.session.expire_all()
    assert [v.version for v in scenario.versions] == [2, 1]
    assert "Panne et client excédé" in _page(client, f"/roleplay/scenarios/{scenario.id}?version=1")
    assert len(scenario.current.content["excerpts"]) == 1  # kept across versions


def test_a_scenario_without_criteria_is_refused_with_the_form_kept(client, make, login_as):
    login_as("trainer")
    response = _post(
        client, "/roleplay/scenarios/new", _builder_data(criteria=[]), token_from="/roleplay/scenarios/new"
    )
    assert response.status_code == 200 and db.session.scalars(select(Scenario)).first() is None
    assert "Panne et client excédé" in response.get_data(as_text=True)
    assert "Choose at least one criterion." in response.get_data(as_text=True)


def test_the_criteria_checkboxes_let_the_browser_send_the_form_with_some_boxes_unticked(client, login_as):
    import re

    login_as("trainer")
    page = _page(client, "/roleplay/scenarios/new")
    boxes = re.findall(r'<input[^>]*name="criteria"[^>]*>', page)
    assert boxes and not [box for box in boxes if "required" in box]  # "required" on each box = tick them all


def test_a_second_excerpt_is_added_to_an_existing_scenario(client, make, login_as):
    french_call(make)
    trainer = login_as("trainer")
    scenario = services.create_scenario(db.session, scenario_draft(), trainer)
    db.session.commit()
    moment = _moment(criterion_key="empathy")
    _post(
        client,
        "/roleplay/scenarios/excerpts",
        {"scenario_id": scenario.id, "moment_id": moment.id, "before": 1, "after": 0},
    )
    db.session.expire_all()
    assert scenario.current.version == 2 and len(scenario.current.content["excerpts"]) == 1


def test_the_trainer_downloads_both_packs(client, make, login_as):
    trainer = login_as("trainer")
    scenario = services.create_scenario(db.session, scenario_draft(), trainer)
    db.session.commit()
    trainer_pack = client.get(f"/roleplay/scenarios/{scenario.id}/pack.pdf")
    trainee_pack = client.get(f"/roleplay/scenarios/{scenario.id}/pack.pdf?trainee=1")
    assert trainer_pack.mimetype == "application/pdf" and "modele-reponse" in pack_text(trainer_pack.data)
    assert "modele-reponse" not in pack_text(trainee_pack.data)


def _assigned(make, *, team: bool = False):
    trainer = make.user("trainer")
    agent = make.agent()
    scenario = services.create_scenario(db.session, scenario_draft(), trainer)
    services.assign(db.session, scenario, trainer, **({"team_id": agent.team_id} if team else {"agent": agent}))
    other = services.create_scenario(db.session, scenario_draft(title="Pas pour vous"), trainer)
    db.session.commit()
    return agent, scenario, other


def test_agents_see_only_the_role_plays_assigned_to_them(client, make, login_as):
    agent, scenario, other = _assigned(make)
    login_as("agent", agent=agent)
    listing = _page(client, "/me/roleplays")
    assert scenario_draft().title in listing and "Pas pour vous" not in listing
    assert client.get(f"/me/roleplays/{other.id}").status_code == 404
    assert client.get(f"/me/roleplays/{other.id}/pack.pdf").status_code == 404
    assert client.get(f"/roleplay/scenarios/{scenario.id}").status_code == 403
    assert client.get("/roleplay/moments").status_code == 403


def test_a_team_assignment_reaches_every_agent_of_the_team(client, make, login_as):
    agent, scenario, _ = _assigned(make, team=True)
    teammate = make.agent(team=agent.team)
    login_as("agent", agent=teammate)
    assert client.get(f"/me/roleplays/{scenario.id}").status_code == 200


def test_agents_get_the_trainee_version_only(client, make, login_as):
    agent, scenario, _ = _assigned(make)
    login_as("agent", agent=agent)
    html = _page(client, f"/me/roleplays/{scenario.id}")
    assert "Accueillez le client" in html and "Ma box ne marche plus" in html
    for hidden in ("MODELE-REPONSE", "Il faut redémarrer", "Je veux parler à un responsable", "Observer checklist"):
        assert hidden not in html, hidden
    assert "modele-reponse" not in pack_text(client.get(f"/me/roleplays/{scenario.id}/pack.pdf").data)


def test_an_observer_records_a_practice_that_joins_the_agents_history_apart_from_call_scores(client, make, login_as):
    agent, scenario, _ = _assigned(make)
    login_as("qa_manager")
    form = _page(client, f"/roleplay/scenarios/{scenario.id}/practice")
    assert "Écoute active" in form and agent.name in form
    response = _post(
        client,
        f"/roleplay/scenarios/{scenario.id}/practice",
        {"agent_id": agent.id, "ticked": ["empathy"], "overall": 70, "notes": "Bonne reformulation"},
        token_from=f"/roleplay/scenarios/{scenario.id}/practice",
    )
    assert response.status_code == 302
    practice = db.session.scalars(select(Practice)).one()
    assert practice.ticked == ["empathy"] and practice.overall == 70
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as("agent", agent=agent)
    html = _page(client, "/me/coaching")
    practice_part = html[html.index('id="practices-title"') :]
    assert scenario_draft().title in practice_part and "70/100" in practice_part and "1 of 2" in practice_part
    sheets_part = html[html.index('id="sheets-title"') : html.index('id="practices-title"')]
    assert "70/100" not in sheets_part


def test_a_practice_needs_an_assigned_agent(client, make, login_as):
    _, scenario, _ = _assigned(make)
    stranger = make.agent()
    login_as("trainer")
    response = _post(
        client,
        f"/roleplay/scenarios/{scenario.id}/practice",
        {"agent_id": stranger.id, "overall": 50},
        token_from=f"/roleplay/scenarios/{scenario.id}/practice",
    )
    assert response.status_code == 200 and db.session.scalars(select(Practice)).first() is None


def test_assignments_are_audited(client, make, login_as):
    from app.audit.models import AuditEvent

    trainer = login_as("trainer")
    agent = make.agent()
    scenario = services.create_scenario(db.session, scenario_draft(), trainer)
    db.session.commit()
    _post(client, f"/roleplay/scenarios/{scenario.id}/assign", {"agent_id": agent.id, "team_id": 0})
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "roleplay.assigned")).one()
    assert event.actor_id == trainer.id and event.details["agent"] == agent.id


def test_assigning_a_role_play_again_says_it_was_already_assigned_and_adds_nothing(client, make, login_as):
    from app.roleplay.models import RoleplayAssignment

    trainer = login_as("trainer")
    agent = make.agent()
    scenario = services.create_scenario(db.session, scenario_draft(), trainer)
    db.session.commit()
    url = f"/roleplay/scenarios/{scenario.id}/assign"
    first = _post(client, url, {"agent_id": agent.id, "team_id": 0})
    assert "Role-play assigned." in _page(client, first.headers["Location"])
    again = _post(client, url, {"agent_id": agent.id, "team_id": 0})
    html = _page(client, again.headers["Location"])
    assert "This role-play was already assigned." in html and "Role-play assigned." not in html
    assert len(db.session.scalars(select(RoleplayAssignment)).all()) == 1


def test_a_moments_clip_covers_the_phone_number_with_a_tone(client, make, login_as):
    from app.audio import load_audio, to_mono
    from app.calls.services import recording_path
    from app.transcription.models import TranscriptSegment

    agent = make.agent(name="Julie Moreau")
    call = make.call(agent, seconds=6.0)
    text = "call me back on 617 555 0199 thanks"
    words = [{"start": 0.5 * i, "end": 0.5 * i + 0.5, "word": f" {w}"} for i, w in enumerate(text.split())]
    call.transcript.segments[:] = [
        TranscriptSegment(
            position=0, speaker="customer", start=0.0, end=4.5, text=text, redacted_text=text, words=words
        )
    ]
    db.session.flush()
    evaluated(call, [(0, "active_listening", -1, "asked again")])
    login_as("trainer")
    moment = _moment(call_id=call.id)
    assert f'src="/roleplay/moments/{moment.id}/audio"' in _page(client, f"/roleplay/moments/{moment.id}")
    response = client.get(f"/roleplay/moments/{moment.id}/audio")
    assert response.status_code == 200 and response.mimetype == "audio/wav"
    clip, rate = soundfile.read(io.BytesIO(response.data))
    original = to_mono(load_audio(recording_path(call)))
    number = slice(int(2.1 * rate), int(3.4 * rate))  # "617 555 0199" is said from 2.0 s to 3.5 s
    spectrum = np.abs(np.fft.rfft(clip[number]))
    assert abs(np.argmax(spectrum) * rate / (2 * (len(spectrum) - 1)) - 1000) < 20
    assert np.allclose(clip[: int(1.5 * rate)], original[: int(1.5 * rate)], atol=1e-3)
