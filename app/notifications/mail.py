"""E-mail through the configured SMTP server; nothing is sent while SMTP_HOST is unset."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

logger = logging.getLogger(__name__)


def mail_enabled() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def send_mail(to: str, subject: str, body: str) -> bool:
    """Send one plain-text message; failures are logged, never raised (the in-app notification stays)."""
    config = current_app.config
    if not config.get("SMTP_HOST"):
        return False
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = config["MAIL_FROM"], to, subject
    message.set_content(body)
    try:
        with smtplib.SMTP(config["SMTP_HOST"], config.get("SMTP_PORT", 587), timeout=10) as smtp:
            if config.get("SMTP_USER"):
                smtp.starttls()
                smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        logger.warning("e-mail to %s not sent: %s", to, exc)
        return False
    return True
