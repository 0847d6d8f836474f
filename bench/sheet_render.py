"""Coaching sheet rendering time (HTML context + WeasyPrint PDF), target under 1 s per sheet.

    .venv/bin/python bench/sheet_render.py [N]

Builds a realistic in-memory sheet (9 criteria, quotes both ways, 8-point trend, action items) in
French and English, renders it N times each and prints p50/p95. No database involved.
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta

from pypdf import PdfReader

from app import create_app
from app.coaching.sheet import ActionLine, CriterionLine, Moment, SheetInput, TrendPoint, sheet_context
from app.ui.pdf import render_pdf

LINE = (
    "Je comprends, mais c'est votre faute, il fallait redémarrer le DSLAM avant d'appeler. "
    "Donnez-moi votre numéro de carte 4970 1000 0000 0006 pour que je vérifie le contrat."
)


def sheet_input(language: str) -> SheetInput:
    titles = [
        "Écoute active",
        "Langage clair",
        "Empathie",
        "Accueil",
        "Mise en attente",
        "Clôture",
        "Formules interdites",
        "Annonce d'enregistrement",
        "Vérification d'identité",
    ]
    criteria = tuple(
        CriterionLine(t, float(15 + 9 * i), 10.0, na=i == 4, band="À consolider") for i, t in enumerate(titles)
    )
    moments = tuple(
        Moment(
            titles[i % 9],
            LINE,
            10 + i,
            60 + i,
            12.0 * i,
            positive=i % 2 == 0,
            explanation="Terme technique non expliqué.",
            tip="Remplacez les sigles par des mots du quotidien, ou expliquez-les aussitôt.",
        )
        for i in range(14)
    )
    today = date(2026, 11, 20)
    return SheetInput(
        language=language,
        agent_name="Julie Martin",
        team_name="Hotline Fibre",
        call_date=datetime(2026, 11, 18, 9, 12, tzinfo=UTC),
        duration=412.0,
        reference="TCK-8812",
        reviewer_name="Claire Dubois",
        rubric_title="Hotline – qualité d'appel",
        rubric_version=3,
        total=63.0,
        threshold=70.0,
        issued_on=today,
        criteria=criteria,
        moments=moments,
        strengths_note="Accueil chaleureux\nBonne maîtrise du diagnostic",
        improvements_note="Reformuler avant d'expliquer",
        actions=(
            ActionLine("Reformuler le problème du client avant la solution", today + timedelta(days=14)),
            ActionLine("Expliquer chaque sigle en mots simples", today + timedelta(days=30)),
        ),
        trend=tuple(TrendPoint(today - timedelta(days=7 * (8 - i)), 48.0 + 3 * i, current=i == 7) for i in range(8)),
    )


def main(n: int) -> None:
    os.environ.setdefault("SECRET_KEY", "bench")
    app = create_app("testing")
    template = app.jinja_env.get_template("coaching/pdf/sheet.html")
    render_pdf(template.render(**sheet_context(sheet_input("fr"))))  # warm-up: fonts, WeasyPrint import
    print(f"{'language':<9} {'n':>4} {'html p50':>9} {'pdf p50':>8} {'pdf p95':>8} {'max':>7} {'pages':>5}")
    for language in ("fr", "en"):
        html_times, pdf_times, size = [], [], 0
        for _ in range(n):
            t0 = time.perf_counter()
            html = template.render(**sheet_context(sheet_input(language)))
            t1 = time.perf_counter()
            pdf = render_pdf(html)
            t2 = time.perf_counter()
            html_times.append(t1 - t0)
            pdf_times.append(t2 - t0)
            size = len(pdf)
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        q = statistics.quantiles(pdf_times, n=20)
        print(
            f"{language:<9} {n:>4} {statistics.median(html_times) * 1000:>7.1f}ms "
            f"{statistics.median(pdf_times) * 1000:>6.0f}ms {q[18] * 1000:>6.0f}ms {max(pdf_times) * 1000:>5.0f}ms "
            f"{pages:>5}  ({size // 1024} KB)"
        )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; target: p95 under 1000 ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
