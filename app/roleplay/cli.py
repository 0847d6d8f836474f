"""`qa roleplay SCENARIO_ID --out FILE.pdf [--trainee] [--version N]`: print a scenario pack;
`qa moments sync`: index the evidence not in the moment library yet."""

from __future__ import annotations

from pathlib import Path

import click

from app.extensions import db


def register(group: click.Group) -> None:
    """Add the role-play commands to the `qa` command group."""
    group.add_command(roleplay_command)
    group.add_command(moments_group)


@click.group("moments")
def moments_group() -> None:
    """The moment library."""


@moments_group.command("sync")
def moments_sync_command() -> None:
    """Index the evidence of every automatic and final evaluation not in the library yet (idempotent)."""
    from app.roleplay.services import sync_moments

    added = sync_moments(db.session)
    db.session.commit()
    click.echo(f"{added} new moment(s) indexed")


@click.command("roleplay")
@click.argument("scenario_id", type=int)
@click.option(
    "--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Where to write the PDF."
)
@click.option("--trainee", is_flag=True, help="The trainee version: no model responses, no observer checklist.")
@click.option("--version", "number", type=int, help="A given version (default: the newest).")
def roleplay_command(scenario_id: int, out: Path, trainee: bool, number: int | None) -> None:
    """Write a scenario pack PDF: the trainer version, or the trainee version with --trainee."""
    from app.roleplay.models import Scenario
    from app.roleplay.services import RoleplayError, pack_pdf, scenario_version

    scenario = db.session.get(Scenario, scenario_id)
    if scenario is None:
        raise click.ClickException(f"no scenario {scenario_id}")
    try:
        version = scenario_version(scenario, number)
    except RoleplayError as exc:
        raise click.ClickException(str(exc)) from None
    data = pack_pdf(version, trainee=trainee)
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror}") from None
    edition = "trainee" if trainee else "trainer"
    click.echo(f"scenario {scenario.id} version {version.version} ({version.language}, {edition}) written to {out}")
