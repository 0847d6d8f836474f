"""Security headers on every response, no inline script anywhere, and private responses never cached."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import login

TEMPLATES = Path(__file__).resolve().parents[2] / "app" / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)


def test_every_page_carries_the_security_headers(client, make):
    login(client, make.user("qa_manager"))
    for url in ("/login", "/", "/calls/", "/static/css/app.css"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert (
            "script-src 'self'" in csp
            and "frame-ancestors 'none'" in csp
            and "unsafe-inline" not in csp.split("script-src", 1)[1].split(";", 1)[0]
        ), url
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "microphone=()" in headers["Permissions-Policy"]
        assert "Strict-Transport-Security" not in headers, "HSTS only over HTTPS"


def test_hsts_is_sent_over_https(client):
    response = client.get("/login", base_url="https://ecoute.example.org")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_no_template_has_inline_script_or_event_handlers():
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not INLINE_SCRIPT.search(text), f"inline <script> in {template.name}: move it to static/js"
        assert not INLINE_HANDLER.search(text), f"inline event handler in {template.name}: move it to static/js"


def test_pages_and_recordings_are_private_and_never_stored_by_a_cache(client, make):
    agent = make.agent()
    call = make.call(agent)
    login(client, make.user("qa_manager"))
    for url in (f"/calls/{call.id}", f"/calls/{call.id}/audio", f"/api/calls/{call.id}"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "private, no-store", url
        assert "Expires" not in response.headers, url


def test_static_files_may_still_be_cached(client):
    assert "no-store" not in client.get("/static/css/app.css").headers.get("Cache-Control", "")


def test_forwarded_headers_are_believed_only_from_a_configured_proxy(app, client):
    from app import create_app

    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    assert "Strict-Transport-Security" not in client.get("/login", headers=forwarded).headers, (
        "without TRUSTED_PROXIES a client cannot pass itself off as HTTPS (or as another address)"
    )
    behind_proxy = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        INSTANCE_PATH=app.config["INSTANCE_PATH"],
        RECORDINGS_DIR=app.config["RECORDINGS_DIR"],
        TRUSTED_PROXIES=1,
    )
    assert "Strict-Transport-Security" in behind_proxy.test_client().get("/login", headers=forwarded).headers
