"""`qa sheet EVALUATION_ID --out FILE.pdf`."""

from __future__ import annotations

from app.extensions import db
from app.scoring.choices import EvaluationStatus
from tests.coaching.conftest import pdf_text, reviewed_lines


def test_qa_sheet_writes_the_pdf_of_a_final_evaluation(runner, evaluation_fr, tmp_path):
    out = tmp_path / "sheet.pdf"
    result = runner.invoke(args=["qa", "sheet", str(evaluation_fr.id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    text, pages = pdf_text(out.read_bytes())
    assert "Julie Martin" in text and 1 <= pages <= 2


def test_qa_sheet_twice_writes_the_same_bytes(runner, evaluation_en, tmp_path):
    for name in ("a.pdf", "b.pdf"):
        assert runner.invoke(args=["qa", "sheet", str(evaluation_en.id), "--out", str(tmp_path / name)]).exit_code == 0
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_qa_sheet_of_an_unknown_evaluation_fails_in_one_line(runner, app, tmp_path):
    result = runner.invoke(args=["qa", "sheet", "424242", "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0 and result.output.strip() == "Error: no evaluation 424242"
    assert not (tmp_path / "x.pdf").exists()


def test_qa_sheet_of_an_automatic_evaluation_fails_in_one_line(runner, make, tmp_path):
    evaluation = reviewed_lines(make)
    db.session.execute(
        evaluation.__table__.update()
        .where(evaluation.__table__.c.id == evaluation.id)
        .values(status=EvaluationStatus.AUTO)
    )
    db.session.commit()
    result = runner.invoke(args=["qa", "sheet", str(evaluation.id), "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0 and result.output.strip() == f"Error: evaluation {evaluation.id} is not final"
