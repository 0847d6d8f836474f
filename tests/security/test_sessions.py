"""Signing out really ends the session; cookies are SameSite; a new password ends every other session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie

from app.extensions import db
from tests.conftest import PASSWORD, csrf_token, login

NEW_PASSWORD = "a-brand-new-passphrase-for-me"


def _sign_in_remembered(client, user):
    token = csrf_token(client, "/login")
    return client.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y", "csrf_token": token})


def _cookies(client) -> dict[str, str]:
    return {name: client.get_cookie(name).value for name in ("session", "remember_token") if client.get_cookie(name)}


def _replay(app, cookies: dict[str, str]):
    """A second browser that got hold of the cookies."""
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other


def test_the_old_session_cookie_no_longer_works_after_sign_out(app, client, make):
    login(client, make.user("qa_manager"))
    stolen = _cookies(client)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    response = _replay(app, stolen).get("/calls/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_remember_me_cookie_no_longer_works_after_sign_out(app, client, make):
    _sign_in_remembered(client, make.user("qa_manager"))
    remember = client.get_cookie("remember_token").value
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert _replay(app, {"remember_token": remember}).get("/calls/").status_code == 302


def test_a_remember_me_cookie_lets_a_new_browser_in_before_sign_out(app, client, make):
    _sign_in_remembered(client, make.user("qa_manager"))
    remember = client.get_cookie("remember_token").value
    assert _replay(app, {"remember_token": remember}).get("/calls/").status_code == 200


def test_every_cookie_is_samesite_and_http_only_and_remember_me_lasts_two_weeks(client, make):
    user = make.user("trainer")
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "remember": "y", "csrf_token": token}
    )
    set_cookies = response.headers.getlist("Set-Cookie")
    assert {SimpleCookie(h).popitem()[0] for h in set_cookies} >= {"session", "remember_token"}
    for header in set_cookies:
        assert "SameSite=Lax" in header and "HttpOnly" in header, header
    expires = client.get_cookie("remember_token").expires
    assert expires is not None and expires - datetime.now(UTC) <= timedelta(days=14), "two weeks, not a year"


def test_changing_the_password_ends_other_sessions_and_keeps_this_one(app, client, make):
    user = make.user("agent")
    login(client, user)
    elsewhere = app.test_client()
    login(elsewhere, user)
    before = _cookies(client)
    response = client.post(
        "/account/password",
        data={
            "csrf_token": csrf_token(client, "/account/password"),
            "current": PASSWORD,
            "new": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert client.get("/me/coaching").status_code == 200, "this browser stays signed in"
    assert _cookies(client)["session"] != before["session"], "the session cookie is rotated"
    assert elsewhere.get("/me/coaching").status_code == 302, "the other browser is signed out"
    assert _replay(app, before).get("/me/coaching").status_code == 302, "the old cookie no longer works"
    db.session.refresh(user)
    assert user.check_password(NEW_PASSWORD)


def test_every_role_can_change_their_password_from_the_top_bar(client, make):
    for role in ("agent", "trainer", "qa_manager", "admin"):
        c = client.application.test_client()
        login(c, make.user(role))
        assert 'href="/account/password"' in c.get("/notifications/").get_data(as_text=True)
        assert c.get("/account/password").status_code == 200


def test_a_wrong_current_password_changes_nothing(client, make):
    user = make.user("trainer")
    login(client, user)
    page = client.post(
        "/account/password",
        data={
            "csrf_token": csrf_token(client, "/account/password"),
            "current": "not-my-password",
            "new": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    ).get_data(as_text=True)
    assert "The current password is wrong." in page
    db.session.refresh(user)
    assert user.check_password(PASSWORD)
