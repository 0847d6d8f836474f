"""/api/v1: the integration API, its OpenAPI 3.1 document generated from the code by flask-smorest."""

from __future__ import annotations

import http

from flask import Flask, current_app
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from app.api.auth import authenticate, rate_key
from app.api.v1 import calls, directory, evaluations, hooks
from app.api.v1.schemas import Problem
from app.extensions import csrf, limiter
from app.problems import PROBLEM_TYPE

BLUEPRINTS = (calls.blp, evaluations.blp, directory.blp, hooks.blp)
SECURITY = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token (ecq_...), created under your account's API tokens",
    },
    "session": {"type": "apiKey", "in": "cookie", "name": "session"},
}


class IntegrationApi(Api):
    """flask-smorest's Api, less its JSON error handler: app.main.errors answers every /api/v1 error
    as problem+json, and the rest of the site keeps its pages."""

    ERROR_SCHEMA = Problem

    def _register_error_handlers(self) -> None:
        pass

    def _register_responses(self) -> None:
        """Error responses documented as what they are: problem details, application/problem+json."""
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "An error, as problem details", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_TYPE)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)


def _limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


for _blp in BLUEPRINTS:
    _blp.before_request(authenticate)
    csrf.exempt(_blp)  # tokens need none; session requests are checked in `authenticate`
    limiter.limit(_limit, key_func=rate_key, scope="api-v1")(_blp)


def register(app: Flask) -> IntegrationApi:
    api = IntegrationApi(
        app,
        spec_kwargs={"info": {"description": "Push calls in, pull scores out. Errors are application/problem+json."}},
    )
    api.spec.components.security_scheme("bearerAuth", SECURITY["bearerAuth"])
    api.spec.components.security_scheme("session", SECURITY["session"])
    api.spec.options["security"] = [{"bearerAuth": []}, {"session": []}]
    for blp in BLUEPRINTS:
        api.register_blueprint(blp)
    app.extensions["ecoute_api"] = api
    return api
