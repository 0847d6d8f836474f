"""Domain events the pipeline announces (a call scored, a sheet issued...), for features that listen to them.

The stages and services publish; listeners (webhooks) subscribe. A stage never imports its listeners, so the
pipeline stays below the features that react to it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from blinker import Namespace

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class Subject(Protocol):
    """What an event is about: a call (app.calls.models.Call), seen through the fields listeners read, so that this
    core module imports no pipeline stage."""

    id: int
    agent_id: int
    team_id: int
    external_id: str | None


EVENTS = ("call.scored", "evaluation.finalised", "sheet.issued", "dispute.opened", "dispute.answered")

_signals = Namespace()
happened = _signals.signal("ecoute-event")


def publish(session: Session, event: str, call: Subject, **data: Any) -> None:
    """Announce an event about a call, inside the transaction that made it happen (listeners only add rows)."""
    happened.send(session, event=event, call=call, data=data)
