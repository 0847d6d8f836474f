"""Team page time with 10,000 final evaluations (x 9 criteria) and 50 agents: p50/p95 (target p95 < 100 ms).

.venv/bin/python bench/team_page.py [--evaluations 10000] [--agents 50] [--runs 40]

Seeds a temporary SQLite database; with DATABASE_URL set, that PostgreSQL database too (its tables are
created and dropped: point it at a scratch database). Requests go through the Flask test client, signed in
as a QA manager, so routing, permissions, queries and templates are all counted.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from app.config import sqlalchemy_url

CRITERIA = (
    "active_listening",
    "jargon",
    "empathy",
    "greeting",
    "hold_etiquette",
    "closing",
    "compliance",
    "call_flow",
    "forbidden_phrases",
)
PASSWORD = "bench-password-123"


def _recording(i: int) -> dict:
    """A stored-recording row with no file behind it: the pages read its metadata only."""
    return {
        "id": i,
        "sha256": f"{i:064x}",
        "size": 1,
        "format": "wav",
        "codec": "pcm",
        "duration": 300.0,
        "channels": 2,
        "sample_rate": 16000,
        "extension": "wav",
    }


def seed(db, n_evaluations: int, n_agents: int) -> None:
    """Bulk rows through Core inserts: teams, agents, calls over the last 12 weeks, final evaluations, scores."""
    from app.auth.services import create_user
    from app.calls.models import Call, Recording
    from app.coaching.models import CoachingSheet, Dispute
    from app.review.models import ReviewAssignment
    from app.scoring.models import CriterionScore, Evaluation
    from app.scoring.services import current_version
    from app.teams.models import Agent, Team

    rng = random.Random(7)
    session = db.session
    version_id = current_version(session, "hotline_fr").id
    manager = create_user(session, email="qa@bench.example", name="QA", password=PASSWORD, role="qa_manager")
    session.commit()
    session.execute(insert(Team), [{"id": i, "name": f"Team {i}", "language": "fr"} for i in (1, 2)])
    session.execute(
        insert(Agent),
        [
            {"id": i, "team_id": 1 + i % 2, "name": f"Agent {i:02d}", "external_ref": f"B{i}"}
            for i in range(1, n_agents + 1)
        ],
    )
    now = datetime.now(UTC)
    recordings, calls, evaluations, scores, assignments = [], [], [], [], []
    for i in range(1, n_evaluations + 1):
        agent = 1 + i % n_agents
        when = now - timedelta(minutes=rng.randrange(0, 12 * 7 * 24 * 60))
        recordings.append(_recording(i))
        calls.append(
            {
                "id": i,
                "recording_id": i,
                "agent_id": agent,
                "team_id": 1 + agent % 2,
                "call_date": when,
                "original_filename": "c.wav",
                "status": "scored",
            }
        )
        skill = 40 + (agent * 7) % 50
        values = {k: max(0.0, min(100.0, rng.gauss(skill, 15))) for k in CRITERIA}
        evaluations.append(
            {
                "id": i,
                "call_id": i,
                "rubric_version_id": version_id,
                "kind": "review",
                "status": "final",
                "revision": 1,
                "total": sum(values.values()) / len(values),
                "finalized_at": when,
                "created_at": when,
            }
        )
        scores += [
            {
                "evaluation_id": i,
                "position": p,
                "criterion_key": k,
                "score": v,
                "weight": 1.0,
                "auto_score": max(0.0, min(100.0, v + rng.gauss(0, 12))),
                "na": False,
            }
            for p, (k, v) in enumerate(values.items())
        ]
        assignments.append({"call_id": i, "status": "done" if rng.random() < 0.8 else "open"})
    for table, rows in (
        (Recording, recordings),
        (Call, calls),
        (Evaluation, evaluations),
        (CriterionScore, scores),
        (ReviewAssignment, assignments),
    ):
        for start in range(0, len(rows), 5000):
            session.execute(insert(table), rows[start : start + 5000])
    sheets = [
        {"id": i, "evaluation_id": i, "agent_id": 1 + i % n_agents, "language": "fr", "sha256": "0" * 64}
        for i in range(1, 201)
    ]
    session.execute(insert(CoachingSheet), sheets)
    session.execute(
        insert(Dispute),
        [
            {"sheet_id": i, "criterion_key": "empathy", "reason": "r", "raised_by_id": manager.id, "status": "open"}
            for i in range(1, 41)
        ],
    )
    session.commit()


def add_final_review(app, n: int) -> None:
    """One more final evaluation (9 criteria) of a new call, as finalising a review leaves it."""
    from app.calls.models import Call, Recording
    from app.extensions import db
    from app.scoring.models import CriterionScore, Evaluation
    from app.scoring.services import current_version

    i = 1_000_000 + n
    now = datetime.now(UTC)
    with app.app_context():
        session = db.session
        session.execute(
            insert(Recording),
            [_recording(i)],
        )
        session.execute(
            insert(Call),
            [
                {
                    "id": i,
                    "recording_id": i,
                    "agent_id": 1 + n % 50,
                    "team_id": 1 + n % 2,
                    "call_date": now,
                    "original_filename": "c.wav",
                    "status": "scored",
                }
            ],
        )
        session.execute(
            insert(Evaluation),
            [
                {
                    "id": i,
                    "call_id": i,
                    "kind": "review",
                    "status": "final",
                    "rubric_version_id": current_version(session, "hotline_fr").id,
                    "revision": 1,
                    "total": 70.0,
                    "finalized_at": now,
                    "created_at": now,
                }
            ],
        )
        session.execute(
            insert(CriterionScore),
            [
                {
                    "evaluation_id": i,
                    "position": p,
                    "criterion_key": k,
                    "score": 70.0,
                    "weight": 1.0,
                    "auto_score": 65.0,
                    "na": False,
                }
                for p, k in enumerate(CRITERIA)
            ],
        )
        session.commit()


def measure(app, runs: int, urls: list[str]) -> dict[str, tuple[float, float, float]]:
    """p50, p95 and max per URL. A URL ending in '#cold' is fetched with the aggregate cache emptied each time;
    one ending in '#after-review' right after a new final review (what a manager sees after each review)."""
    from app.reports.services import _CACHE

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert (
        client.post("/login", data={"email": "qa@bench.example", "password": PASSWORD, "csrf_token": token}).status_code
        == 302
    )
    results = {}
    for url in urls:
        for _ in range(3):  # warm caches (rubric titles, templates, SQLite pages)
            assert client.get(url).status_code == 200
        times = []
        for _ in range(runs):
            if url.endswith("#cold"):
                _CACHE.clear()
            if url.endswith("#after-review"):
                add_final_review(app, len(times))
            start = time.perf_counter()
            response = client.get(url)
            response.get_data()
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        times.sort()
        results[url] = (statistics.median(times), times[int(0.95 * (len(times) - 1))], times[-1])
    return results


def run(url: str, label: str, args) -> list[tuple]:
    from app import create_app
    from app.extensions import db

    instance = tempfile.mkdtemp(prefix="ecoute-bench-")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, INSTANCE_PATH=instance, PASSWORD_HASH_METHOD="pbkdf2")
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        seed(db, args.evaluations, args.agents)
        seeded = time.perf_counter() - started
        db.session.remove()
    try:
        results = measure(
            app, args.runs, ["/reports/team", "/reports/team#cold", "/reports/team#after-review", "/disputes/"]
        )
    finally:
        with app.app_context():
            db.drop_all()
    return [(label, u, seeded, *r) for u, r in results.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evaluations", type=int, default=10_000)
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows += run(f"sqlite:///{tmp}/bench.db", "sqlite", args)
    if os.environ.get("DATABASE_URL"):
        url = sqlalchemy_url(os.environ["DATABASE_URL"])
        rows += run(url, "postgresql", args)
    print(
        f"{args.evaluations} final evaluations x {len(CRITERIA)} criteria, {args.agents} agents, "
        f"{args.runs} requests each; load average {os.getloadavg()[0]:.2f}"
    )
    print(f"{'database':<11} {'page':<26} {'seed s':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  target p95 < 100")
    for label, url, seeded, p50, p95, worst in rows:
        verdict = "ok" if p95 < 100 else "SLOW"
        print(f"{label:<11} {url:<26} {seeded:>7.1f} {p50:>8.1f} {p95:>8.1f} {worst:>8.1f}  {verdict}")


if __name__ == "__main__":
    main()
