"""HTML to PDF: the one module that imports WeasyPrint (lazily: the web process rarely needs it)."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def render_pdf(html: str) -> bytes:
    """A PDF of a standalone HTML page (inline CSS and SVG, no external assets are fetched)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=None, url_fetcher=_no_fetch).write_pdf()


def _no_fetch(url: str, timeout: int = 10, ssl_context=None) -> dict:
    """Sheets are self-contained; refuse any URL so a stray link never reaches the network or disk."""
    raise ValueError(f"sheets fetch nothing ({url})")
