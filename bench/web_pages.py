"""Web page latency with a realistic volume: 10,000 calls, 50 agents (DESIGN budget: p95 under 100 ms).

    .venv/bin/python bench/web_pages.py [--calls 10000] [--agents 50] [--runs 50]

Seeds a temporary SQLite database (or DATABASE_URL's, which it empties first: use a scratch database),
signs in as a QA manager and as an agent, and times each page through the Flask test client.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app import create_app
from app.config import sqlalchemy_url
from app.extensions import db


def seed(calls: int, agents: int) -> None:
    from app.auth.services import create_user
    from app.calls.models import Call, Recording
    from app.jobs.models import Job
    from app.teams.models import Agent, Team

    rng = random.Random(7)
    teams = [Team(name=f"Team {i}", language="fr" if i % 2 else "en") for i in range(5)]
    db.session.add_all(teams)
    people = [Agent(team=teams[i % 5], name=f"Agent {i}", external_ref=f"A{i}") for i in range(agents)]
    db.session.add_all(people)
    db.session.flush()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(calls):
        agent = people[i % agents]
        rec = Recording(
            sha256=f"{i:064x}",
            size=1000,
            format="wav",
            codec="pcm_s16le",
            duration=rng.uniform(60, 900),
            channels=2,
            sample_rate=8000,
            extension="wav",
        )
        call = Call(
            recording=rec,
            agent=agent,
            team_id=agent.team_id,
            call_date=start + timedelta(minutes=17 * i),
            original_filename=f"call-{i}.wav",
            status="scored",
        )
        db.session.add(call)
        db.session.add(Job(kind="transcribe", call=call, status="done", progress=100))
        db.session.add(Job(kind="score", call=call, status="done", progress=100))
        if i % 2000 == 0:
            db.session.flush()
    create_user(db.session, email="qa@bench.example.org", name="QA", password="bench-password", role="qa_manager")
    create_user(
        db.session,
        email="agent@bench.example.org",
        name="Agent",
        password="bench-password",
        role="agent",
        agent=people[0],
    )
    db.session.commit()


def time_page(client, url: str, runs: int) -> tuple[float, float]:
    client.get(url)  # warm caches and templates
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def sign_in(client, email: str) -> None:
    import re

    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post("/login", data={"email": email, "password": "bench-password", "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ecoute-bench-"))
    url = sqlalchemy_url(os.environ.get("DATABASE_URL", f"sqlite:///{tmp / 'bench.db'}"))
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=url,
        INSTANCE_PATH=tmp,
        QUEUE_IMMEDIATE=True,
        LOGIN_RATE_LIMIT="1000 per minute",
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
        t0 = time.perf_counter()
        seed(args.calls, args.agents)
        print(
            f"seeded {args.calls} calls, {args.agents} agents on {db.engine.dialect.name} "
            f"in {time.perf_counter() - t0:.1f} s; load average {os.getloadavg()[0]:.1f}"
        )
        mid = args.calls // 2
    rows = []
    for who, pages in (
        (
            "qa_manager",
            [
                "/",
                "/calls/",
                "/calls/?page=200",
                "/calls/?team=1&status=scored",
                f"/calls/{mid}",
                f"/api/calls/{mid}/progress",
                "/api/calls",
            ],
        ),
        ("agent", ["/", "/calls/", "/calls/1"]),
    ):
        client = app.test_client()
        sign_in(client, f"{'qa' if who == 'qa_manager' else 'agent'}@bench.example.org")
        for page in pages:
            p50, p95 = time_page(client, page, args.runs)
            rows.append((who, page, p50, p95))
    print("\n| role | page | p50 ms | p95 ms | target p95 < 100 ms |\n|---|---|---|---|---|")
    for who, page, p50, p95 in rows:
        print(f"| {who} | `{page}` | {p50:.1f} | {p95:.1f} | {'ok' if p95 < 100 else 'OVER'} |")


if __name__ == "__main__":
    main()
