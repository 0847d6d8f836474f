"""The same recording uploaded several times at once: one call, the others told "already uploaded", no
file left behind; files left by a killed upload are cleaned up."""

from __future__ import annotations

import io
import os
import threading
import time

from sqlalchemy import func, select

from app.calls import storage
from app.calls.models import Call
from app.extensions import db
from tests.conftest import csrf_token, login, wav_bytes
from tests.review.conftest import both_read_before_either_writes


def _uploader(app, manager):
    client = app.test_client()
    assert login(client, manager).status_code == 302
    return client, csrf_token(client, "/calls/upload")


def test_simultaneous_uploads_of_one_file_make_one_call_and_tell_the_others(app, make):
    agent, manager = make.agent(), make.user("qa_manager")
    agent_id = str(agent.id)
    data = wav_bytes(seed=77)
    clients = [_uploader(app, manager) for _ in range(3)]
    pages: list[str] = []

    def send(client, token):
        form = {
            "csrf_token": token,
            "agent_id": agent_id,
            "call_date": "2026-11-20T09:12",
            "direction": "inbound",
            "files": (io.BytesIO(data), "call.wav"),
        }
        with app.app_context():
            response = client.post(
                "/calls/upload", data=form, content_type="multipart/form-data", follow_redirects=True
            )
            pages.append(response.get_data(as_text=True))

    threads = [threading.Thread(target=send, args=c) for c in clients]
    with both_read_before_either_writes(len(threads)):
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert db.session.scalar(select(func.count(Call.id))) == 1
    assert sum("was already uploaded" in page for page in pages) == 2
    assert not any("Something went wrong" in page for page in pages)
    assert list((app.config["RECORDINGS_DIR"] / "tmp").glob("upload-*")) == []


def test_files_left_by_a_killed_upload_are_removed_but_not_one_being_written(tmp_path):
    spool = tmp_path / "tmp"
    spool.mkdir()
    left, writing = spool / "upload-left", spool / "upload-writing"
    left.write_bytes(b"half a recording")
    writing.write_bytes(b"arriving")
    two_hours_ago = time.time() - 7200
    os.utime(left, (two_hours_ago, two_hours_ago))
    assert storage.remove_orphans(tmp_path) == 1
    assert not left.exists() and writing.exists()


def test_a_worker_removes_the_files_of_killed_uploads_when_it_starts(app, runner, monkeypatch):
    from app.jobs.queue import get_queue

    spool = app.config["RECORDINGS_DIR"] / "tmp"
    spool.mkdir(parents=True)
    left = spool / "upload-left"
    left.write_bytes(b"half a recording")
    os.utime(left, (time.time() - 7200, time.time() - 7200))
    monkeypatch.setattr(get_queue(app), "run_worker", lambda **options: None)  # start, then stop at once
    result = runner.invoke(args=["qa", "worker"])
    assert result.exit_code == 0, result.output
    assert "1 unfinished upload(s) removed" in result.output and not left.exists()
