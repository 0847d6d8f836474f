"""The demo accounts (published passwords) are only created where that is safe."""

from __future__ import annotations

from sqlalchemy import func, select

from app.auth.models import User
from app.extensions import db


def test_seed_demo_refuses_outside_development(app, runner):
    app.config["ENV_NAME"] = "production"
    try:
        result = runner.invoke(args=["qa", "seed-demo", "--without-calls"])
    finally:
        app.config["ENV_NAME"] = "testing"
    assert result.exit_code != 0 and "refusing" in result.output and "--force" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_seed_demo_runs_outside_development_when_forced(app, runner):
    app.config["ENV_NAME"] = "production"
    try:
        result = runner.invoke(args=["qa", "seed-demo", "--without-calls", "--force"])
    finally:
        app.config["ENV_NAME"] = "testing"
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(User.id))) == 5
