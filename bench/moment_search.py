"""The moment library at scale: 10,000 evaluated calls, 20 pieces of evidence each, already indexed.

    python bench/moment_search.py [--calls 10000] [--database sqlite:////tmp/moments.db]

Prints the median time of the library's checks for new evidence and of typical searches (the page's
budget is 100 ms at the 95th percentile). Rows are written with SQL directly: the point is the queries.
"""

from __future__ import annotations

import argparse
import statistics
import time

from sqlalchemy import text

from app import create_app
from app.extensions import db

WORDS = ("bonjour", "comprends", "reformulation", "box", "connexion", "facture", "agacement", "merci", "délai")
SERIES = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < :n) "


def fill(calls: int) -> None:
    """Teams, calls, automatic evaluations, evidence and their moments, as after months of use."""
    c = db.session.connection()
    c.execute(
        text("INSERT INTO teams(id,name,language,channel_layout,created_at) VALUES (1,'t','fr','mono','2026-01-01')")
    )
    c.execute(text("INSERT INTO agents(id,team_id,name,active,created_at) VALUES (1,1,'a',true,'2026-01-01')"))
    c.execute(text("INSERT INTO rubrics(id,key,title,language) VALUES (1,'r','r','fr')"))
    c.execute(
        text(
            "INSERT INTO rubric_versions(id,rubric_id,version,source,sha256,created_at) VALUES "
            "(1,1,1,'x','x','2026-01-01')"
        )
    )
    c.execute(
        text(
            SERIES + "INSERT INTO recordings(id,sha256,size,format,codec,duration,channels,sample_rate,"
            "extension,created_at) SELECT i, 'sha'||i, 1,'wav','pcm',60,2,16000,'wav','2026-01-01' FROM n"
        ),
        {"n": calls},
    )
    c.execute(
        text(
            SERIES + "INSERT INTO calls(id,recording_id,agent_id,team_id,call_date,direction,"
            "original_filename,status,swap_suspected,created_at) SELECT i,i,1,1,'2026-01-01','inbound','x',"
            "'scored',false,'2026-01-01' FROM n"
        ),
        {"n": calls},
    )
    c.execute(
        text(
            SERIES + "INSERT INTO evaluations(id,call_id,rubric_version_id,kind,status,revision,auto_failed,"
            "created_at) SELECT i,i,1,'auto','auto',1,false,'2026-01-01' FROM n"
        ),
        {"n": calls},
    )
    c.execute(
        text(SERIES + "INSERT INTO moment_sources(evaluation_id,indexed_at) SELECT i,'2026-01-01' FROM n"), {"n": calls}
    )
    words = " || ' ' || ".join(f"(CASE WHEN i % {k + 2} = 0 THEN '{w}' ELSE 'mot{k}' END)" for k, w in enumerate(WORDS))
    c.execute(
        text(
            SERIES + "INSERT INTO moments(call_id,team_id,criterion_key,sign,source,rule,language,call_type,"
            'score_band,segment_index,char_start,char_end,speaker,start,"end",text,quote,explanation,'
            f"created_at) SELECT (i-1)/20+1,1,'c'||(i%5),1-2*(i%2),'auto','r','fr','inbound','mid',i%20,0,10,"
            f"'agent',0,1,{words},'q','x','2026-01-01' FROM n"
        ),
        {"n": calls * 20},
    )
    db.session.commit()
    if db.engine.dialect.name == "postgresql":  # fresh statistics, as autovacuum keeps them in production
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def timed(fn, runs: int = 15) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10000)
    parser.add_argument("--database", default="sqlite:////tmp/ecoute-moments-bench.db")
    args = parser.parse_args()
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=args.database, INSTANCE_PATH="/tmp/ecoute-moments-bench")
    with app.app_context():
        from app.roleplay.services import MomentFilters, search_moments, sync_moments

        db.drop_all()
        db.create_all()
        fill(args.calls)
        cases = {
            "check for new evidence": lambda: sync_moments(db.session),
            "no filter, first page": lambda: search_moments(db.session, MomentFilters()),
            "one criterion, to avoid": lambda: search_moments(db.session, MomentFilters(criterion="c3", sign=-1)),
            "one rare word": lambda: search_moments(db.session, MomentFilters(q="délai")),
            "two words and a criterion": lambda: search_moments(
                db.session, MomentFilters(q="comprends agacement", criterion="c1")
            ),
        }
        print(f"{args.calls * 20} moments on {db.engine.dialect.name}")
        for name, fn in cases.items():
            print(f"  {name:<28} {timed(fn):7.1f} ms (median)")
        db.drop_all()
        db.engine.dispose()


if __name__ == "__main__":
    main()
