"""Loading and validating rubric files: bundled ones load; each kind of bad file is refused with file/field/reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.scoring.rubrics import (
    RubricError,
    bundled_rubric_files,
    bundled_rubrics,
    load_rubric,
    load_rubric_text,
    rubric_for_language,
)

REQUIRED = {"active_listening", "jargon", "empathy", "greeting", "hold_etiquette", "closing"}


def _good_text() -> str:
    return (Path(__file__).resolve().parents[2] / "qa_rubrics" / "hotline_fr.yaml").read_text(encoding="utf-8")


def _refused(text: str) -> RubricError:
    with pytest.raises(RubricError) as info:
        load_rubric_text(text, "team.yaml")
    assert info.value.source == "team.yaml"
    return info.value


@pytest.mark.parametrize("path", bundled_rubric_files(), ids=lambda p: p.name)
def test_every_bundled_rubric_validates(path):
    rubric = load_rubric(path)
    assert {c.id for c in rubric.criteria} >= REQUIRED
    assert abs(sum(c.weight for c in rubric.criteria) - 100) < 0.01
    assert any(c.auto_fail for c in rubric.criteria)


def test_bundled_rubrics_are_found_by_id_and_by_language():
    assert set(bundled_rubrics()) >= {"hotline_fr", "hotline_en"}
    assert rubric_for_language("fr").language == "fr"
    assert rubric_for_language("en-GB").id == "hotline_en"
    with pytest.raises(LookupError):
        rubric_for_language("de")


def test_rubrics_are_frozen():
    rubric = bundled_rubrics()["hotline_en"]
    with pytest.raises(AttributeError):
        rubric.version = 2  # type: ignore[misc]


def test_every_tip_has_french_and_english_text():
    for rubric in bundled_rubrics().values():
        for crit in rubric.criteria:
            assert crit.tips and all(t.text.fr and t.text.en for t in crit.tips)


def test_an_unknown_detector_is_refused_naming_the_field():
    error = _refused(_good_text().replace("name: listening_behaviours", "name: mind_reading"))
    assert error.field == "criteria[0].detectors[0].name"
    assert "unknown detector 'mind_reading'" in error.reason


def test_weights_that_do_not_add_up_to_100_are_refused():
    error = _refused(_good_text().replace("weight: 25", "weight: 30", 1))
    assert "criteria" in error.field and "add up to 105" in error.reason


def test_a_weight_that_is_not_a_number_is_refused_with_its_path():
    error = _refused(_good_text().replace("weight: 15", "weight: lots", 1))
    assert error.field == "criteria[1].weight"


def test_duplicate_criterion_ids_are_refused():
    error = _refused(_good_text().replace("- id: jargon", "- id: active_listening"))
    assert error.field == "criteria[1].id" and "duplicate" in error.reason


def test_a_tip_without_its_english_translation_is_refused():
    text = _good_text().replace('        en: "Swap acronyms', '        xx: "Swap acronyms')
    error = _refused(text)
    assert error.field.startswith("criteria[1].tips[0]")


def test_a_tip_missing_a_translation_names_the_language():
    lines = [line for line in _good_text().splitlines() if not line.strip().startswith('en: "Swap acronyms')]
    error = _refused("\n".join(lines))
    assert error.field == "criteria[1].tips[0].en" and error.reason == "missing translation"


def test_a_reference_to_a_missing_lexicon_file_is_refused():
    error = _refused(_good_text().replace("fr/jargon_telecom", "fr/jargon_rocketry"))
    assert error.field == "lexicons.jargon[0]" and "jargon_rocketry" in error.reason


def test_a_tip_for_an_unknown_rule_is_refused():
    error = _refused(_good_text().replace("for: [customer_confused]", "for: [customer_bored]"))
    assert error.field == "criteria[1].tips[1].for" and "customer_bored" in error.reason


def test_an_unknown_detector_parameter_is_refused():
    error = _refused(_good_text().replace("params: {penalty: 12.0}", "params: {penality: 12.0}"))
    assert error.field == "criteria[1].detectors[1].params.penality"


def test_a_yaml_syntax_error_gives_the_line():
    error = _refused("id: broken\nversion: 1\ncriteria: [\n  - {id: x\n")
    assert error.field.startswith("line ") and "YAML syntax error" in error.reason


def test_an_unknown_section_and_a_bad_version_are_refused():
    assert _refused(_good_text().replace("section: relation", "section: vibes", 1)).field == "criteria[0].section"
    assert _refused(_good_text().replace("version: 2", "version: first")).field == "version"


def test_the_error_message_names_file_field_and_reason(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(_good_text().replace("weight: 5\n    auto_fail", "weight: -5\n    auto_fail"), encoding="utf-8")
    with pytest.raises(RubricError) as info:
        load_rubric(path)
    assert str(info.value).startswith(f"{path}: criteria[8].weight: ")


def test_a_broken_lexicon_file_beside_a_rubric_names_the_lexicon_file(tmp_path):
    import shutil

    root = Path(__file__).resolve().parents[2] / "qa_rubrics"
    shutil.copytree(root, tmp_path / "qa_rubrics")
    broken = tmp_path / "qa_rubrics" / "lexicons" / "fr" / "empathy.yaml"
    broken.write_text("language: fr\nentries: [oops\n", encoding="utf-8")
    with pytest.raises(RubricError) as info:
        load_rubric(tmp_path / "qa_rubrics" / "hotline_fr.yaml")
    assert info.value.source.endswith("empathy.yaml") and "YAML syntax error" in info.value.reason


def test_a_team_can_extend_a_lexicon_without_touching_code(tmp_path):
    import shutil

    root = Path(__file__).resolve().parents[2] / "qa_rubrics"
    shutil.copytree(root, tmp_path / "qa_rubrics")
    path = tmp_path / "qa_rubrics" / "lexicons" / "fr" / "forbidden.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("entries: [", 'entries: ["ma poule", '), encoding="utf-8")
    rubric = load_rubric(tmp_path / "qa_rubrics" / "hotline_fr.yaml")
    assert "ma poule" in rubric.lexicons["forbidden"].terms


def test_a_criterion_is_named_by_its_rubric_title_in_the_language_asked_else_by_its_readable_key():
    from app.scoring.rubrics import criterion_title

    assert criterion_title("active_listening", "fr") == "Écoute active"
    assert criterion_title("active_listening", "en") == "Active listening"
    assert criterion_title("not_in_any_rubric", "fr") == "Not in any rubric"
