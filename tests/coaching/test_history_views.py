"""A sheet's history: own sheets only, acknowledge once, comment, dispute within the window, resolution both ways."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.coaching.models import CoachingSheet, Comment, Dispute
from app.extensions import db
from app.scoring.models import Evaluation
from tests.coaching.factories import bare_call, final_evaluation, issue, sheet_for
from tests.conftest import csrf_token, login


def _post(client, url, **data):
    return client.post(url, data={"csrf_token": csrf_token(client, "/me/coaching"), **data})


@pytest.fixture
def two_agents(make):
    """Two agents of the same team, each signed up, each with a sheet."""
    team = make.team()
    mine, theirs = make.agent(team), make.agent(team)
    me, other = make.user("agent", agent=mine), make.user("agent", agent=theirs)
    return {"me": me, "other": other, "my_sheet": sheet_for(mine), "their_sheet": sheet_for(theirs)}


def test_my_coaching_lists_own_sheets_newest_first_and_marks_new_ones(client, make):
    agent = make.agent()
    user = make.user("agent", agent=agent)
    old = sheet_for(agent, issued_at=datetime(2026, 10, 1, 9, tzinfo=UTC))
    old.acknowledged_at = datetime.now(UTC)
    new = sheet_for(agent, issued_at=datetime(2026, 11, 3, 9, tzinfo=UTC))
    others = sheet_for(make.agent())
    login(client, user)
    page = client.get("/me/coaching").get_data(as_text=True)
    assert page.index(f'/me/coaching/{new.id}"') < page.index(f'/me/coaching/{old.id}"')
    assert f'/me/coaching/{others.id}"' not in page
    assert "1 new sheet" in page and f'/sheets/{new.id}.pdf"' in page and f'/sheets/{new.id}"' in page


def test_my_coaching_shows_a_trend_per_criterion_and_open_action_items(client, make):
    agent = make.agent()
    user = make.user("agent", agent=agent)
    final_evaluation(bare_call(agent, datetime(2026, 10, 1, tzinfo=UTC)), actions=(("From an older call", False),))
    final_evaluation(
        bare_call(agent, datetime(2026, 10, 8, tzinfo=UTC)),
        {"empathy": (55.0, 50.0), "jargon": (70.0, 70.0)},
        actions=(("Reformulate before answering", False), ("Already done", True)),
    )
    db.session.commit()
    login(client, user)
    page = client.get("/me/coaching").get_data(as_text=True)
    assert page.count('<svg class="chart"') == 3  # active listening, jargon, empathy
    charts = [page.index(f'aria-label="{title}') for title in ("Active listening", "Plain language", "Empathy")]
    assert charts == sorted(charts), "the trends follow the rubric's order, as the sheet does"
    assert "<title>Empathy: 40</title>" in page and "<title>Empathy: 55</title>" in page
    assert "Reformulate before answering" in page and "From an older call" in page
    assert "Already done" not in page


@pytest.mark.parametrize("action", ["history", "comment", "dispute", "acknowledge"])
def test_an_agent_can_never_reach_another_agents_sheet(client, two_agents, action):
    login(client, two_agents["me"])
    sheet = two_agents["their_sheet"]
    if action == "history":
        response = client.get(f"/me/coaching/{sheet.id}")
    else:
        response = _post(
            client, f"/me/coaching/{sheet.id}/{action}", body="hello", criterion="empathy", reason="unfair"
        )
    assert response.status_code == 404
    assert db.session.scalar(select(func.count(Comment.id))) == 0
    assert db.session.scalar(select(func.count(Dispute.id))) == 0
    assert db.session.get(CoachingSheet, sheet.id).acknowledged_at is None


def test_a_trainer_cannot_open_a_sheet_history(client, make, two_agents):
    login(client, make.user("trainer"))
    assert client.get(f"/me/coaching/{two_agents['my_sheet'].id}").status_code == 403


def test_an_agent_acknowledges_a_sheet_once(client, two_agents):
    login(client, two_agents["me"])
    sheet = two_agents["my_sheet"]
    _post(client, f"/me/coaching/{sheet.id}/acknowledge")
    first = db.session.get(CoachingSheet, sheet.id).acknowledged_at
    page = client.post(
        f"/me/coaching/{sheet.id}/acknowledge",
        follow_redirects=True,
        data={"csrf_token": csrf_token(client, f"/me/coaching/{sheet.id}")},
    ).get_data(as_text=True)
    assert first is not None and db.session.get(CoachingSheet, sheet.id).acknowledged_at == first
    assert "already acknowledged" in page
    acks = select(func.count(AuditEvent.id)).where(AuditEvent.action == "sheet.acknowledged")
    assert db.session.scalar(acks) == 1


def test_a_manager_cannot_acknowledge_for_the_agent(client, make, two_agents):
    login(client, make.user("qa_manager"))
    sheet = two_agents["my_sheet"]
    assert _post(client, f"/me/coaching/{sheet.id}/acknowledge").status_code == 403
    assert db.session.get(CoachingSheet, sheet.id).acknowledged_at is None


def _signed_in(app, user):
    client = app.test_client()
    login(client, user)
    return client


def test_comments_and_disputes_stay_in_the_sheet_history(app, client, make, two_agents):
    login(client, two_agents["me"])
    sheet = two_agents["my_sheet"]
    _post(client, f"/me/coaching/{sheet.id}/comment", body="Thanks, useful.")
    _post(client, f"/me/coaching/{sheet.id}/dispute", criterion="empathy", reason="The customer was rude first.")
    manager = _signed_in(app, make.user("qa_manager"))
    _post(manager, f"/me/coaching/{sheet.id}/comment", body="Let us talk on Monday.")
    dispute = db.session.scalars(select(Dispute)).one()
    manager.post(
        f"/disputes/{dispute.id}/resolve",
        data={
            "csrf_token": csrf_token(manager, "/disputes/"),
            "decision": "reject",
            "resolution": "Blame is never ok.",
        },
    )
    for viewer in (manager, client):
        page = viewer.get(f"/me/coaching/{sheet.id}").get_data(as_text=True)
        for text in (
            "Thanks, useful.",
            "Let us talk on Monday.",
            "The customer was rude first.",
            "rejected the dispute on Empathy",
            "Blame is never ok.",
        ):
            assert text in page, text


def test_a_dispute_needs_a_reason_and_a_criterion_of_the_evaluation(client, two_agents):
    login(client, two_agents["me"])
    sheet = two_agents["my_sheet"]
    _post(client, f"/me/coaching/{sheet.id}/dispute", criterion="empathy", reason="  ")
    _post(client, f"/me/coaching/{sheet.id}/dispute", criterion="not_a_criterion", reason="because")
    assert db.session.scalar(select(func.count(Dispute.id))) == 0


def test_the_dispute_window_is_enforced(app, client, make):
    agent = make.agent()
    user = make.user("agent", agent=agent)
    app.config["DISPUTE_WINDOW_DAYS"] = 7
    try:
        late = sheet_for(agent, issued_at=datetime.now(UTC) - timedelta(days=8))
        in_time = sheet_for(agent, issued_at=datetime.now(UTC) - timedelta(days=6))
        login(client, user)
        page = client.get(f"/me/coaching/{late.id}").get_data(as_text=True)
        assert "The time to dispute this sheet ended" in page
        _post(client, f"/me/coaching/{late.id}/dispute", criterion="empathy", reason="too late?")
        _post(client, f"/me/coaching/{in_time.id}/dispute", criterion="empathy", reason="in time")
    finally:
        app.config["DISPUTE_WINDOW_DAYS"] = 14
    assert [d.sheet_id for d in db.session.scalars(select(Dispute))] == [in_time.id]


def test_a_rejected_dispute_needs_a_reason_and_is_resolved_once(client, make, two_agents):
    dispute = Dispute(
        sheet_id=two_agents["my_sheet"].id, criterion_key="empathy", reason="unfair", raised_by_id=two_agents["me"].id
    )
    db.session.add(dispute)
    db.session.commit()
    login(client, make.user("qa_manager"))
    url = f"/disputes/{dispute.id}/resolve"
    client.post(url, data={"csrf_token": csrf_token(client, "/disputes/"), "decision": "reject", "resolution": ""})
    assert db.session.get(Dispute, dispute.id).status == "open"
    client.post(
        url,
        data={
            "csrf_token": csrf_token(client, "/disputes/"),
            "decision": "reject",
            "resolution": "Scores match the evidence.",
        },
    )
    client.post(
        url,
        data={
            "csrf_token": csrf_token(client, "/disputes/"),
            "decision": "accept",
            "new_score": "90",
            "resolution": "Changed my mind.",
        },
    )
    resolved = db.session.get(Dispute, dispute.id)
    assert (resolved.status, resolved.resolution) == ("rejected", "Scores match the evidence.")
    assert db.session.scalar(select(func.count(Evaluation.id))) == 2  # no revision came of it


def test_an_accepted_dispute_creates_a_new_revision_and_a_new_sheet(client, make):
    agent = make.agent()
    user = make.user("agent", agent=agent)
    evaluation = final_evaluation(bare_call(agent))
    sheet = issue(evaluation)
    dispute = Dispute(sheet_id=sheet.id, criterion_key="empathy", reason="I apologised twice.", raised_by_id=user.id)
    db.session.add(dispute)
    db.session.commit()
    login(client, make.user("qa_manager"))
    client.post(
        f"/disputes/{dispute.id}/resolve",
        data={
            "csrf_token": csrf_token(client, "/disputes/"),
            "decision": "accept",
            "new_score": "72",
            "resolution": "The apology is at 0:41.",
        },
    )
    assert db.session.get(Dispute, dispute.id).status == "accepted"
    revision = db.session.scalars(select(Evaluation).where(Evaluation.parent_id == evaluation.id)).one()
    assert revision.revision == 2 and revision.status == "final"
    assert next(c.score for c in revision.criteria if c.criterion_key == "empathy") == 72
    assert next(c.score for c in evaluation.criteria if c.criterion_key == "empathy") == 40  # the old one stays
    sheets = db.session.scalars(select(CoachingSheet).order_by(CoachingSheet.id)).all()
    assert [s.evaluation_id for s in sheets] == [evaluation.id, revision.id]


def test_each_dispute_form_has_its_own_ids_labels_on_its_fields_and_links_to_its_call(client, make):
    import re

    agents = [make.agent() for _ in range(2)]
    for agent in agents:
        sheet = sheet_for(agent)
        db.session.add(
            Dispute(
                sheet_id=sheet.id,
                criterion_key="empathy",
                reason="unfair",
                raised_by_id=make.user("agent", agent=agent).id,
            )
        )
    db.session.commit()
    login(client, make.user("qa_manager"))
    page = client.get("/disputes/").get_data(as_text=True)
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "an id used twice"
    for label_for in re.findall(r'<label for="([^"]+)"', page):
        assert f'id="{label_for}"' in page, f"label for {label_for} names no field"
    assert page.count("<legend>Decision</legend>") == 2
    for dispute in db.session.scalars(select(Dispute)):
        call_id = db.session.get(Evaluation, db.session.get(CoachingSheet, dispute.sheet_id).evaluation_id).call_id
        assert f'href="/calls/{call_id}"' in page and f'href="/review/calls/{call_id}"' in page


def _open_dispute(make, two_agents) -> Dispute:
    dispute = Dispute(
        sheet_id=two_agents["my_sheet"].id, criterion_key="empathy", reason="unfair", raised_by_id=two_agents["me"].id
    )
    db.session.add(dispute)
    db.session.commit()
    return dispute


@pytest.mark.parametrize("origin", ["disputes", "sheet history"])
def test_accepting_without_a_corrected_score_keeps_the_reason_and_the_choice_and_says_what_is_missing(
    client, make, two_agents, origin
):
    dispute = _open_dispute(make, two_agents)
    login(client, make.user("qa_manager"))
    data = {"decision": "accept", "new_score": "", "resolution": "The apology is at 0:41."}
    if origin == "sheet history":
        data["next"] = f"/me/coaching/{dispute.sheet_id}"
    response = _post(client, f"/disputes/{dispute.id}/resolve", **data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200  # the same page again, not a redirect that drops what was typed
    form = page[page.index(f'id="resolve-{dispute.id}"') :]
    assert "The apology is at 0:41.</textarea>" in form
    assert f'id="decision-{dispute.id}-0" name="decision" value="accept" checked' in form
    score_field = form[form.index(f'id="score-{dispute.id}"') :]
    assert score_field.index("Give the corrected score, from 0 to 100.") < score_field.index("</div>")
    assert db.session.get(Dispute, dispute.id).status == "open"


def test_a_dispute_without_a_reason_comes_back_with_its_criterion_chosen_and_the_reason_asked_for(client, two_agents):
    login(client, two_agents["me"])
    sheet = two_agents["my_sheet"]
    page = _post(client, f"/me/coaching/{sheet.id}/dispute", criterion="jargon", reason=" ").get_data(as_text=True)
    assert '<option selected value="jargon">' in page
    assert "Say why you dispute this score." in page
    assert db.session.scalar(select(func.count(Dispute.id))) == 0


def test_a_refused_dispute_keeps_the_reason_the_agent_typed(client, two_agents):
    login(client, two_agents["me"])
    sheet = two_agents["my_sheet"]
    _post(client, f"/me/coaching/{sheet.id}/dispute", criterion="empathy", reason="First time.")
    page = _post(client, f"/me/coaching/{sheet.id}/dispute", criterion="empathy", reason="Second time, longer.").text
    assert "This criterion is already disputed." in page and "Second time, longer.</textarea>" in page


def test_a_comment_too_long_comes_back_as_typed_with_its_length(client, two_agents):
    login(client, two_agents["me"])
    sheet = two_agents["my_sheet"]
    body = "Thanks. " * 600
    page = _post(client, f"/me/coaching/{sheet.id}/comment", body=body).get_data(as_text=True)
    assert "at most 4,000 characters; this one has 4,800." in page
    assert body.strip() in page
    assert db.session.scalar(select(func.count(Comment.id))) == 0


def _accepted(client, make):
    """An agent's sheet, disputed and accepted by a manager: the first sheet and the revision's."""
    agent = make.agent()
    user = make.user("agent", agent=agent)
    first = issue(final_evaluation(bare_call(agent)))
    dispute = Dispute(sheet_id=first.id, criterion_key="empathy", reason="I apologised twice.", raised_by_id=user.id)
    db.session.add(dispute)
    db.session.commit()
    login(client, make.user("qa_manager"))
    _post(client, f"/disputes/{dispute.id}/resolve", decision="accept", new_score="72", resolution="Heard it.")
    revised = db.session.scalars(select(CoachingSheet).where(CoachingSheet.id != first.id)).one()
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, user)
    return user, first, revised


def test_a_sheet_replaced_by_a_revision_says_so_links_to_it_and_can_no_longer_be_disputed_or_acknowledged(client, make):
    _user, first, revised = _accepted(client, make)
    listing = client.get("/me/coaching").get_data(as_text=True)
    row = listing[listing.index(f'/sheets/{first.id}"') - 600 : listing.index(f'/sheets/{first.id}"')]
    assert "Replaced" in row and f'href="/me/coaching/{revised.id}"' in row
    assert "1 new sheet" in listing  # the revision only
    page = client.get(f"/me/coaching/{first.id}").get_data(as_text=True)
    assert "This sheet was replaced by a revised one." in page and f'href="/me/coaching/{revised.id}"' in page
    assert "I have read this sheet" not in page and f"/me/coaching/{first.id}/dispute" not in page
    _post(client, f"/me/coaching/{first.id}/dispute", criterion="jargon", reason="Also this one.")
    _post(client, f"/me/coaching/{first.id}/acknowledge")
    assert db.session.scalar(select(func.count(Dispute.id)).where(Dispute.status == "open")) == 0
    assert db.session.get(CoachingSheet, first.id).acknowledged_at is None
    revised_page = client.get(f"/me/coaching/{revised.id}").get_data(as_text=True)
    assert "I have read this sheet" in revised_page and f"/me/coaching/{revised.id}/dispute" in revised_page


def test_the_revised_sheets_notification_is_not_a_copy_of_the_first(client, make):
    from app.notifications.models import Notification

    user, first, revised = _accepted(client, make)
    sheets = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id, Notification.kind == "new_sheet")
    ).all()
    by_url = {n.url: n.params for n in sheets}
    assert "revision" not in by_url[f"/me/coaching/{first.id}"]
    assert by_url[f"/me/coaching/{revised.id}"]["revision"] == 2
    from app.notifications.services import notification_text

    with client.application.test_request_context():
        said = notification_text("new_sheet", by_url[f"/me/coaching/{revised.id}"])
    assert said.startswith("Your revised coaching sheet (revision 2) for the call of")
