"""The calls list: search the words of the transcripts, filter by total and by one criterion's score."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.scoring.models import CriterionScore, Evaluation
from tests.conftest import login
from tests.review.conftest import scored_call


def _listed(client, query: str) -> str:
    return client.get(f"/calls/?{query}").get_data(as_text=True)


def _with_scores(call, total: float, empathy: float):
    evaluation = db.session.scalars(select(Evaluation).where(Evaluation.call_id == call.id)).one()
    evaluation.total = total
    db.session.scalars(
        select(CriterionScore).where(
            CriterionScore.evaluation_id == evaluation.id, CriterionScore.criterion_key == "empathy"
        )
    ).one().score = empathy
    db.session.commit()
    return call


def test_a_manager_finds_calls_by_words_said_total_and_criterion_score(client, make):
    low = _with_scores(scored_call(make), total=35, empathy=20)
    high = _with_scores(scored_call(make), total=85, empathy=90)
    login(client, make.user("qa_manager"))

    def shown(query):
        page = _listed(client, query)
        return {call.id for call in (low, high) if f'href="/calls/{call.id}"' in page}

    assert shown("said=redémarrer+le+DSLAM") == {low.id, high.id}
    assert shown("said=nothing+like+this") == set()
    assert shown("total_max=50") == {low.id}
    assert shown("total_min=50&total_max=100") == {high.id}
    assert shown("criterion=empathy&criterion_max=30") == {low.id}
    assert shown("criterion=empathy&criterion_min=30") == {high.id}


def test_a_search_with_percent_signs_matches_them_literally(client, make):
    scored_call(make)
    login(client, make.user("qa_manager"))
    assert "0 calls" in _listed(client, "said=%25")
