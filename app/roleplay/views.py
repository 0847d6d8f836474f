"""Role-play pages: the moment library and collections, the scenario builder, packs, assignment, practice,
and the agent's assigned role-plays."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.choices import Permission
from app.auth.permissions import require
from app.extensions import db
from app.navigation import nav_item
from app.roleplay import pages, services
from app.roleplay.forms import (
    AssignForm,
    CollectionForm,
    ExcerptToScenarioForm,
    MomentSearchForm,
    PinForm,
    PracticeForm,
    ScenarioForm,
    UnpinForm,
)
from app.roleplay.models import Collection, Moment, Scenario
from app.roleplay.scenario import (
    ScenarioDraft,
    ScenarioInvalid,
    customer_lines,
    excerpt_block,
    from_excerpt,
    lines_of,
)
from app.teams.models import Agent

bp = Blueprint("roleplay", __name__)

nav_item("roleplay.moments", _l("Moments"), Permission.BUILD_ROLEPLAY)
nav_item("roleplay.scenarios", _l("Role-plays"), Permission.OBSERVE_PRACTICE)
nav_item("roleplay.my_roleplays", _l("My role-plays"), Permission.PRACTISE_ROLEPLAY, mine=True)


def _moment_or_404(moment_id: int) -> Moment:
    return db.session.get(Moment, moment_id) or abort(404)


def _scenario_or_404(scenario_id: int) -> Scenario:
    return db.session.get(Scenario, scenario_id) or abort(404)


def _asked_version(item: Scenario):
    """The version named by ?version= (the newest without it); 404 for a version that does not exist."""
    try:
        return services.scenario_version(item, request.args.get("version", type=int))
    except services.RoleplayError:
        abort(404)


def _span(name: str) -> int:
    """Turns before or after a moment, from the query string or the form (0 to 6)."""
    return max(0, min(request.values.get(name, 2, type=int), 6))


# --- moment library -------------------------------------------------------------------------------------------


@bp.route("/roleplay/moments")
@require(Permission.BUILD_ROLEPLAY)
def moments():
    """Search real moments by words and filters (anonymised words only)."""
    form = MomentSearchForm(request.args)
    form.criterion.choices = [("", _("Any criterion")), *pages.criterion_choices()]
    form.team_id.choices = [("", _("Any team")), *((str(i), n) for i, n in pages.team_choices(db.session))]
    form.validate()
    sign = request.args.get("sign", type=int)
    filters = services.MomentFilters(
        q=form.q.data or "",
        criterion=form.criterion.data or "",
        sign=sign if sign in (1, -1) else None,
        language=form.language.data or "",
        team_id=request.args.get("team_id", type=int),
        call_type=form.call_type.data or "",
        band=form.band.data or "",
        source=form.source.data or "",
    )
    page = max(1, request.args.get("page", 1, type=int))
    rows, total = services.search_moments(db.session, filters, page=page)
    teams = pages.team_names(db.session)
    pin_form = PinForm()
    pin_form.collection_id.choices = [(c["id"], c["name"]) for c in pages.collections(db.session)]
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template(
        "roleplay/moments.html",
        form=form,
        moments=[pages.moment_row(m, teams) for m in rows],
        total=total,
        page=page,
        pages=max(1, -(-total // services.PER_PAGE)),
        args=args,
        pin_form=pin_form,
    )


@bp.route("/roleplay/moments/<int:moment_id>")
@require(Permission.BUILD_ROLEPLAY)
def moment(moment_id: int):
    """A moment as an anonymised excerpt; the trainer widens or narrows the turns around it."""
    item = _moment_or_404(moment_id)
    before, after = _span("before"), _span("after")
    excerpt = services.moment_excerpt(db.session, item, before=before, after=after)
    pin_form = PinForm(moment_id=item.id)
    pin_form.collection_id.choices = [(c["id"], c["name"]) for c in pages.collections(db.session)]
    add_form = ExcerptToScenarioForm(moment_id=item.id, before=before, after=after)
    add_form.scenario_id.choices = [(s["id"], s["title"]) for s in pages.scenario_rows(db.session)]
    return render_template(
        "roleplay/moment.html",
        moment=pages.moment_row(item, pages.team_names(db.session)),
        turns=pages.excerpt_turns(excerpt),
        before=before,
        after=after,
        pin_form=pin_form,
        add_form=add_form,
        collection_form=CollectionForm(),
        audio=services.clip_available(db.session, item),
    )


@bp.route("/roleplay/moments/<int:moment_id>/audio")
@require(Permission.BUILD_ROLEPLAY)
def moment_audio(moment_id: int):
    """The moment's audio, a little before and after, with a tone over personal data and names."""
    item = _moment_or_404(moment_id)
    try:
        clip = services.moment_clip(db.session, item)
    except services.RoleplayError:
        abort(404)
    return Response(clip, mimetype="audio/wav", headers={"Cache-Control": "private, max-age=600"})


