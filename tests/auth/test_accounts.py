"""Signing in and out, password storage, rate limiting, audit, language preference."""

from __future__ import annotations

import re
from html import unescape

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.models import User
from app.auth.services import AccountError, create_user
from app.extensions import db
from tests.conftest import PASSWORD, csrf_token, login


def test_a_user_signs_in_and_sees_a_navigation_for_their_role(client, make):
    manager = make.user("qa_manager")
    assert login(client, manager).status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert 'href="/calls/upload"' in page and 'href="/admin/users"' not in page


def test_an_agent_sees_my_calls_and_no_upload(client, make):
    login(client, make.user("agent"))
    page = client.get("/").get_data(as_text=True)
    assert "My calls" in page and 'href="/calls/upload"' not in page


def test_an_admin_sees_user_and_team_administration(client, make):
    login(client, make.user("admin"))
    page = client.get("/").get_data(as_text=True)
    assert 'href="/admin/users"' in page and 'href="/admin/teams"' in page


def test_a_wrong_password_is_refused_and_audited(client, make):
    user = make.user("trainer")
    response = login(client, user, password="not-the-password")
    assert response.status_code == 200 and "Wrong e-mail or password." in response.get_data(as_text=True)
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.login_failed")).one()


def test_sign_in_is_audited(client, make):
    user = make.user("trainer")
    login(client, user)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.login")).one()
    assert event.actor_id == user.id


def test_passwords_are_stored_hashed_never_in_clear(app, make):
    user = make.user("admin")
    assert PASSWORD not in user.password_hash and user.check_password(PASSWORD)
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    try:
        user.set_password("another-long-password")
    finally:
        app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:1000"
    assert user.password_hash.startswith("scrypt:")


def test_repeated_failed_sign_ins_are_rate_limited(client, make):
    user = make.user("qa_manager")
    statuses = [login(client, user, password="wrong-password").status_code for _ in range(6)]
    assert statuses[:5] == [200] * 5 and statuses[5] == 429
    assert "Too many failed attempts" in login(client, user).get_data(as_text=True)


def test_a_deactivated_user_cannot_sign_in(client, make):
    user = make.user("trainer")
    user.active = False
    db.session.commit()
    assert login(client, user).status_code == 200


def test_sign_out_needs_a_post_with_csrf(client, make):
    login(client, make.user("trainer"))
    assert client.get("/logout").status_code == 405
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert client.get("/").status_code == 302


def test_login_form_refuses_a_post_without_csrf_token(client, make):
    user = make.user("trainer")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400


def test_next_parameter_cannot_redirect_to_another_site(client, make):
    user = make.user("trainer")
    token = csrf_token(client, "/login")
    response = client.post(
        "/login?next=//evil.example/x", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.headers["Location"] == "/"


def test_the_session_cookie_is_http_only_and_same_site(client, make):
    login(client, make.user("trainer"))
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"


def test_an_agent_account_must_be_linked_to_an_agent(app):
    try:
        create_user(db.session, email="x@example.org", name="X", password=PASSWORD, role="agent")
    except AccountError as exc:
        assert "linked to an agent record" in str(exc)
    else:
        raise AssertionError("an unlinked agent account was created")


def test_admin_creates_a_user_from_the_page_and_it_is_audited(client, make):
    admin = make.user("admin")
    login(client, admin)
    token = csrf_token(client, "/admin/users")
    client.post(
        "/admin/users",
        data={
            "csrf_token": token,
            "name": "Nina",
            "email": "nina@example.org",
            "role": "trainer",
            "agent_id": "0",
            "password": "a-long-password",
        },
    )
    created = db.session.scalars(select(User).where(User.email == "nina@example.org")).one()
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.created", AuditEvent.target_id == created.id)
    ).one()
    assert event.actor_id == admin.id


def test_the_language_switch_is_saved_on_the_account_and_audited(client, make):
    user = make.user("trainer")
    login(client, user)
    client.post("/language", data={"csrf_token": csrf_token(client, "/"), "locale": "fr", "next": "/"})
    assert db.session.get(User, user.id).locale == "fr"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.locale_changed")).one()
    assert event.target_id == user.id and event.details == {"old": None, "new": "fr"}


def test_every_automatic_score_is_audited_with_its_rubric_version(make):
    from tests.review.conftest import scored_call

    call = scored_call(make)
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "evaluation.scored").order_by(AuditEvent.id.desc())
    ).first()
    assert event.details["call"] == call.id and event.details["rubric"] == "hotline_fr"
    assert event.details["version"] == 2 and event.details["total"] is not None


def _create_user_from_the_page(client, **fields):
    data = {"name": "Nina", "email": "nina@example.org", "role": "trainer", "agent_id": "0", "password": PASSWORD}
    token = csrf_token(client, "/admin/users")
    return client.post("/admin/users", data={"csrf_token": token, **data, **fields}).get_data(as_text=True)


def _field_errors(html: str, name: str) -> list[str]:
    """The error messages shown inside the form field `name` (see the `field` macro)."""
    match = re.search(rf'<div class="field has-error">\s*<label for="{name}".*?</div>', html, re.S)
    return (
        [unescape(e) for e in re.findall(r'<small class="error" role="alert">(.*?)</small>', match.group(0))]
        if match
        else []
    )


def test_an_e_mail_already_used_is_shown_beside_the_e_mail_with_the_form_kept(client, make):
    make.user("trainer", email="julie@example.org")
    login(client, make.user("admin"))
    html = _create_user_from_the_page(client, name="Julie Bis", email="julie@example.org")
    assert _field_errors(html, "email") == ["A user with the e-mail julie@example.org already exists."]
    assert 'value="Julie Bis"' in html and 'value="julie@example.org"' in html
    assert db.session.scalars(select(User).where(User.name == "Julie Bis")).first() is None


def test_the_french_interface_shows_account_errors_in_french(client, make):
    agent = make.agent(name="Julie Martin")
    make.user("agent", agent=agent)
    admin = make.user("admin")
    admin.locale = "fr"
    db.session.commit()
    login(client, admin)
    html = _create_user_from_the_page(client, role="agent", agent_id=str(agent.id))
    assert _field_errors(html, "agent_id") == ["Le conseiller Julie Martin a déjà un compte."]
    html = _create_user_from_the_page(client, role="agent")
    assert _field_errors(html, "agent_id") == ["Un compte conseiller doit être lié à une fiche conseiller."]


def test_the_command_line_explains_a_refused_account_in_plain_english(runner, make):
    make.user("trainer", email="julie@example.org")
    result = runner.invoke(
        args=["qa", "create-user", "--email", "julie@example.org", "--name", "J", "--role", "trainer"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code != 0 and "A user with the e-mail julie@example.org already exists." in result.output
