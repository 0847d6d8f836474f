"""The agent records an account may be linked to, for user administration. Agents belong to teams, a package
above auth (every team page needs auth's checks), so teams says how to list and find them when it loads
(create_app), and auth asks here without importing it."""

from __future__ import annotations

from collections.abc import Callable

from app.auth.services import AgentRecord

_directory: dict[str, Callable] = {}


def provide_agents(choices: Callable[[], list[tuple[int, str]]], find: Callable[[int], AgentRecord | None]) -> None:
    """Teams registers how to list the active agents ("Name (Team)") and how to find one by id."""
    _directory.update(choices=choices, find=find)


def agent_choices() -> list[tuple[int, str]]:
    return _directory["choices"]() if "choices" in _directory else []


def find_agent(agent_id: int) -> AgentRecord | None:
    return _directory["find"](agent_id) if "find" in _directory else None