# --- collections ----------------------------------------------------------------------------------------------


@bp.route("/roleplay/collections", methods=["GET", "POST"])
@require(Permission.BUILD_ROLEPLAY)
def collections():
    """Named collections of good and bad examples."""
    form = CollectionForm()
    if form.validate_on_submit():
        try:
            collection = services.create_collection(db.session, form.name.data, current_user)
            db.session.commit()
            flash(_("Collection created."), "success")
            return redirect(url_for("roleplay.collection", collection_id=collection.id))
        except services.RoleplayError as exc:
            db.session.rollback()
            flash(str(exc), "error")
    elif request.method == "POST":
        flash(_("Give the collection a name."), "error")
    return render_template("roleplay/collections.html", collections=pages.collections(db.session), form=form)


@bp.route("/roleplay/collections/<int:collection_id>")
@require(Permission.BUILD_ROLEPLAY)
def collection(collection_id: int):
    """The moments pinned into one collection."""
    item = db.get_or_404(Collection, collection_id)
    teams = pages.team_names(db.session)
    return render_template(
        "roleplay/collection.html",
        collection=item,
        unpin_form=UnpinForm(),
        moments=[pages.moment_row(i.moment, teams) for i in item.items],
    )


@bp.route("/roleplay/collections/pin", methods=["POST"])
@require(Permission.BUILD_ROLEPLAY)
def pin():
    """Pin a moment into a collection."""
    form = PinForm()
    form.collection_id.choices = [(c["id"], c["name"]) for c in pages.collections(db.session)]
    if not form.validate_on_submit():
        flash(_("Choose a collection first (create one on the Collections page)."), "error")
        return redirect(url_for("roleplay.collections"))
    target = db.get_or_404(Collection, form.collection_id.data)
    services.pin(db.session, target, _moment_or_404(int(form.moment_id.data)), current_user)
    db.session.commit()
    flash(_("Pinned into %(name)s.", name=target.name), "success")
    return redirect(url_for("roleplay.collection", collection_id=target.id))


@bp.route("/roleplay/collections/<int:collection_id>/unpin", methods=["POST"])
@require(Permission.BUILD_ROLEPLAY)
def unpin(collection_id: int):
    """Take a moment out of a collection."""
    target = db.get_or_404(Collection, collection_id)
    form = UnpinForm()
    if form.validate_on_submit() and form.moment_id.data.isdigit():
        services.unpin(db.session, target, int(form.moment_id.data))
        db.session.commit()
        flash(_("Removed from the collection."), "success")
    return redirect(url_for("roleplay.collection", collection_id=target.id))


# --- scenarios ------------------------------------------------------------------------------------------------


@bp.route("/roleplay/scenarios")
@require(Permission.BUILD_ROLEPLAY, Permission.OBSERVE_PRACTICE)
def scenarios():
    """Every scenario, newest first."""
    return render_template("roleplay/scenarios.html", scenarios=pages.scenario_rows(db.session))


