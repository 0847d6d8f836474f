"""In-app notifications (a new coaching sheet, a dispute answered, a role-play assigned) and their e-mails."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Blueprint and the unread-notification count every page can show."""
    from flask_login import current_user

    from app.extensions import db
    from app.notifications.services import unread_count
    from app.notifications.views import bp

    app.register_blueprint(bp)

    @app.context_processor
    def notification_count():
        def count() -> int:
            return unread_count(db.session, current_user.id) if current_user.is_authenticated else 0

        return {"unread_notifications": count}
