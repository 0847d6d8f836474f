"""The scorer accuracy page: figures per criterion that match a hand computation, a criterion with too few
reviews that says so, the evidence reviewers rejected or added, and the admin's fit and publish."""

from __future__ import annotations

import random
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.reports.pages import scorer_page
from app.reports.services import TeamFilter
from app.review.models import EvidenceVerdict
from app.scoring.choices import EvaluationStatus
from app.scoring.engine import context_for, run_detector
from app.scoring.models import CriterionScore, Evaluation, Evidence, RubricVersion
from app.scoring.rubrics import load_rubric_text
from app.scoring.services import current_version, register_rubric
from app.transcription.interchange import transcript_from_dict
from app.transcription.services import store_transcript
from tests.coaching.factories import bare_call, final_evaluation
from tests.conftest import csrf_token
from tests.scoring.test_fit import RUBRIC, call

NOV = TeamFilter(None, date(2026, 11, 1), date(2026, 11, 30))
URL = "/reports/scorer?date_from=2026-11-01&date_to=2026-11-30&min_reviews=3"


def _on(day: int) -> datetime:
    return datetime(2026, 11, day, 10, tzinfo=UTC)


def review(call, scores: dict, evidence: tuple = (), reviewer=None) -> Evaluation:
    """A final review: criterion -> (final, automatic); evidence (criterion, rule, sign, source, text), automatic
    items rejected by `reviewer`. Written as a draft first: a final evaluation refuses new rows."""
    evaluation = Evaluation(
        call_id=call.id,
        rubric_version_id=current_version(db.session, "hotline_fr").id,
        kind="review",
        status=EvaluationStatus.DRAFT,
        finalized_at=datetime.now(UTC),
        total=50.0,
    )
    evaluation.criteria = [
        CriterionScore(position=i, criterion_key=k, score=s, auto_score=a, weight=1.0)
        for i, (k, (s, a)) in enumerate(scores.items())
    ]
    db.session.add(evaluation)
    db.session.flush()
    for key, rule, sign, source, text in evidence:
        row = next(c for c in evaluation.criteria if c.criterion_key == key)
        item = Evidence(
            segment_index=0,
            char_start=0,
            char_end=4,
            start=0.0,
            end=1.0,
            rule=rule,
            sign=sign,
            explanation=text,
            source=source,
        )
        row.evidence.append(item)
        db.session.flush()
        if source == "auto":
            db.session.add(
                EvidenceVerdict(
                    evidence_id=item.id,
                    evaluation_id=evaluation.id,
                    call_id=call.id,
                    criterion_key=key,
                    segment_index=0,
                    char_start=0,
                    char_end=4,
                    rule=rule,
                    sign=sign,
                    verdict="rejected",
                    reviewer_id=reviewer.id,
                )
            )
    db.session.flush()
    evaluation.status = EvaluationStatus.FINAL
    db.session.flush()
    return evaluation


@pytest.fixture
def reviews(make):
    """Four final reviews of listening (automatic, final): (80, 50), (60, 90), (10, 30), (95, 100); one of
    empathy; a rejected reflection twice and reviewer-added evidence once."""
    agent, reviewer = make.agent(make.team("Support")), make.user("qa_manager")
    rejected = ("active_listening", "reflection", +1, "auto", "reflects the customer's words")
    added = ("active_listening", "reviewer", -1, "reviewer", "cuts the customer off")
    rows = [((80.0, 50.0), (rejected,)), ((60.0, 90.0), (rejected,)), ((10.0, 30.0), (added,)), ((95.0, 100.0), ())]
    evaluations = []
    for day, ((auto, final), evidence) in enumerate(rows, start=3):
        scores = {"active_listening": (final, auto)}
        if day == 3:
            scores["empathy"] = (70.0, 40.0)
        evaluations.append(review(bare_call(agent, _on(day)), scores, evidence, reviewer))
    final_evaluation(bare_call(agent, datetime(2026, 10, 1, tzinfo=UTC)), {"active_listening": (0.0, 100.0)})
    db.session.commit()
    return evaluations


def test_the_accuracy_figures_match_a_hand_computation(app, reviews):
    with app.test_request_context():
        page = scorer_page(db.session, NOV, reviews[0].rubric_version_id, min_reviews=3)
    listening = next(c for c in page["criteria"] if c["key"] == "active_listening")
    assert listening["n"] == 4 and listening["enough"]  # the October review is outside the period
    # ranks auto 3 2 1 4, final 2 3 1 4: sum d^2 = 2, rho = 1 - 6 * 2 / (4 * 15)
    assert listening["spearman"] == pytest.approx(0.8)
    assert listening["mae"] == pytest.approx((30 + 30 + 20 + 5) / 4)  # |auto - final|
    assert listening["within"] == pytest.approx(1 / 4)
    assert listening["bias"] == pytest.approx((30 - 30 - 20 - 5) / 4) and listening["harsh"]
    assert str(listening["direction"]) == "too harsh"


def test_a_criterion_with_too_few_reviews_says_so_instead_of_a_number(client, login_as, reviews):
    login_as("qa_manager")
    page = client.get(URL).get_data(as_text=True)
    assert "Too few reviews to measure: 1 of the 3 needed." in page
    assert "0.8" in page and "too harsh" in page and '<svg class="chart"' in page