def _builder_form(**data) -> ScenarioForm:
    form = ScenarioForm(**data)
    form.criteria.choices = pages.criterion_choices()
    return form


def _draft(form: ScenarioForm) -> ScenarioDraft:
    language = form.language.data
    return ScenarioDraft(
        title=form.title.data or "",
        language=language,
        rubric_key=services.rubric_for(language),
        objective=(form.objective.data or "").strip(),
        criteria=tuple(form.criteria.data or ()),
        situation=(form.situation.data or "").strip(),
        mood=(form.mood.data or "").strip(),
        knows=(form.knows.data or "").strip(),
        brief=(form.brief.data or "").strip(),
        customer_lines=customer_lines(form.customer_lines.data, form.escalation_lines.data),
        observed_response=(form.observed_response.data or "").strip(),
        model_responses=lines_of(form.model_responses.data),
        debrief=lines_of(form.debrief.data),
    )


def _with_excerpt(draft: ScenarioDraft, moment_id: int, before: int, after: int) -> ScenarioDraft:
    item = _moment_or_404(moment_id)
    excerpt = services.moment_excerpt(db.session, item, before=before, after=after)
    return from_excerpt(draft, excerpt_block(item.id, item.criterion_key, excerpt))


def _suggestions(criteria, language: str) -> list[dict]:
    teams = pages.team_names(db.session)
    rows = [pages.moment_row(m, teams) for m in services.suggestions(db.session, list(criteria), language)]
    db.session.commit()  # keep what the library indexed on the way
    return rows


@bp.route("/roleplay/scenarios/new", methods=["GET", "POST"])
@require(Permission.BUILD_ROLEPLAY)
def new_scenario():
    """The scenario builder: a blank scenario, or one started from a moment's excerpt."""
    moment_id = request.values.get("moment_id", type=int)
    before, after = _span("before"), _span("after")
    source = _moment_or_404(moment_id) if moment_id else None
    prefill = {}
    if source is not None and request.method == "GET":
        start = _with_excerpt(
            ScenarioDraft(title="", language=source.language, rubric_key=""), source.id, before, after
        )
        prefill = {
            "language": source.language,
            "criteria": list(start.criteria),
            "customer_lines": "\n".join(line.text for line in start.customer_lines),
            "observed_response": start.observed_response,
            "moment_id": source.id,
            "before": before,
            "after": after,
        }
    form = _builder_form(**prefill)
    if form.validate_on_submit():
        draft = _draft(form)
        if source is not None:  # the excerpt joins the scenario; its lines stay as the trainer edited them
            draft = replace(draft, excerpts=_with_excerpt(draft, source.id, before, after).excerpts)
        try:
            scenario = services.create_scenario(db.session, draft, current_user)
            db.session.commit()
            flash(_("Scenario created."), "success")
            return redirect(url_for("roleplay.scenario", scenario_id=scenario.id))
        except ScenarioInvalid:
            db.session.rollback()
            flash(_("The scenario needs a title and at least one criterion of the rubric."), "error")
    language = form.language.data or "fr"
    return render_template(
        "roleplay/builder.html",
        form=form,
        scenario=None,
        suggestions=_suggestions(form.criteria.data or [], language),
        excerpt=pages.excerpt_turns(services.moment_excerpt(db.session, source, before=before, after=after))
        if source
        else [],
    )


