"""Bulk import from a folder with a CSV manifest, and the other `flask qa` account commands."""

from __future__ import annotations

from sqlalchemy import func, select

from app.auth.models import User
from app.calls.models import Call
from app.extensions import db
from tests.conftest import wav_bytes


def _folder(tmp_path, rows: list[str], files: dict[str, bytes]):
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    header = "file,agent,call_date,direction,external_id,channels"
    (tmp_path / "manifest.csv").write_text("\n".join([header, *rows]) + "\n")
    return tmp_path


def test_a_folder_is_imported_with_its_manifest(runner, make, tmp_path):
    agent = make.agent()
    rows = [
        f'a.wav,{agent.external_ref},2026-11-20T09:12,inbound,TCK-1,"agent,customer"',
        f"b.wav,{agent.name},2026-11-21T10:00,outbound,,mono",
    ]
    folder = _folder(tmp_path, rows, {"a.wav": wav_bytes(seed=11), "b.wav": wav_bytes(seed=12, channels=1)})
    result = runner.invoke(args=["qa", "import", str(folder)])
    assert result.exit_code == 0, result.output
    assert "2 call(s) imported, 0 refused." in result.output
    calls = db.session.scalars(select(Call).order_by(Call.id)).all()
    assert [c.external_id for c in calls] == ["TCK-1", None]
    assert [c.direction for c in calls] == ["inbound", "outbound"] and calls[1].channel_layout == "mono"


def test_bad_rows_are_reported_one_line_each_and_the_rest_is_imported(runner, make, tmp_path):
    agent = make.agent()
    folder = _folder(
        tmp_path,
        [
            f"good.wav,{agent.external_ref},2026-11-20T09:12,inbound,,",
            f"text.wav,{agent.external_ref},2026-11-20T09:13,inbound,,",
        ],
        {"good.wav": wav_bytes(seed=5), "text.wav": b"hello, this is not audio" * 20},
    )
    result = runner.invoke(args=["qa", "import", str(folder)])
    assert result.exit_code == 1
    assert "1 call(s) imported, 1 refused." in result.output
    assert "refused line 3 (text.wav): This file is not a readable audio recording." in result.output
    assert db.session.scalar(select(func.count(Call.id))) == 1


def test_a_manifest_naming_an_unknown_agent_imports_nothing(runner, make, tmp_path):
    make.agent()
    folder = _folder(tmp_path, ["a.wav,NOBODY,2026-11-20T09:12,inbound,,"], {"a.wav": wav_bytes()})
    result = runner.invoke(args=["qa", "import", str(folder)])
    assert result.exit_code != 0 and "line 2: unknown agent 'NOBODY'" in result.output
    assert db.session.scalar(select(func.count(Call.id))) == 0


def test_a_manifest_cannot_reach_outside_its_folder(runner, make, tmp_path):
    agent = make.agent()
    inner = tmp_path / "inner"
    inner.mkdir()
    (tmp_path / "secret.wav").write_bytes(wav_bytes())
    _folder(inner, [f"../secret.wav,{agent.external_ref},2026-11-20T09:12,inbound,,"], {})
    result = runner.invoke(args=["qa", "import", str(inner)])
    assert result.exit_code != 0 and "outside the import folder" in result.output


def test_a_missing_manifest_is_one_clear_error(runner, tmp_path):
    result = runner.invoke(args=["qa", "import", str(tmp_path)])
    assert result.exit_code != 0 and "no manifest" in result.output


def test_create_user_from_the_command_line(runner, make):
    agent = make.agent()
    result = runner.invoke(
        args=[
            "qa",
            "create-user",
            "--email",
            "Lea@Example.org",
            "--name",
            "Léa",
            "--role",
            "agent",
            "--agent",
            agent.external_ref,
        ],
        input="a-long-password\na-long-password\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalars(select(User).where(User.email == "lea@example.org")).one()
    assert user.agent_id == agent.id and user.check_password("a-long-password")


def test_create_user_refuses_a_short_password_with_one_line(runner):
    result = runner.invoke(
        args=["qa", "create-user", "--email", "x@example.org", "--name", "X", "--role", "admin"], input="short\nshort\n"
    )
    assert result.exit_code != 0 and "at least 10 characters" in result.output


def test_seed_demo_creates_two_teams_and_a_login_per_role(runner):
    result = runner.invoke(args=["qa", "seed-demo", "--without-calls"])
    assert result.exit_code == 0, result.output
    for role in ("admin", "qa_manager", "trainer", "agent"):
        assert role in result.output
    assert db.session.scalar(select(func.count(User.id))) == 5
    again = runner.invoke(args=["qa", "seed-demo", "--without-calls"])
    assert again.exit_code == 0 and db.session.scalar(select(func.count(User.id))) == 5


def test_a_manifest_with_an_unknown_channel_layout_imports_nothing(runner, make, tmp_path):
    agent = make.agent()
    rows = [
        f"a.wav,{agent.external_ref},2026-11-20T09:12,inbound,,mono",
        f"b.wav,{agent.external_ref},2026-11-20T09:14,inbound,,agent,customer",
    ]  # unquoted: splits in two
    folder = _folder(tmp_path, rows, {"a.wav": wav_bytes(seed=21), "b.wav": wav_bytes(seed=22)})
    result = runner.invoke(args=["qa", "import", str(folder)])
    assert result.exit_code != 0 and "line 3: Unknown channel layout 'agent'." in result.output
    assert db.session.scalar(select(func.count(Call.id))) == 0


def test_a_silent_recording_in_an_import_is_refused_with_the_reason_and_the_rest_is_imported(runner, make, tmp_path):
    agent = make.agent()
    folder = _folder(
        tmp_path,
        [
            f"voice.wav,{agent.external_ref},2026-11-20T09:12,inbound,,",
            f"silence.wav,{agent.external_ref},2026-11-20T09:13,inbound,,",
        ],
        {"voice.wav": wav_bytes(seed=31), "silence.wav": wav_bytes(seconds=4, amplitude=0)},
    )
    result = runner.invoke(args=["qa", "import", str(folder)])
    assert result.exit_code == 1
    assert "refused line 3 (silence.wav): The recording is silent: nothing to transcribe." in result.output
    assert db.session.scalars(select(Call.original_filename)).all() == ["voice.wav"]
    assert not list((runner.app.config["RECORDINGS_DIR"] / "tmp").glob("upload-*"))
