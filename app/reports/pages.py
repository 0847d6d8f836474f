"""Plain-dict context of the team page, folded from the grouped rows of app.reports.services."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.reports import services
from app.reports.services import TeamFilter, _avg
from app.scoring.pages import criterion_title
from app.ui.charts import PALETTE, day_label, histogram, line_chart


def _weeks(flt: TeamFilter) -> list[str]:
    from datetime import timedelta

    monday = flt.start - timedelta(days=flt.start.weekday())
    weeks = []
    while monday <= flt.end:
        weeks.append(monday.isoformat())
        monday += timedelta(weeks=1)
    return weeks


def _series(acc: dict, weeks: list[str]) -> list[float | None]:
    return [_avg(*acc[w]) if w in acc else None for w in weeks]


def team_page(session: Session, flt: TeamFilter, threshold: float) -> dict[str, Any]:
    """Averages, trends, distribution, agents under threshold, coverage, disputes and agreement."""
    crit_rows, eval_rows, distribution = services.score_aggregates(session, flt)
    agents, teams = services.agents_and_teams(session, flt.team_id)
    cover = services.coverage(session, flt)
    weeks = _weeks(flt)
    labels = [day_label(date.fromisoformat(w)) for w in weeks]

    # rows: (team, agent, week, key, sum, count, ...); fold() reads the last two columns, so trim first.
    crit_sums = [r[:6] for r in crit_rows]
    by_key = services.fold(crit_sums, lambda r: r[3])
    by_team_key = services.fold(crit_sums, lambda r: (r[0], r[3]))
    by_agent_key = services.fold(crit_sums, lambda r: (r[1], r[3]))
    by_team_key_week = services.fold(crit_sums, lambda r: (r[3], r[0], r[2]))
    agreement = services.agreement(crit_rows)
    keys = sorted(by_key, key=lambda k: str(criterion_title(k)))
    team_ids = sorted({r[0] for r in eval_rows} | {r[0] for r in crit_rows}, key=lambda t: teams.get(t, ""))

    criteria = [
        {
            "key": k,
            "title": criterion_title(k),
            "average": _avg(*by_key[k]),
            "count": by_key[k][1],
            "teams": {t: _avg(*by_team_key[(t, k)]) if (t, k) in by_team_key else None for t in team_ids},
            "mean_gap": agreement.get(k, {}).get("mean_gap"),
            "within": agreement.get(k, {}).get("within"),
            "pairs": agreement.get(k, {}).get("pairs", 0),
            "chart": line_chart(
                labels,
                {
                    teams.get(t, str(t)): _series(
                        {w: by_team_key_week[(k, t, w)] for (kk, tt, w) in by_team_key_week if kk == k and tt == t},
                        weeks,
                    )
                    for t in team_ids
                },
                title=str(criterion_title(k)),
                threshold=threshold,
            ),
        }
        for k in keys
    ]

    by_agent = services.fold(eval_rows, lambda r: r[1])
    by_agent_week = services.fold(eval_rows, lambda r: (r[1], r[2]))
    by_team_week = services.fold(eval_rows, lambda r: (r[0], r[2]))
    agent_rows = []
    for agent_id, agent in sorted(agents.items(), key=lambda a: a[1].name):
        total, count = by_agent.get(agent_id, (0.0, 0))
        average = _avg(total, count)
        done, planned = cover.get(agent_id, (0, 0))
        weekly = {w: by_agent_week[(agent_id, w)] for w in weeks if (agent_id, w) in by_agent_week}
        agent_rows.append(
            {
                "id": agent_id,
                "name": agent.name,
                "team": teams.get(agent.team_id, ""),
                "average": average,
                "evaluations": count,
                "under": average is not None and average < threshold,
                "reviewed": done,
                "planned": planned,
                "coverage": done / planned if planned else None,
                "criteria": {
                    k: _avg(*by_agent_key[(agent_id, k)]) if (agent_id, k) in by_agent_key else None for k in keys
                },
                "trend": line_chart(
                    labels,
                    {agent.name: _series(weekly, weeks)},
                    title=agent.name,
                    width=180,
                    height=60,
                    threshold=threshold,
                )
                if weekly
                else None,
            }
        )
    team_trend = line_chart(
        labels,
        {
            teams.get(t, str(t)): _series({w: by_team_week[(t, w)] for w in weeks if (t, w) in by_team_week}, weeks)
            for t in team_ids
        },
        title=str(_l("Average total per week")),
        width=640,
        height=200,
        threshold=threshold,
    )
    evaluations = sum(c for _, c in by_agent.values())
    planned = sum(p for _, p in cover.values())
    reviewed = sum(d for d, _ in cover.values())
    return {
        "criteria": criteria,
        "agents": agent_rows,
        "team_names": [teams.get(t, "") for t in team_ids],
        "legend": [{"name": teams.get(t, ""), "colour": PALETTE[i % len(PALETTE)]} for i, t in enumerate(team_ids)],
        "team_ids": team_ids,
        "team_trend": team_trend,
        "threshold": threshold,
        "under": [a for a in agent_rows if a["under"]],
        "evaluations": evaluations,
        "average": _avg(sum(t for t, _ in by_agent.values()), evaluations),
        "histogram": histogram(distribution, title=str(_l("Score distribution"))),
        "open_disputes": services.open_disputes(session, flt.team_id),
        "coverage": {"reviewed": reviewed, "planned": planned, "share": reviewed / planned if planned else None},
    }


DIRECTIONS = {"harsh": _l("too harsh"), "lenient": _l("too lenient"), "even": _l("no clear bias")}


def _evidence_lines(groups: list[dict[str, Any]], with_rule: bool) -> list[dict[str, Any]]:
    return [
        {
            "criterion": criterion_title(g["key"][0]),
            "rule": g["key"][1] if with_rule else None,
            "sign": g["key"][-1],
            "count": g["count"],
            "calls": g["calls"],
            "texts": g["texts"],
        }
        for g in groups
    ]


def scorer_page(session: Session, flt: TeamFilter, version_id: int | None, min_reviews: int) -> dict[str, Any]:
    """Per criterion: reviews, Spearman, mean difference, share within 10 points, bias and its trend; the
    evidence reviewers rejected or added most often."""
    from app.reports import accuracy, scorer

    if version_id is None:
        return {"criteria": [], "rejected": [], "added": [], "min_reviews": min_reviews}
    pairs = scorer.pairs(session, flt, version_id)
    weeks = _weeks(flt)
    labels = [day_label(date.fromisoformat(w)) for w in weeks]
    trends = accuracy.weekly(pairs, weeks)
    names = (str(_l("Mean difference")), str(_l("Within 10 points (%)")))
    criteria = [
        {
            "key": f.criterion,
            "title": criterion_title(f.criterion),
            "n": f.n,
            "enough": f.enough,
            "spearman": f.spearman,
            "mae": f.mae,
            "within": f.within,
            "bias": f.bias,
            "direction": DIRECTIONS.get(f.direction or ""),
            "harsh": f.direction == "harsh",
            "chart": line_chart(
                labels,
                dict(zip(names, (trends[f.criterion]["mae"], trends[f.criterion]["within"]), strict=True)),
                title=str(criterion_title(f.criterion)),
            ),
        }
        for f in accuracy.by_criterion(pairs, min_reviews)
    ]
    return {
        "criteria": criteria,
        "min_reviews": min_reviews,
        "legend": [{"name": n, "colour": PALETTE[i]} for i, n in enumerate(names)],
        "rejected": _evidence_lines(scorer.rejected_evidence(session, flt, version_id), with_rule=True),
        "added": _evidence_lines(scorer.added_evidence(session, flt, version_id), with_rule=False),
    }


def fit_view(result) -> dict[str, Any]:
    """A fit's before / after per criterion, on held-out folds, with the weights it would publish."""
    rows = []
    for c in result.criteria:
        data = c.to_dict()
        minimum = result.settings.min_reviews
        refused = (
            None
            if not c.refused
            else (
                _l("%(n)d reviews, at least %(min)d needed", n=c.n, min=minimum)
                if c.n < minimum
                else _l("no weight or parameter to fit")
            )
        )
        rows.append(
            {
                **data,
                "title": criterion_title(c.id),
                "refused": refused,
                "weights": ", ".join(f"{k} {v:g}" for k, v in data["weights"].items()) if c.adopted else "",
            }
        )
    return {
        "rubric": result.rubric.id,
        "version": result.rubric.version,
        "folds": result.settings.folds,
        "criteria": [r for r in rows if r["n"]],
        "publishable": result.publishable,
    }
