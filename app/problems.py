"""Errors of /api/v1 as RFC 9457 problem details (application/problem+json), whatever the status: the error
handlers (app.main) and the sign-in guard (app.auth) answer API clients with them."""

from __future__ import annotations

from flask import Response, json, request
from werkzeug.exceptions import HTTPException

PROBLEM_TYPE = "application/problem+json"
V1_PREFIX = "/api/v1"


def is_v1() -> bool:
    return request.path == V1_PREFIX or request.path.startswith(V1_PREFIX + "/")


def problem(
    status: int, title: str, detail: str | None = None, *, errors: dict | None = None, headers: dict | None = None
) -> Response:
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def from_http_exception(error: HTTPException) -> Response:
    """A werkzeug error (webargs' 422 carries the field messages in `data`) as a problem."""
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    detail = data.get("message") or error.description
    headers = dict(error.get_response().headers) if error.code in (405, 429) else {}
    headers = {k: v for k, v in headers.items() if k.lower() in ("allow", "retry-after")}
    if error.code == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="ecoute"'
    return problem(error.code or 500, error.name, detail, errors=errors, headers=headers)