@bp.route("/roleplay/scenarios/<int:scenario_id>")
@require(Permission.BUILD_ROLEPLAY, Permission.OBSERVE_PRACTICE)
def scenario(scenario_id: int):
    """A scenario version (the newest unless asked), its history, exports and assignments."""
    item = _scenario_or_404(scenario_id)
    version = _asked_version(item)
    assign_form = AssignForm()
    assign_form.agent_id.choices = [(0, "–"), *pages.agent_choices(db.session)]
    assign_form.team_id.choices = [(0, "–"), *pages.team_choices(db.session)]
    agents = services.assigned_agents(db.session, item)
    practices = [
        p
        for a in agents
        for p in services.agent_practices(db.session, a.id)
        if p.scenario_version.scenario_id == item.id
    ]
    return render_template(
        "roleplay/scenario.html",
        scenario=item,
        v=pages.version_view(version),
        versions=item.versions,
        current=item.current.version,
        assign_form=assign_form,
        assigned=agents,
        practices=pages.practice_rows(db.session, practices),
    )


@bp.route("/roleplay/scenarios/<int:scenario_id>/edit", methods=["GET", "POST"])
@require(Permission.BUILD_ROLEPLAY)
def edit_scenario(scenario_id: int):
    """Edit a scenario: saving makes a new version and keeps the old ones."""
    item = _scenario_or_404(scenario_id)
    current = item.current
    form = _builder_form(**pages.form_data(current)) if request.method == "GET" else _builder_form()
    if form.validate_on_submit():
        draft = replace(_draft(form), excerpts=services.draft_of(current).excerpts)
        try:
            version = services.save_version(db.session, item, draft, current_user)
            db.session.commit()
            flash(
                _("Saved as version %(n)d.", n=version.version) if version.id != current.id else _("Nothing changed."),
                "success",
            )
            return redirect(url_for("roleplay.scenario", scenario_id=item.id))
        except ScenarioInvalid:
            db.session.rollback()
            flash(_("The scenario needs a title and at least one criterion of the rubric."), "error")
    return render_template(
        "roleplay/builder.html",
        form=form,
        scenario=item,
        excerpt=[],
        suggestions=_suggestions(form.criteria.data or [], form.language.data or "fr"),
    )


@bp.route("/roleplay/scenarios/excerpts", methods=["POST"])
@require(Permission.BUILD_ROLEPLAY)
def add_excerpt():
    """Add a moment's excerpt to an existing scenario (a new version)."""
    form = ExcerptToScenarioForm()
    form.scenario_id.choices = [(s["id"], s["title"]) for s in pages.scenario_rows(db.session)]
    if not form.validate_on_submit() or not form.scenario_id.data or not form.moment_id.data.isdigit():
        flash(_("Choose a scenario first."), "error")
        return redirect(url_for("roleplay.scenarios"))
    item = _scenario_or_404(form.scenario_id.data)
    draft = _with_excerpt(services.draft_of(item.current), int(form.moment_id.data), _span("before"), _span("after"))
    try:
        version = services.save_version(db.session, item, draft, current_user)
        db.session.commit()
        flash(_("Excerpt added: version %(n)d.", n=version.version), "success")
    except ScenarioInvalid:
        db.session.rollback()
        flash(_("The scenario needs a title and at least one criterion of the rubric."), "error")
    return redirect(url_for("roleplay.scenario", scenario_id=item.id))


@bp.route("/roleplay/scenarios/<int:scenario_id>/pack.pdf")
@require(Permission.BUILD_ROLEPLAY)
def pack(scenario_id: int):
    """The scenario pack as PDF: trainer version, or the trainee version with ?trainee=1."""
    item = _scenario_or_404(scenario_id)
    version = _asked_version(item)
    trainee = request.args.get("trainee") == "1"
    return _pdf(services.pack_pdf(version, trainee=trainee), item.id, version.version, trainee)


def _pdf(data: bytes, scenario_id: int, version: int, trainee: bool) -> Response:
    name = f"roleplay-{scenario_id}-v{version}-{'trainee' if trainee else 'trainer'}.pdf"
    return Response(data, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})


