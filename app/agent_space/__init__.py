"""The agent's own coaching space, disputes and in-app notifications."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Blueprint and the unread-notification count every page can show."""
    from flask_login import current_user

    from app.agent_space.notifications import unread_count
    from app.agent_space.views import bp
    from app.extensions import db

    app.register_blueprint(bp)

    @app.context_processor
    def notification_count():
        def count() -> int:
            return unread_count(db.session, current_user.id) if current_user.is_authenticated else 0

        return {"unread_notifications": count}
