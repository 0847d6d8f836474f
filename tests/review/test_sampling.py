"""Sampling: reproducible draws, strata, exclusions, targeted criterion, coverage and overdue."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.db import utcnow
from app.extensions import db
from app.review import assignments
from app.review.agreement import krippendorff_alpha
from app.review.models import ReviewAssignment
from app.review.sampling import Candidate, draw, period_bounds, stratum_counts
from app.review.services import CriterionChange, finalise, save_draft, start_review
from tests.review.conftest import NOV


def _pool(n=30, agents=(1, 2)):
    return [
        Candidate(
            call_id=i,
            agent_id=agents[i % len(agents)],
            duration=120,
            total=float(i * 3 % 100),
            criteria={"empathy": float((i * 7) % 100)},
            flagged=i % 5 == 0,
            long_silence=i % 4 == 0,
        )
        for i in range(1, n + 1)
    ]


def test_the_same_seed_and_candidates_give_the_same_draw_whatever_their_order():
    pool = _pool()
    first = draw(pool, per_agent=4, seed=1234, shares={"flagged": 0.25})
    again = draw(list(reversed(pool)), per_agent=4, seed=1234, shares={"flagged": 0.25})
    assert first == again and len(first) == 8
    assert draw(pool, per_agent=4, seed=99) != first


def test_one_agents_new_call_does_not_change_another_agents_draw():
    pool = _pool()
    before = [p for p in draw(pool, per_agent=3, seed=7) if p.agent_id == 1]
    after = [p for p in draw(pool + [Candidate(999, 2, 120)], per_agent=3, seed=7) if p.agent_id == 1]
    assert before == after


def test_strata_take_their_share_then_the_rest_is_random():
    picks = draw(_pool(), per_agent=4, seed=3, shares={"lowest_scores": 0.25, "flagged": 0.25})
    agent1 = [p for p in picks if p.agent_id == 1]
    assert sorted(p.stratum for p in agent1) == ["flagged", "lowest_scores", "random", "random"]
    lowest = next(p for p in agent1 if p.stratum == "lowest_scores")
    assert lowest.call_id == min((c for c in _pool() if c.agent_id == 1), key=lambda c: c.total).call_id
    assert stratum_counts(3, {"lowest_scores": 0.5, "flagged": 0.5}) == {"lowest_scores": 2, "flagged": 1}


def test_a_targeted_draw_takes_the_lowest_scores_on_one_criterion():
    picks = draw(_pool(), per_agent=2, seed=1, criterion="empathy")
    for agent in (1, 2):
        mine = sorted((c for c in _pool() if c.agent_id == agent), key=lambda c: c.criteria["empathy"])
        assert {p.call_id for p in picks if p.agent_id == agent} == {c.call_id for c in mine[:2]}
    assert {p.stratum for p in picks} == {"criterion"}


def test_weeks_start_on_monday_and_months_on_the_first():
    start, end = period_bounds("week", NOV.date() + timedelta(days=3))
    assert (start.weekday(), (end - start).days) == (0, 7)
    start, end = period_bounds("month", NOV.date())
    assert (start.day, end.month) == (1, 12)


def test_krippendorffs_alpha_matches_the_textbook_example():
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 observers, 12 units, missing values.
    n = None
    rows = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3],
        [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n],
    ]
    units = list(zip(*rows, strict=True))
    assert round(krippendorff_alpha(units, "interval"), 3) == 0.849
    assert round(krippendorff_alpha(units, "nominal"), 3) == 0.743
    assert krippendorff_alpha([[50, None]]) is None


def _plan(team, **kw):
    options = {"name": "Weekly", "calls_per_agent": 2, "period": "week", "min_duration": 1.0} | kw
    return assignments.create_plan(db.session, team=team, **options)


def test_a_draw_skips_short_calls_and_calls_already_queued_or_reviewed(scored, make):
    team = make.team(language="fr")
    agent = make.agent(team)
    reviewer = make.user("qa_manager")
    calls = [scored(agent, when=NOV) for _ in range(4)]
    short_plan = _plan(team, min_duration=10.0)  # the test recordings last 2 s
    assert assignments.draw(db.session, short_plan, day=NOV.date(), reviewer=reviewer, seed=1) == []
    draft = start_review(db.session, calls[0], reviewer)
    save_draft(
        db.session,
        draft,
        reviewer,
        changes={c.criterion_key: CriterionChange(c.score, c.na, "ok") for c in draft.criteria},
    )
    finalise(db.session, draft, reviewer)
    db.session.add(ReviewAssignment(call_id=calls[1].id, status="open"))
    plan = _plan(team, calls_per_agent=5)
    drawn = assignments.draw(db.session, plan, day=NOV.date(), reviewer=reviewer, seed=5)
    assert {a.call_id for a in drawn} == {calls[2].id, calls[3].id}
    assert {a.seed for a in drawn} == {5} and all(a.due_at and a.reviewer_id == reviewer.id for a in drawn)
    assert assignments.draw(db.session, plan, day=NOV.date(), reviewer=reviewer, seed=6) == []  # nothing drawn twice


def test_coverage_counts_final_reviews_against_the_plan_and_overdue_is_tracked(scored, make):
    team = make.team(language="fr")
    agent = make.agent(team, name="Julie")
    reviewer = make.user("qa_manager")
    calls = [scored(agent, when=NOV) for _ in range(2)]
    plan = _plan(team)
    rows = assignments.draw(db.session, plan, day=NOV.date(), reviewer=reviewer, seed=1, due_days=-1)
    assert len(assignments.overdue_assignments(db.session)) == 2 and assignments.is_overdue(rows[0])
    draft = start_review(db.session, calls[0], reviewer)
    save_draft(
        db.session,
        draft,
        reviewer,
        changes={c.criterion_key: CriterionChange(c.score, c.na, "ok") for c in draft.criteria},
    )
    finalise(db.session, draft, reviewer)
    db.session.commit()
    assert assignments.coverage(db.session, plan, NOV.date()) == [
        {"agent": "Julie", "agent_id": agent.id, "reviewed": 1, "planned": 2, "target": 2, "ratio": 0.5}
    ]
    assert len(assignments.overdue_assignments(db.session, utcnow())) == 1
    assert db.session.scalars(select(ReviewAssignment).where(ReviewAssignment.status == "done")).one()


def test_a_call_without_an_automatic_score_is_not_drawn(scored, make):
    from app.scoring.models import Evaluation

    team = make.team(language="fr")
    agent = make.agent(team)
    unscored = scored(agent, when=NOV)
    for evaluation in db.session.scalars(select(Evaluation).where(Evaluation.call_id == unscored.id)):
        db.session.delete(evaluation)
    db.session.commit()
    assert assignments.draw(db.session, _plan(team), day=NOV.date(), reviewer=make.user("qa_manager"), seed=1) == []


def test_a_skipped_call_is_not_drawn_again_and_a_removed_one_may_be(scored, make):
    team = make.team(language="fr")
    agent = make.agent(team)
    manager, other = make.user("qa_manager"), make.user("qa_manager")
    for _ in range(3):
        scored(agent, when=NOV)
    plan = _plan(team, calls_per_agent=1)
    (first,) = assignments.draw(db.session, plan, day=NOV.date(), reviewer=manager, seed=1)
    assignments.reassign(db.session, first, other, manager)
    assert [r.id for r in assignments.open_assignments(db.session, other)] == [first.id]
    skipped_call = first.call_id
    assignments.skip(db.session, first, manager)
    (second,) = assignments.draw(db.session, plan, day=NOV.date(), reviewer=manager, seed=1)
    assert second.call_id != skipped_call
    removed_call = second.call_id
    assignments.remove(db.session, second, manager)
    db.session.commit()
    pool = {c.call_id for c in assignments.candidates(db.session, plan, *period_bounds("week", NOV.date()))}
    assert removed_call in pool and skipped_call not in pool


def test_the_review_page_and_the_team_view_agree_on_an_agents_coverage_for_the_same_week(scored, make):
    from app.reports.services import TeamFilter
    from app.reports.services import coverage as team_coverage

    team = make.team(language="fr")
    agent = make.agent(team)
    scored(agent, when=NOV)  # one call to draw, though the plan asks for two
    plan = _plan(team)
    assignments.draw(db.session, plan, day=NOV.date(), reviewer=make.user("qa_manager"), seed=1)
    db.session.commit()
    (row,) = assignments.coverage(db.session, plan, NOV.date())
    start, end = period_bounds("week", NOV.date())
    week = TeamFilter(team.id, start.date(), (end - timedelta(days=1)).date())
    assert (row["reviewed"], row["planned"]) == team_coverage(db.session, week)[agent.id] == (0, 1)
    assert row["target"] == 2
