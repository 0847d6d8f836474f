"""One password policy everywhere: long enough, hard to guess, not the e-mail, and never longer than sign-in takes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.auth.passwords import MAX_PASSWORD_LENGTH
from app.auth.services import AccountError, create_user
from app.extensions import db
from tests.conftest import PASSWORD, csrf_token, login

WEAK = ["aaaaaaaaaa", "1234567890", "short", "motdepasse123"]


@pytest.mark.parametrize("password", WEAK)
def test_a_weak_password_is_refused_when_an_account_is_created(app, password):
    with pytest.raises(AccountError):
        create_user(db.session, email="lea@example.org", name="Léa", password=password, role="trainer")


def test_the_e_mail_address_is_not_a_password(app):
    with pytest.raises(AccountError, match="e-mail"):
        create_user(
            db.session,
            email="lea.dupont-martin@example.org",
            name="Léa",
            password="lea.dupont-martin@example.org",
            role="trainer",
        )


def test_a_password_too_long_to_sign_in_with_cannot_be_created(app):
    with pytest.raises(AccountError, match=f"at most {MAX_PASSWORD_LENGTH}"):
        create_user(db.session, email="lea@example.org", name="Léa", password="horse-battery-" * 20, role="trainer")


def test_the_longest_allowed_password_also_signs_in(client, app):
    longest = ("violet-tram-seven-" * 10)[:MAX_PASSWORD_LENGTH]
    create_user(db.session, email="lea@example.org", name="Léa", password=longest, role="trainer")
    db.session.commit()
    assert login(client, "lea@example.org", password=longest).status_code == 302


def test_the_admin_page_refuses_a_weak_password_and_says_why(client, make):
    login(client, make.user("admin"))
    page = client.post(
        "/admin/users",
        data={
            "csrf_token": csrf_token(client, "/admin/users"),
            "name": "Nina",
            "email": "nina@example.org",
            "role": "trainer",
            "agent_id": "0",
            "password": "1234567890",
        },
        follow_redirects=True,
    )
    assert "too easy to guess" in page.get_data(as_text=True)
    assert db.session.scalars(select(User).where(User.email == "nina@example.org")).first() is None


def test_the_command_line_refuses_a_weak_password(runner):
    result = runner.invoke(
        args=["qa", "create-user", "--email", "x@example.org", "--name", "X", "--role", "admin"],
        input="aaaaaaaaaa\naaaaaaaaaa\n",
    )
    assert result.exit_code != 0 and "too easy to guess" in result.output


def test_a_new_password_follows_the_same_policy(client, make):
    user = make.user("agent")
    login(client, user)
    page = client.post(
        "/account/password",
        data={
            "csrf_token": csrf_token(client, "/account/password"),
            "current": PASSWORD,
            "new": user.email,
            "confirm": user.email,
        },
    ).get_data(as_text=True)
    assert "must not be your e-mail address" in page
    db.session.refresh(user)
    assert user.check_password(PASSWORD)
