"""Cursor pagination: newest first by id; the cursor names the last id seen, so pages never shift."""

from __future__ import annotations

import base64
import binascii

from flask import abort
from sqlalchemy import Select

from app.extensions import db
from app.main.inputs import MAX_ID


def encode(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    kind, _, value = text.partition(":")
    if kind != "id" or not value.isdigit() or not 0 < int(value) <= MAX_ID:
        abort(422, description="The cursor is not one this API gave out.")
    return int(value)


def paginate(query: Select, id_column, args: dict) -> tuple[list, str | None]:
    """One page of `query` (entities), and the cursor of the next page (None on the last)."""
    limit = args["limit"]
    if args.get("cursor"):
        query = query.where(id_column < decode(args["cursor"]))
    rows = db.session.scalars(query.order_by(id_column.desc()).limit(limit + 1)).unique().all()
    return rows[:limit], encode(rows[limit - 1].id) if len(rows) > limit else None
