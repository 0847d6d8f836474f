"""Scenario content and versions: checklist from the rubric, excerpts as lines, new versions on edit."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.roleplay import services
from app.roleplay.excerpts import Excerpt, Turn
from app.roleplay.scenario import (
    ScenarioInvalid,
    checklist,
    customer_lines,
    excerpt_block,
    finalise,
    from_content,
    from_excerpt,
    split_lines,
    to_content,
)
from app.scoring.rubrics import bundled_rubrics
from tests.roleplay.factories import scenario_draft


def test_the_checklist_speaks_the_scenarios_language():
    fr = checklist(bundled_rubrics()["hotline_fr"], ["empathy", "active_listening"], "fr")
    en = checklist(bundled_rubrics()["hotline_en"], ["empathy"], "en")
    assert [i.title for i in fr] == ["Empathie", "Écoute active"]
    assert en[0].title == "Empathy" and en[0].counts


def test_a_scenario_needs_a_title_and_known_criteria():
    with pytest.raises(ScenarioInvalid) as err:
        finalise(scenario_draft(title=" ", criteria=("telepathy",)), bundled_rubrics()["hotline_fr"])
    assert set(err.value.errors) == {"title", "criteria"}


def test_an_excerpt_gives_customer_lines_and_the_observed_response():
    excerpt = Excerpt("fr", (Turn(1, "customer", 0, 1, "Ça ne marche pas."), Turn(2, "agent", 1, 2, "Redémarrez.")))
    draft = from_excerpt(
        scenario_draft(customer_lines=(), observed_response="", criteria=("empathy",)),
        excerpt_block(7, "active_listening", excerpt),
    )
    assert [line.text for line in draft.customer_lines] == ["Ça ne marche pas."]
    assert draft.observed_response == "Redémarrez."
    assert draft.criteria == ("empathy", "active_listening")
    assert draft.excerpts[0].moment_id == 7


def test_several_excerpts_combine():
    one = excerpt_block(1, "empathy", Excerpt("fr", (Turn(0, "customer", 0, 1, "Un."),)))
    two = excerpt_block(2, "empathy", Excerpt("fr", (Turn(5, "customer", 0, 1, "Deux."),)))
    draft = from_excerpt(from_excerpt(scenario_draft(customer_lines=()), one), two)
    assert [e.moment_id for e in draft.excerpts] == [1, 2]
    assert [line.text for line in draft.customer_lines] == ["Un.", "Deux."]


def test_content_round_trips_through_storage():
    draft = finalise(scenario_draft(), bundled_rubrics()["hotline_fr"])
    assert from_content(draft.title, draft.language, draft.rubric_key, to_content(draft)) == draft


def test_escalation_lines_are_kept_apart():
    lines = customer_lines("Bonjour\n\nJ'ai un souci", "Je veux un responsable")
    assert [line.escalation for line in lines] == [False, False, True]
    assert split_lines(lines) == ("Bonjour\nJ'ai un souci", "Je veux un responsable")


def test_editing_a_scenario_makes_a_new_version_and_keeps_the_old(app, make):
    trainer = make.user("trainer")
    scenario = services.create_scenario(db.session, scenario_draft(), trainer)
    db.session.commit()
    services.save_version(db.session, scenario, replace(scenario_draft(), title="Version deux"), trainer)
    db.session.commit()
    assert [v.version for v in scenario.versions] == [2, 1]
    assert scenario.current.title == "Version deux"
    assert services.scenario_version(scenario, 1).title == scenario_draft().title
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_type == "scenario")).all()
    assert sorted(actions) == ["roleplay.scenario_created", "roleplay.scenario_versioned"]


def test_saving_an_unchanged_scenario_adds_no_version(app, make):
    trainer = make.user("trainer")
    scenario = services.create_scenario(db.session, scenario_draft(), trainer)
    assert services.save_version(db.session, scenario, scenario_draft(), trainer).version == 1


def test_an_english_scenario_gets_an_english_checklist(app, make):
    scenario = services.create_scenario(db.session, scenario_draft("en"), make.user("trainer"))
    assert [i["title"] for i in scenario.current.content["checklist"]] == ["Active listening", "Empathy"]
