"""A rubric upload cannot blow up the server: no alias bombs, no deep nesting, bounded versions, short errors."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.qa_data.errors import RubricError
from app.scoring.models import RubricVersion
from app.scoring.rubrics import load_rubric_text
from tests.conftest import csrf_token

BUNDLED = Path(__file__).resolve().parents[2] / "qa_rubrics" / "hotline_fr.yaml"
ALIAS_BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
    f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n"
    for i in range(8)
)
DEEP = "[" * 20000 + "]" * 20000


def _with_version(version: str) -> str:
    return re.sub(r"(?m)^version: .*$", f"version: {version}", BUNDLED.read_text(encoding="utf-8"), count=1)


def _upload(client, text: str):
    return client.post(
        "/rubrics/",
        data={"csrf_token": csrf_token(client, "/rubrics/"), "file": (io.BytesIO(text.encode()), "team.yaml")},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (ALIAS_BOMB, "aliases"),
        (DEEP, "nested deeper"),
        (_with_version(str(10**30)), "version"),
        (_with_version("0"), "version"),
    ],
)
def test_a_hostile_rubric_is_refused_with_a_short_reason(app, text, says):
    with pytest.raises(RubricError) as info:
        load_rubric_text(text, "team.yaml")
    assert says in str(info.value) and len(str(info.value)) < 600


def test_an_error_never_echoes_a_whole_value(app):
    huge_id = "x" * 100_000
    text = re.sub(r"(?m)^version: .*$", f"version: '{huge_id}'", BUNDLED.read_text(encoding="utf-8"), count=1)
    with pytest.raises(RubricError) as info:
        load_rubric_text(text, "team.yaml")
    assert "version" in str(info.value) and len(str(info.value)) < 600


def test_the_upload_page_answers_an_alias_bomb_with_a_short_error_and_stores_nothing(
    client, login_as, registered_rubrics
):
    login_as("admin")
    before = db.session.scalar(select(func.count(RubricVersion.id)))
    for hostile in (ALIAS_BOMB, DEEP, _with_version(str(2**64))):
        response = _upload(client, hostile)
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and "team.yaml" in page
        assert len(page) < 200_000, "the error page is not the expanded document"
    assert db.session.scalar(select(func.count(RubricVersion.id))) == before


def test_the_bundled_rubrics_still_load():
    assert load_rubric_text(BUNDLED.read_text(encoding="utf-8"), "hotline_fr.yaml").criteria


def test_uploading_a_rubric_version_already_stored_says_so_and_adds_nothing(client, login_as, registered_rubrics):
    login_as("admin")
    before = db.session.scalar(select(func.count(RubricVersion.id)))
    page = _upload(client, BUNDLED.read_text(encoding="utf-8")).get_data(as_text=True)
    page = client.get("/rubrics/").get_data(as_text=True) if "already stored" not in page else page
    assert "already stored as" in page and "nothing was added" in page and "saved." not in page
    assert db.session.scalar(select(func.count(RubricVersion.id))) == before
