"""`qa roleplay SCENARIO_ID --out FILE.pdf [--trainee] [--version N]`."""

from __future__ import annotations

from dataclasses import replace

from app.extensions import db
from app.roleplay import services
from tests.roleplay.factories import scenario_draft
from tests.roleplay.test_pack import pack_text


def _scenario(make):
    trainer = make.user("trainer")
    scenario = services.create_scenario(db.session, scenario_draft(), trainer)
    services.save_version(db.session, scenario, replace(scenario_draft(), title="Deuxième version"), trainer)
    db.session.commit()
    return scenario


def test_qa_roleplay_writes_the_trainer_pack(runner, make, tmp_path):
    scenario = _scenario(make)
    out = tmp_path / "pack.pdf"
    result = runner.invoke(args=["qa", "roleplay", str(scenario.id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"scenario {scenario.id} version 2 (fr, trainer) written to" in result.output
    text = pack_text(out.read_bytes())
    assert "deuxième version" in text and "modele-reponse" in text


def test_qa_roleplay_trainee_leaves_out_the_model_responses(runner, make, tmp_path):
    scenario = _scenario(make)
    out = tmp_path / "trainee.pdf"
    result = runner.invoke(args=["qa", "roleplay", str(scenario.id), "--out", str(out), "--trainee"])
    assert result.exit_code == 0, result.output
    text = pack_text(out.read_bytes())
    assert "version apprenant" in text and "modele-reponse" not in text


def test_qa_roleplay_prints_an_older_version(runner, make, tmp_path):
    scenario = _scenario(make)
    out = tmp_path / "v1.pdf"
    assert runner.invoke(args=["qa", "roleplay", str(scenario.id), "--out", str(out), "--version", "1"]).exit_code == 0
    assert "client excédé par une panne" in pack_text(out.read_bytes())


def test_qa_roleplay_of_an_unknown_scenario_fails_in_one_line(runner, app, tmp_path):
    result = runner.invoke(args=["qa", "roleplay", "424242", "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0 and result.output.strip() == "Error: no scenario 424242"
    assert not (tmp_path / "x.pdf").exists()


def test_qa_roleplay_of_an_unknown_version_fails_in_one_line(runner, make, tmp_path):
    scenario = _scenario(make)
    result = runner.invoke(
        args=["qa", "roleplay", str(scenario.id), "--out", str(tmp_path / "x.pdf"), "--version", "9"]
    )
    assert result.exit_code != 0 and result.output.strip() == f"Error: scenario {scenario.id} has no version 9"


def test_qa_roleplay_into_a_missing_folder_fails_in_one_line(runner, make, tmp_path):
    scenario = _scenario(make)
    result = runner.invoke(args=["qa", "roleplay", str(scenario.id), "--out", str(tmp_path / "no" / "x.pdf")])
    assert result.exit_code != 0 and result.output.strip().startswith("Error: cannot write")
