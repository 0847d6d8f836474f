"""Team view figures on a small hand-built dataset, and the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, update

from app.coaching.models import Dispute
from app.extensions import db
from app.reports import services
from app.reports.pages import team_page
from app.reports.services import TeamFilter
from app.review.models import ReviewAssignment
from app.scoring.models import Evaluation
from tests.coaching.factories import bare_call, final_evaluation, issue
from tests.conftest import login

NOV = TeamFilter(None, date(2026, 11, 1), date(2026, 11, 30))


def _on(day: int) -> datetime:
    return datetime(2026, 11, day, 10, tzinfo=UTC)


@pytest.fixture
def dataset(make):
    """Team A: Alice (80/90 and 60/50 on listening), Bob (30); team B: Chloé (100). One superseded revision."""
    team_a, team_b = make.team("Team A"), make.team("Team B")
    alice, bob, chloe = make.agent(team_a, "Alice"), make.agent(team_a, "Bob"), make.agent(team_b, "Chloé")
    final_evaluation(bare_call(alice, _on(3)), {"active_listening": (80.0, 90.0), "empathy": (70.0, 40.0)}, total=75.0)
    final_evaluation(
        bare_call(alice, _on(10)),
        {"active_listening": (60.0, 50.0), "empathy": (None, None)},
        total=65.0,
        na=("empathy",),
    )
    old = final_evaluation(bare_call(bob, _on(4)), {"active_listening": (10.0, 10.0)}, total=10.0)
    final_evaluation(old.call, {"active_listening": (30.0, 10.0)}, total=30.0, parent=old)  # replaces it
    chloe_eval = final_evaluation(bare_call(chloe, _on(5)), {"active_listening": (100.0, 95.0)}, total=100.0)
    final_evaluation(bare_call(chloe, datetime(2026, 10, 1, tzinfo=UTC)), total=0.0)  # outside November
    sheet = issue(chloe_eval)
    db.session.add(
        Dispute(
            sheet_id=sheet.id,
            criterion_key="active_listening",
            reason="r",
            raised_by_id=make.user("agent", agent=chloe).id,
        )
    )
    db.session.add_all(
        [
            ReviewAssignment(call_id=old.call_id, status="done"),
            ReviewAssignment(call_id=bare_call(bob, _on(6)).id, status="open"),
            ReviewAssignment(call_id=chloe_eval.call_id, status="done"),
        ]
    )
    db.session.commit()
    return {"A": team_a, "B": team_b, "alice": alice, "bob": bob, "chloe": chloe}


def test_averages_agreement_distribution_and_thresholds_on_a_small_dataset(app, dataset):
    with app.test_request_context():
        page = team_page(db.session, NOV, threshold=70)
    listening = next(c for c in page["criteria"] if c["key"] == "active_listening")
    assert listening["average"] == pytest.approx((80 + 60 + 30 + 100) / 4)
    assert listening["teams"][dataset["A"].id] == pytest.approx((80 + 60 + 30) / 3)
    assert listening["teams"][dataset["B"].id] == pytest.approx(100)
    # |auto - final|: 10, 10, 20, 5 -> mean 11.25; within 10 points: 3 of 4
    assert listening["mean_gap"] == pytest.approx(11.25) and listening["within"] == pytest.approx(0.75)
    empathy = next(c for c in page["criteria"] if c["key"] == "empathy")
    assert empathy["count"] == 1 and empathy["mean_gap"] == pytest.approx(30)  # the N/A score is left out
    assert page["evaluations"] == 4 and page["average"] == pytest.approx((75 + 65 + 30 + 100) / 4)
    agents = {a["name"]: a for a in page["agents"]}
    assert agents["Alice"]["average"] == pytest.approx(70) and not agents["Alice"]["under"]
    assert [a["name"] for a in page["under"]] == ["Bob"]
    assert (agents["Bob"]["reviewed"], agents["Bob"]["planned"]) == (1, 2)
    assert page["coverage"] == {"reviewed": 2, "planned": 3, "share": pytest.approx(2 / 3)}
    assert page["open_disputes"] == 1


def test_the_score_distribution_counts_current_revisions_in_ten_point_buckets(dataset):
    counts = services.score_distribution(db.session, NOV)
    assert counts == [0, 0, 0, 1, 0, 0, 1, 1, 0, 1]  # 30, 65, 75, 100 (100 counts in the last bucket)


def test_a_team_filter_keeps_to_that_team(dataset):
    only_b = TeamFilter(dataset["B"].id, NOV.start, NOV.end)
    assert sum(services.score_distribution(db.session, only_b)) == 1
    assert services.open_disputes(db.session, dataset["A"].id) == 0


def test_the_team_page_shows_the_figures(client, login_as, dataset):
    login_as("qa_manager")
    page = client.get("/reports/team?date_from=2026-11-01&date_to=2026-11-30&threshold=70").get_data(as_text=True)
    assert "Team A" in page and "Chloé" in page and "under threshold" in page
    assert page.count('<svg class="chart"') >= 4  # team trend, histogram, criteria, agents


def test_the_csv_export_has_one_row_per_current_final_evaluation_with_criterion_columns(client, login_as, dataset):
    login_as("qa_manager")
    response = client.get(f"/reports/evaluations.csv?team={dataset['A'].id}&date_from=2026-11-01&date_to=2026-11-30")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert list(rows[0])[:13] == [
        "evaluation_id",
        "revision",
        "call_id",
        "external_id",
        "call_date",
        "team",
        "agent",
        "agent_ref",
        "rubric",
        "rubric_version",
        "total",
        "auto_failed",
        "finalized_at",
    ]
    assert list(rows[0])[13:16] == ["direction", "team_id", "agent_id"]  # the API's NDJSON export has them too
    assert {"active_listening", "active_listening_auto", "active_listening_na", "empathy", "empathy_auto"} <= set(
        rows[0]
    )
    assert [(r["agent"], r["total"], r["revision"]) for r in rows] == [
        ("Alice", "75.0", "1"),
        ("Bob", "30.0", "2"),
        ("Alice", "65.0", "1"),
    ]
    assert rows[2]["empathy"] == "na" and rows[0]["empathy_auto"] == "40.0"
    assert rows[2]["empathy_na"] == "yes" and rows[0]["empathy_na"] == "no"


def test_csv_cells_that_look_like_formulas_are_kept_as_text(client, login_as, make):
    agent = make.agent(name='=HYPERLINK("http://evil")')
    final_evaluation(bare_call(agent, _on(3)), total=50.0)
    db.session.commit()
    login_as("qa_manager")
    body = client.get("/reports/evaluations.csv?date_from=2026-11-01&date_to=2026-11-30").get_data(as_text=True)
    assert "'=HYPERLINK" in body


def test_an_agent_cannot_see_the_team_view_or_export(client, make, dataset):
    login(client, make.user("agent", agent=dataset["alice"]))
    assert client.get("/reports/team").status_code == 403
    assert client.get("/reports/evaluations.csv").status_code == 403


def _same_figures(incremental, full) -> None:
    for index, width in ((0, 4), (1, 3)):
        mine = {tuple(r[:width]): tuple(r[width:]) for r in incremental[index]}
        theirs = {tuple(r[:width]): tuple(r[width:]) for r in full[index]}
        assert mine.keys() == theirs.keys()
        for key, values in mine.items():
            assert values == pytest.approx(theirs[key])
    assert incremental[2] == full[2]


def test_new_final_reviews_update_the_cached_figures_as_a_full_recount_would(dataset):
    services._CACHE.clear()
    services.score_aggregates(db.session, NOV)  # cached as of now
    before = next(iter(services._CACHE.values()))
    final_evaluation(bare_call(dataset["alice"], _on(12)), {"active_listening": (40.0, 45.0)}, total=40.0)
    bobs_current = db.session.scalars(select(Evaluation).where(Evaluation.total == 30.0)).one()
    final_evaluation(
        bobs_current.call, {"active_listening": (55.0, 10.0)}, total=55.0, parent=bobs_current
    )  # replaces Bob's current figure
    db.session.commit()

    assert services._caught_up(db.session, NOV, before, *services.finals_version(db.session)) is not None
    incremental = services.score_aggregates(db.session, NOV)
    services._CACHE.clear()
    _same_figures(incremental, services.score_aggregates(db.session, NOV))
    assert sum(incremental[2]) == 5  # Alice x3, Bob's revision, Chloé


def test_a_final_review_without_a_date_makes_the_figures_recount_from_scratch(dataset):
    services._CACHE.clear()
    services.score_aggregates(db.session, NOV)
    undated = final_evaluation(bare_call(dataset["bob"], _on(20)), {"active_listening": (90.0, 90.0)}, total=90.0)
    db.session.commit()
    # Rows written before finalisation dates were kept (a final evaluation itself refuses any change).
    db.session.execute(update(Evaluation).where(Evaluation.id == undated.id).values(finalized_at=None))
    db.session.commit()
    assert sum(services.score_aggregates(db.session, NOV)[2]) == 5
