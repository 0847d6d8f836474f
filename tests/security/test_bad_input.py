"""Bad input gets a 4xx, never a 500: NUL bytes, numbers no column can hold and dates no calendar can, sent to
every route, in the path, the query string and every field of the route's own forms."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from tests.api.factories import api_objects
from tests.coaching.factories import matrix_objects
from tests.conftest import csrf_token, login
from tests.roleplay.factories import roleplay_objects
from tests.test_access_matrix import MATRIX, issued_sheet, queued, world  # noqa: F401  (the fixture)

HUGE = [str(2**64 + 1), str(2**63), str(2**31), "-" + str(2**63 + 1)]
DATES = ["0001-01-01", "9999-12-31", "10000-01-01", "0000-00-00", "2026-02-30"]
BAD_VALUES = ["a\x00b", *HUGE, *DATES, "1e999", "NaN"]
# Query parameters the pages read, plus whatever their GET forms declare (collected from the pages).
KNOWN_PARAMS = {
    "page",
    "session",
    "version",
    "q",
    "start",
    "end",
    "date_from",
    "date_to",
    "team",
    "agent",
    "status",
    "criterion",
    "threshold",
    "unredacted",
    "next",
    "sort",
    "kind",
    "language",
    "call_id",
}
FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', re.IGNORECASE)
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.IGNORECASE | re.DOTALL)


def _urls(objects) -> dict[str, tuple[str, str]]:
    """endpoint -> (method, URL with real ids), as the access matrix builds them."""
    sheet = issued_sheet(objects["call"]).id
    extra = (
        matrix_objects(objects, "{dispute}")
        | roleplay_objects(objects, "{scenario}")
        | api_objects(objects, "{rubric}{evaluation}{token}{subscription}")
    )
    extra["assignment"] = queued(objects["call"])
    urls = {}
    for endpoint, (method, template, _) in MATRIX.items():
        urls[endpoint] = (
            method,
            template.format(
                call=objects["call"].id, job=objects["job"].id, user=objects["target_user"].id, sheet=sheet, **extra
            ),
        )
    return urls


def _forms(client, urls) -> tuple[dict[str, set[str]], set[str]]:
    """POST form fields per action path, and the names of every GET (filter) field, from the real pages."""
    posted: dict[str, set[str]] = {}
    queried = set(KNOWN_PARAMS)
    for method, url in urls.values():
        if method != "GET":
            continue
        response = client.get(url)
        if "html" not in response.content_type:
            continue
        html = response.get_data(as_text=True)
        for attrs, body in FORM.findall(html):
            names = set(FIELD.findall(body)) - {"csrf_token"}
            action = re.search(r'action="([^"]*)"', attrs)
            if 'method="post"' in attrs.lower():
                posted.setdefault((action.group(1) if action else url).split("?")[0], set()).update(names)
            else:
                queried |= names
    return posted, queried


def _every_bad_request(client, urls, posted, queried):
    """(what was sent, response) for each probe."""
    for endpoint, (method, url) in sorted(urls.items()):
        if endpoint in ("static", "auth.logout"):  # signing out would end the probe
            continue
        for value in BAD_VALUES:
            ids = re.sub(r"/\d+(?=/|$|\.)", "/" + quote(value, safe="-"), url, count=1)
            if ids != url and method == "GET":
                yield f"GET {ids}", client.get(ids)
            if method == "GET":
                yield f"GET {url}?*={value!r}", client.get(url, query_string={k: value for k in queried})
            else:
                fields = posted.get(url, set()) | {"text", "name", "reason", "comment", "note", "id"}
                data = {k: value for k in fields} | {"csrf_token": csrf_token(client, "/")}
                yield f"POST {url} *={value!r}", client.post(url, data=data)
                if ids != url:
                    yield f"POST {ids}", client.post(ids, data={"csrf_token": csrf_token(client, "/")})


@pytest.mark.parametrize("role", ["admin", "agent"])
def test_no_bad_value_anywhere_gives_a_server_error(client, world, role):  # noqa: F811
    urls = _urls(world)
    assert login(client, world["users"][role]).status_code == 302
    posted, queried = _forms(client, urls)
    failures = []
    for what, response in _every_bad_request(client, urls, posted, queried):
        response.get_data()  # a streamed export fails while it is read, not when it starts
        response.close()
        if response.status_code >= 500:
            failures.append(f"{what} -> {response.status_code}")
    assert failures == [], "\n".join(failures)


def test_a_nul_byte_in_a_form_is_refused_and_changes_nothing(client, make):
    user = make.user("trainer")
    login(client, user)
    response = client.post("/language", data={"csrf_token": csrf_token(client, "/"), "locale": "fr", "next": "/\x00"})
    assert response.status_code == 400
    from app.extensions import db

    db.session.refresh(user)
    assert user.locale is None


def test_an_id_beyond_any_stored_one_is_simply_not_found(client, login_as):
    login_as("qa_manager")
    for url in (f"/calls/{2**64}", f"/calls/{2**31}/audio", f"/rubrics/hotline_fr/v{2**70}", f"/api/calls/{2**40}"):
        assert client.get(url).status_code == 404, url


def test_a_report_filter_at_the_end_of_the_calendar_is_refused_politely(client, login_as):
    login_as("qa_manager")
    response = client.get("/reports/team", query_string={"date_from": "0001-01-01", "date_to": "9999-12-31"})
    assert response.status_code in (200, 400)


def test_a_comment_over_the_limit_is_refused_with_the_real_limit(client, make):
    from tests.coaching.factories import sheet_for

    agent = make.agent()
    sheet = sheet_for(agent)
    login(client, make.user("agent", agent=agent))
    page = client.post(
        f"/me/coaching/{sheet.id}/comment",
        data={"csrf_token": csrf_token(client, "/me/coaching"), "body": "x" * 4001},
        follow_redirects=True,
    )
    text = page.get_data(as_text=True)
    assert "at most 4,000 characters" in text and "4,001" in text and "Write a comment first" not in text
