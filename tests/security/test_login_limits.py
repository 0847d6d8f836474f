"""Failed sign-ins are limited per account (whatever the address) and per address (whatever the account)."""

from __future__ import annotations

from tests.conftest import csrf_token


def _attempt(client, email: str, password: str = "wrong-password", ip: str = "10.0.0.1") -> int:
    token = csrf_token(client, "/login")
    return client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}, environ_base={"REMOTE_ADDR": ip}
    ).status_code


def test_rotating_addresses_gives_no_more_guesses_at_one_account(client, make):
    user = make.user("admin")
    statuses = [_attempt(client, user.email, ip=f"10.0.1.{i}") for i in range(6)]
    assert statuses == [200] * 5 + [429]


def test_one_noisy_account_does_not_lock_out_colleagues_behind_the_same_address(client, make):
    guessed, colleague = make.user("agent"), make.user("qa_manager")
    for _ in range(6):
        _attempt(client, guessed.email, ip="192.0.2.10")
    assert _attempt(client, colleague.email, password="correct-horse-battery", ip="192.0.2.10") == 302


def test_one_address_trying_many_accounts_is_stopped(app, client, make):
    app.config["LOGIN_IP_RATE_LIMIT"] = "8 per minute"
    try:
        statuses = [_attempt(client, f"nobody{i}@example.org", ip="198.51.100.7") for i in range(9)]
    finally:
        app.config["LOGIN_IP_RATE_LIMIT"] = "30 per minute;200 per hour"
    assert statuses == [200] * 8 + [429]
    assert _attempt(client, "someone@example.org", ip="198.51.100.8") == 200, "other addresses are unaffected"
