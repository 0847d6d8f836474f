"""The demo: plans ready to draw from, and calls dated so that this week's draw finds them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.demo.seed import demo_call_date
from app.extensions import db
from app.review.models import SamplingPlan
from app.review.sampling import period_bounds


def test_seed_demo_gives_each_team_one_sampling_plan(runner):
    for _ in range(2):
        assert runner.invoke(args=["qa", "seed-demo", "--without-calls"]).exit_code == 0
    plans = db.session.scalars(select(SamplingPlan)).all()
    assert len(plans) == 2 and all(p.period == "week" and p.calls_per_agent == 2 for p in plans)
    assert db.session.scalar(select(func.count(func.distinct(SamplingPlan.team_id)))) == 2


def test_demo_calls_are_dated_in_the_current_week_whatever_the_day():
    for today in (date(2026, 11, 30), date(2026, 12, 3), date(2026, 12, 6)):  # Monday, Thursday, Sunday
        start, end = period_bounds("week", today)
        for days_ago in (1, 2, 3):
            when = demo_call_date({"days_ago": days_ago, "time": "09:12"}, today)
            assert start <= when < end and when.date() <= today
    assert (
        demo_call_date({"days_ago": 2, "time": "14:40"}, date(2026, 12, 3)).isoformat() == "2026-12-01T14:40:00+00:00"
    )