@bp.route("/roleplay/scenarios/<int:scenario_id>/assign", methods=["POST"])
@require(Permission.BUILD_ROLEPLAY)
def assign(scenario_id: int):
    """Give the scenario to an agent or to a team."""
    item = _scenario_or_404(scenario_id)
    form = AssignForm()
    form.agent_id.choices = [(0, "–"), *pages.agent_choices(db.session)]
    form.team_id.choices = [(0, "–"), *pages.team_choices(db.session)]
    if not form.validate_on_submit():
        abort(400)
    agent = db.session.get(Agent, form.agent_id.data) if form.agent_id.data else None
    try:
        if agent is not None and form.team_id.data:
            raise services.RoleplayError(_("Choose one agent or one team."))
        team_id = form.team_id.data or None
        if services.find_assignment(db.session, item, agent=agent, team_id=team_id) is not None:
            flash(_("This role-play was already assigned."), "info")
        else:
            services.assign(db.session, item, current_user, agent=agent, team_id=team_id)
            db.session.commit()
            flash(_("Role-play assigned."), "success")
    except services.RoleplayError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    return redirect(url_for("roleplay.scenario", scenario_id=item.id))


@bp.route("/roleplay/scenarios/<int:scenario_id>/practice", methods=["GET", "POST"])
@require(Permission.OBSERVE_PRACTICE)
def practice(scenario_id: int):
    """The observer records a practice with the scenario's checklist."""
    item = _scenario_or_404(scenario_id)
    version = item.current
    view = pages.version_view(version)
    form = PracticeForm()
    form.agent_id.choices = [(a.id, a.name) for a in services.assigned_agents(db.session, item)]
    form.ticked.choices = [(i["key"], i["title"]) for i in view["checklist"]]
    if form.validate_on_submit():
        agent = db.session.get(Agent, form.agent_id.data)
        try:
            services.record_practice(
                db.session,
                version,
                agent,
                current_user,
                ticked=form.ticked.data or [],
                notes=form.notes.data or "",
                overall=form.overall.data,
            )
            db.session.commit()
            flash(_("Practice recorded."), "success")
            return redirect(url_for("roleplay.scenario", scenario_id=item.id))
        except services.RoleplayError as exc:
            db.session.rollback()
            flash(str(exc), "error")
    return render_template("roleplay/practice.html", scenario=item, v=view, form=form)


# --- the agent's side -----------------------------------------------------------------------------------------


def _assigned_or_404(scenario_id: int) -> Scenario:
    """Only a scenario assigned to the signed-in agent (directly or via the team); 404 otherwise."""
    item = db.session.get(Scenario, scenario_id)
    if item is None or not services.is_assigned(db.session, item, current_user.agent):
        abort(404)
    return item


@bp.route("/me/roleplays")
@require(Permission.PRACTISE_ROLEPLAY)
def my_roleplays():
    """The role-plays assigned to the signed-in agent."""
    rows = [
        {"id": s.id, "title": s.current.title, "language": s.current.language, "version": s.current.version}
        for s in services.assigned_scenarios(db.session, current_user.agent)
    ]
    return render_template("roleplay/my_roleplays.html", scenarios=rows)


@bp.route("/me/roleplays/<int:scenario_id>")
@require(Permission.PRACTISE_ROLEPLAY)
def my_roleplay(scenario_id: int):
    """An assigned role-play, trainee version: never the model responses before practice."""
    item = _assigned_or_404(scenario_id)
    return render_template("roleplay/trainee.html", scenario=item, v=pages.version_view(item.current, trainee=True))


@bp.route("/me/roleplays/<int:scenario_id>/pack.pdf")
@require(Permission.PRACTISE_ROLEPLAY)
def my_pack(scenario_id: int):
    """The trainee version of an assigned role-play as PDF."""
    item = _assigned_or_404(scenario_id)
    return _pdf(services.pack_pdf(item.current, trainee=True), item.id, item.current.version, True)


def practice_history(agent_id: int) -> list[dict]:
    """For the agent's coaching page: practice results, apart from call scores."""
    return pages.practice_rows(db.session, services.agent_practices(db.session, agent_id))
