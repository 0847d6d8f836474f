"""Bulk import: a folder of recordings described by a CSV manifest.

Manifest columns: file, agent (telephony id or exact name), call_date (ISO 8601), and optionally
direction, external_id, channels ("agent,customer" | "customer,agent" | mono: quote the values with a
comma). Every row's file, agent, date, direction and channels are checked before anything is stored; the
caller then ingests rows one by one, and a recording refused there (corrupt audio, a duplicate) is listed
without stopping the others (see `flask qa import`).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from app.calls.choices import Direction
from app.calls.services import CallMeta, IngestError, check_choices
from app.teams.services import find_agent

REQUIRED_COLUMNS = ("file", "agent", "call_date")


class ManifestError(ValueError):
    """The manifest itself cannot be used."""


@dataclass(frozen=True)
class Row:
    line: int
    path: Path
    meta: CallMeta


def _parse_date(value: str, line: int) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ManifestError(f"line {line}: call_date {value!r} is not an ISO date (2026-11-23T14:05)") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _resolve(folder: Path, name: str, line: int) -> Path:
    """A file inside the folder; a manifest cannot point elsewhere on the disk."""
    path = (folder / name.strip()).resolve()
    if not path.is_relative_to(folder.resolve()):
        raise ManifestError(f"line {line}: {name!r} is outside the import folder")
    if not path.is_file():
        raise ManifestError(f"line {line}: file {name!r} not found in {folder}")
    return path


def read_manifest(session: Session, folder: Path, manifest: Path | None = None) -> list[Row]:
    """Parse and check every row; ManifestError names the first bad line."""
    manifest = manifest or folder / "manifest.csv"
    if not manifest.is_file():
        raise ManifestError(f"no manifest: {manifest} does not exist")
    with manifest.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ManifestError(f"{manifest.name}: missing column(s) {', '.join(missing)}")
        return list(_rows(session, folder, reader))


def _rows(session: Session, folder: Path, reader: csv.DictReader) -> Iterator[Row]:
    for line, raw in enumerate(reader, start=2):
        agent = find_agent(session, raw.get("agent") or "")
        if agent is None:
            raise ManifestError(f"line {line}: unknown agent {raw.get('agent')!r}")
        meta = CallMeta(
            agent=agent,
            call_date=_parse_date(raw.get("call_date") or "", line),
            direction=(raw.get("direction") or Direction.INBOUND).strip(),
            external_id=(raw.get("external_id") or "").strip() or None,
            channel_layout=(raw.get("channels") or "").strip() or None,
        )
        try:
            check_choices(meta)
        except IngestError as exc:
            raise ManifestError(f"line {line}: {exc}") from None
        yield Row(line=line, path=_resolve(folder, raw["file"], line), meta=meta)
