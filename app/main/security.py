"""Security headers and caching rules for every response, in one place."""

from __future__ import annotations

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

# No inline script anywhere (handlers live in static/js); inline style attributes remain for bar widths.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "media-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


def secure_headers(response):
    """Every response gets the headers; only the public static files may be cached, anywhere."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = HSTS
    if request.endpoint != "static":
        # Pages, exports, PDFs and recordings are personal data: never kept by a browser or proxy cache.
        response.headers["Cache-Control"] = "private, no-store"
        response.headers.pop("Expires", None)
    return response


def register(app: Flask) -> None:
    app.after_request(secure_headers)
    proxies = app.config.get("TRUSTED_PROXIES", 0)
    if proxies:
        # Client address (rate limits, audit) and scheme (HSTS, secure cookies) from the trusted proxies only.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
