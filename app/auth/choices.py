"""Roles and what each one may do: the single place permissions are decided."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    QA_MANAGER = "qa_manager"
    TRAINER = "trainer"
    AGENT = "agent"


class Permission(StrEnum):
    MANAGE_USERS = "manage_users"
    MANAGE_TEAMS = "manage_teams"
    MANAGE_RUBRICS = "manage_rubrics"
    UPLOAD_CALLS = "upload_calls"
    VIEW_ALL_CALLS = "view_all_calls"
    VIEW_OWN_CALLS = "view_own_calls"
    VIEW_UNREDACTED = "view_unredacted"
    # Card numbers and bank details as spoken (PCI DSS: masked unless there is a business need).
    VIEW_PAYMENT_DATA = "view_payment_data"
    REVIEW_CALLS = "review_calls"
    VIEW_RUBRICS = "view_rubrics"
    VIEW_JOBS = "view_jobs"
    BUILD_ROLEPLAY = "build_roleplay"
    OBSERVE_PRACTICE = "observe_practice"
    PRACTISE_ROLEPLAY = "practise_roleplay"
    # Webhook subscriptions make the server call out: integrators only.
    MANAGE_WEBHOOKS = "manage_webhooks"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.QA_MANAGER: frozenset(
        {
            Permission.UPLOAD_CALLS,
            Permission.VIEW_ALL_CALLS,
            Permission.VIEW_UNREDACTED,
            Permission.VIEW_PAYMENT_DATA,
            Permission.REVIEW_CALLS,
            Permission.VIEW_RUBRICS,
            Permission.VIEW_JOBS,
            Permission.OBSERVE_PRACTICE,
            Permission.MANAGE_WEBHOOKS,
        }
    ),
    # Trainers work from redacted material only: they see calls, never unredacted text.
    Role.TRAINER: frozenset(
        {Permission.VIEW_ALL_CALLS, Permission.VIEW_RUBRICS, Permission.BUILD_ROLEPLAY, Permission.OBSERVE_PRACTICE}
    ),
    # Agents see only the role-plays assigned to them, in their trainee version; their own calls as spoken,
    # except card numbers and bank details.
    Role.AGENT: frozenset({Permission.VIEW_OWN_CALLS, Permission.VIEW_UNREDACTED, Permission.PRACTISE_ROLEPLAY}),
}