def test_the_minimum_number_of_reviews_is_configurable(client, login_as, reviews):
    login_as("qa_manager")
    page = client.get(URL.replace("min_reviews=3", "min_reviews=5")).get_data(as_text=True)
    assert "Too few reviews to measure: 4 of the 5 needed." in page


def test_the_evidence_reviewers_rejected_or_added_links_to_the_calls(client, login_as, reviews):
    login_as("qa_manager")
    page = client.get(URL).get_data(as_text=True)
    rejected = page[page.index("rejected most often") : page.index("added evidence most often")]
    assert "2×" in rejected and "reflection" in rejected
    assert all(f'/calls/{e.call_id}"' in rejected for e in reviews[:2])
    added = page[page.index("added evidence most often") :]
    assert "cuts the customer off" in added and f'/calls/{reviews[2].call_id}"' in added


def test_a_qa_manager_reads_the_page_but_cannot_fit(client, login_as, reviews):
    login_as("qa_manager")
    page = client.get(URL).get_data(as_text=True)
    assert "Fit to these reviews" not in page
    response = client.post(
        "/reports/scorer/fit" + URL[len("/reports/scorer") :], data={"csrf_token": csrf_token(client, URL), "fit": "1"}
    )
    assert response.status_code == 403


def test_the_period_reads_as_dates_in_the_readers_language(client, login_as, reviews):
    login_as("qa_manager")
    page = client.get(URL).get_data(as_text=True)
    period = re.search(r"final reviews of calls from (.*?) to (.*?)\. Spearman", page)
    assert period and not any(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in period.groups())
    assert re.fullmatch(r"[A-Z][a-z]{2} \d{1,2}, \d{4}", period.group(1))


def test_a_fit_on_too_few_reviews_is_refused_on_the_page(client, login_as, reviews):
    login_as("admin")
    response = client.post(
        "/reports/scorer/fit" + URL[len("/reports/scorer") :],
        data={"csrf_token": csrf_token(client, URL), "fit": "1"},
        follow_redirects=True,
    )
    assert "Too few reviews to fit hotline_fr: at least 3 per criterion" in response.get_data(as_text=True)
    assert [v.version for v in db.session.scalars(select(RubricVersion))] == [2]


@pytest.fixture
def pace_reviews(make):
    """40 final reviews of the pace rubric whose reviewers weigh the talk share nine times more."""
    spec = load_rubric_text(RUBRIC, "pace_en.yaml")
    version = register_rubric(db.session, spec, RUBRIC)
    agent = make.agent(make.team("Support", language="en"))
    rng = random.Random(5)
    for i in range(40):
        data = call(rng.choice([4, 8, 14, 20, 30, 45]), rng.choice([0, 1, 2, 3]))
        transcript = transcript_from_dict(data)
        talk, mono = (run_detector(context_for(transcript, spec), s, {}).score for s in spec.criteria[0].detectors)
        auto = round((talk + mono) / 2, 1)
        row = bare_call(agent, _on(1 + i % 28))
        store_transcript(db.session, row, transcript)
        evaluation = Evaluation(
            call_id=row.id,
            rubric_version_id=version.id,
            kind="review",
            status=EvaluationStatus.FINAL,
            finalized_at=_on(29),
            total=auto,
        )
        evaluation.criteria = [
            CriterionScore(
                criterion_key="balance", score=round(0.9 * talk + 0.1 * mono, 1), auto_score=auto, weight=100.0
            )
        ]
        db.session.add(evaluation)
    db.session.commit()
    return version


def test_an_admin_fits_on_the_page_sees_before_and_after_then_publishes_a_new_version(client, login_as, pace_reviews):
    login_as("admin")
    url = "/reports/scorer?date_from=2026-11-01&date_to=2026-11-30&min_reviews=30"
    fit_url = "/reports/scorer/fit" + url[len("/reports/scorer") :]
    page = client.post(fit_url, data={"csrf_token": csrf_token(client, url), "fit": "1"}).get_data(as_text=True)
    assert "pace_en version 3, held-out folds" in page and "adopted" in page
    before, after = (float(x) for x in re.search(r"<td>([\d.]+) → ([\d.]+)</td>\s*<td>[\d.]+ → ", page).groups())
    assert after >= before
    response = client.post(fit_url, data={"csrf_token": csrf_token(client, url), "publish": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/rubrics/pace_en/v4")
    rubric_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "qa rescore --rubric pace_en --version 4 --since 2026-11-01" in rubric_page
    published = current_version(db.session, "pace_en")
    assert published.version == 4
    assert "Fitted to 40 final reviews (all teams, calls from 2026-11-01" in published.source
    old = db.session.scalars(select(Evaluation).where(Evaluation.rubric_version_id == pace_reviews.id)).all()
    assert len(old) == 40  # the reviews keep the version they were made on


@pytest.mark.parametrize(
    ("role", "listed"), [("qa_manager", True), ("admin", True), ("trainer", False), ("agent", False)]
)
def test_the_navigation_links_the_page_for_qa_managers_and_admins_only(client, login_as, role, listed):
    login_as(role)
    assert ('href="/reports/scorer"' in client.get("/").get_data(as_text=True)) is listed
