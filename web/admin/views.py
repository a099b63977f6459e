"""Admin views: parse the form, call matcher.services, render. Every route is staff-only (see _staff_only)."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import (
    Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for,
)
from flask_babel import gettext as _, ngettext
from flask_login import current_user
from werkzeug.routing import BuildError
from wtforms.fields.choices import SelectChoice

from matcher.types import ORGANIZATION_KINDS
from matcher.services import audit, curation, jobs, merging, outcomes
from matcher.services.outcomes import NotFound, OutcomeError

from ..extensions import login_manager, runtime
from ..labels import STAGE_NAMES, core_message
from ..mail import MailError, OutgoingMail, send_mail
from ..mail.introductions import compose_introduction
from ..public import forget_cached
from ..paging import page_arg
from . import charts, csvexport
from .forms import (
    ActionForm, CloseForm, CorrectForm, IntroduceForm, MergeForm, NoteForm, OrganizationForm, OutcomeForm,
    PartnerForm, RejectForm, ResearcherForm,
)

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE = 25


@bp.before_request
def _staff_only() -> Any:
    """One gate for the whole blueprint: anonymous -> login page, non-staff -> 403."""
    if not current_user.is_authenticated:
        try:
            return login_manager.unauthorized()
        except BuildError:  # no login page registered (e.g. a stripped-down app)
            abort(401)
    if not current_user.is_staff:
        abort(403)
    return None


@bp.app_context_processor
def _labels() -> dict[str, Any]:
    return {"stage_labels": STAGE_NAMES}


def _uid() -> int:
    return int(current_user.id)


def _page() -> int:
    return page_arg()


def _form_errors(form: Any) -> str:
    return "; ".join(str(e) for errors in form.errors.values() for e in errors) or _("invalid form")


def _back_to_match(match_id: int) -> Any:
    """Return to where the action was taken: the match's timeline or its problem's page."""
    if request.form.get("return_to") == "timeline":
        return redirect(url_for("admin.timeline", match_id=match_id))
    try:
        problem_id = curation.problem_of(runtime(), match_id)
    except NotFound:
        abort(404)
    return redirect(url_for("admin.problem", problem_id=problem_id) + f"#match-{match_id}")


def _send(to: str, subject: str, text: str) -> str:
    return send_mail(OutgoingMail(to=to, subject=subject, text=text))


# --- curation -------------------------------------------------------------------------------------------

@bp.get("/")
def queue() -> str:
    status = request.args.get("status", "new")
    page = _page()
    items, total = curation.queue(runtime(), status, limit=PAGE, offset=(page - 1) * PAGE)
    return render_template("admin/queue.html", items=items, total=total, status=status, page=page, per_page=PAGE,
                           statuses=curation.QUEUE_STATUSES, action_form=ActionForm(), reject_form=RejectForm())


@bp.get("/problems/<problem_id>")
def problem(problem_id: str) -> str:
    try:
        item = curation.get_problem(runtime(), problem_id)
    except NotFound:
        abort(404)
    query = (request.args.get("q") or "").strip()
    candidates: list[curation.Candidate] = []
    search_error = None
    if query:
        try:
            candidates = curation.search_partners(runtime(), problem_id, query, kinds=request.args.getlist("kind"))
        except ModuleNotFoundError:
            search_error = _("partner search is not available yet (no matching service installed)")
    return render_template("admin/problem.html", item=item, query=query, candidates=candidates,
                           search_error=search_error, action_form=ActionForm(), reject_form=RejectForm(),
                           note_form=NoteForm(), intro_form=IntroduceForm(), partner_form=PartnerForm())


@bp.post("/problems/<problem_id>/status")
def problem_status(problem_id: str) -> Any:
    if ActionForm().validate_on_submit():
        try:
            curation.set_problem_status(runtime(), problem_id, _uid(), request.form.get("status", ""))
            flash(_("Problem status updated."), "success")
        except NotFound:
            abort(404)
        except OutcomeError as exc:
            flash(core_message(exc), "error")
    return redirect(url_for("admin.problem", problem_id=problem_id))


@bp.post("/problems/<problem_id>/suggest")
def suggest(problem_id: str) -> Any:
    if ActionForm().validate_on_submit():
        try:
            added = curation.suggest_matches(runtime(), problem_id, _uid())
        except NotFound:
            abort(404)
        flash(ngettext("The matcher suggested %(num)s new candidate.", "The matcher suggested %(num)s new candidates.",
                       added), "success")
    return redirect(url_for("admin.problem", problem_id=problem_id))


@bp.post("/problems/<problem_id>/partners")
def add_partner(problem_id: str) -> Any:
    form = PartnerForm()
    if not form.validate_on_submit():
        flash(_form_errors(form), "error")
        return redirect(url_for("admin.problem", problem_id=problem_id))
    try:
        match_id = curation.add_partner(runtime(), problem_id, form.entity_id.data, _uid(), form.query.data)
    except NotFound:
        abort(404)
    except OutcomeError as exc:
        flash(core_message(exc), "error")
        return redirect(url_for("admin.problem", problem_id=problem_id))
    flash(_("Partner added to the matches."), "success")
    return redirect(url_for("admin.problem", problem_id=problem_id) + f"#match-{match_id}")


def _match_action(match_id: int, action: Any, success: str, form: Any = None) -> Any:
    form = form or ActionForm()
    if not form.validate_on_submit():
        flash(_form_errors(form), "error")
        return _back_to_match(match_id)
    try:
        action(form)
        flash(str(success), "success")
    except NotFound:
        abort(404)
    except OutcomeError as exc:
        flash(core_message(exc), "error")
    except MailError as exc:
        flash(_("The introduction was not sent: the mail server refused it (%(error)s). Nothing was changed.",
                error=exc), "error")
    return _back_to_match(match_id)


@bp.post("/matches/<int:match_id>/approve")
def approve(match_id: int) -> Any:
    return _match_action(match_id, lambda f: curation.approve(runtime(), match_id, _uid()), _("Match approved."))


@bp.post("/matches/<int:match_id>/reject")
def reject(match_id: int) -> Any:
    return _match_action(match_id, lambda f: curation.reject(runtime(), match_id, _uid(), f.reason.data),
                         _("Match rejected."), RejectForm())


@bp.post("/matches/<int:match_id>/pin")
def pin(match_id: int) -> Any:
    pinned = request.form.get("pinned") == "1"
    return _match_action(match_id, lambda f: curation.set_pinned(runtime(), match_id, _uid(), pinned),
                         _("Match pinned.") if pinned else _("Match unpinned."))


@bp.post("/matches/<int:match_id>/annotate")
def annotate(match_id: int) -> Any:
    return _match_action(match_id, lambda f: curation.annotate(runtime(), match_id, _uid(), f.note.data or ""),
                         _("Note saved."), NoteForm())


@bp.post("/matches/<int:match_id>/consent")
def record_consent(match_id: int) -> Any:
    consented = request.form.get("consented", "1") == "1"
    return _match_action(match_id, lambda f: curation.record_consent(runtime(), match_id, _uid(), current_user.role,
                                                                     consented),
                         _("Consent recorded.") if consented else _("Consent withdrawn."))


@bp.post("/matches/<int:match_id>/introduce")
def introduce(match_id: int) -> Any:
    base = current_app.config.get("PUBLIC_BASE_URL", "")
    return _match_action(match_id, lambda f: curation.introduce(runtime(), match_id, _uid(), _send, base_url=base,
                                                                at=f.date.data, compose=compose_introduction),
                         _("Introduction sent to both sides."), IntroduceForm())


# --- outcomes --------------------------------------------------------------------------------------------

@bp.get("/matches/<int:match_id>")
def timeline(match_id: int) -> str:
    try:
        line = outcomes.timeline(runtime(), match_id)
    except NotFound:
        abort(404)
    outcome_form = OutcomeForm()
    outcome_form.stage.choices = [SelectChoice(s, STAGE_NAMES[s]) for s in line.next_stages]
    return render_template("admin/timeline.html", line=line, outcome_form=outcome_form, close_form=CloseForm(),
                           correct_form=CorrectForm(), intro_form=IntroduceForm(), action_form=ActionForm())


@bp.post("/matches/<int:match_id>/outcome")
def outcome(match_id: int) -> Any:
    def act(f: OutcomeForm) -> None:
        value = float(f.value.data) if f.value.data is not None else None
        outcomes.advance(runtime(), match_id, _uid(), f.stage.data, at=f.date.data, value=value,
                         product=f.product.data, note=f.note.data)

    return _match_action(match_id, act, _("Outcome recorded."), OutcomeForm())


@bp.post("/matches/<int:match_id>/close")
def close(match_id: int) -> Any:
    return _match_action(match_id, lambda f: outcomes.close(runtime(), match_id, _uid(), f.reason.data, at=f.date.data),
                         _("Match closed."), CloseForm())


@bp.post("/matches/<int:match_id>/correct")
def correct(match_id: int) -> Any:
    return _match_action(match_id, lambda f: outcomes.correct(runtime(), match_id, _uid(), f.stage.data,
                                                              f.reason.data),
                         _("Stage corrected."), CorrectForm())


# --- audit log -------------------------------------------------------------------------------------------

def _date_arg(name: str) -> date | None:
    value = (request.args.get(name) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        flash(_("Ignored the %(name)s date: use YYYY-MM-DD.", name=name), "error")
        return None


@bp.get("/audit")
def audit_log() -> str:
    flt = audit.AuditFilter(user=request.args.get("user") or None, action=request.args.get("action") or None,
                            target=request.args.get("target") or None, since=_date_arg("since"),
                            until=_date_arg("until"))
    page = _page()
    entries, total = audit.list_entries(runtime(), flt, limit=50, offset=(page - 1) * 50)
    return render_template("admin/audit.html", entries=entries, total=total, flt=flt, page=page, per_page=50,
                           actions=audit.actions(runtime()))


# --- data care -------------------------------------------------------------------------------------------

def _kind(kind: str) -> str:
    if kind not in merging.KINDS:
        abort(404)
    return kind


@bp.get("/data/<kind>")
def browse(kind: str) -> str:
    _kind(kind)
    query = (request.args.get("q") or "").strip()
    page = _page()
    rows, total = merging.browse(runtime(), kind, query, limit=50, offset=(page - 1) * 50)
    return render_template("admin/browse.html", kind=kind, rows=rows, total=total, query=query, page=page,
                           per_page=50, merge_form=MergeForm())


@bp.route("/data/<kind>/<entity_id>", methods=["GET", "POST"])
def edit_entity(kind: str, entity_id: str) -> Any:
    _kind(kind)
    record = merging.get_record(runtime(), kind, entity_id)
    if record is None:
        abort(404)
    form: Any = ResearcherForm(data=record.fields) if kind == "researcher" else OrganizationForm(data=record.fields)
    if kind == "organization":
        form.kind.choices = [SelectChoice(k, k.replace("_", " ")) for k in ORGANIZATION_KINDS]
    if request.method == "POST":
        if form.validate_on_submit():
            changes = {name: form[name].data for name in merging.EDITABLE[kind]}
            try:
                changed = merging.edit(runtime(), kind, entity_id, _uid(), changes)
                forget_cached(entity_id)
                flash(_("Saved (%(fields)s).", fields=", ".join(changed) or _("no changes")), "success")
                return redirect(url_for("admin.edit_entity", kind=kind, entity_id=entity_id))
            except merging.MergeError as exc:
                flash(core_message(exc), "error")
        else:
            flash(_form_errors(form), "error")
    return render_template("admin/edit.html", kind=kind, record=record, form=form)


@bp.post("/data/<kind>/merge")
def merge(kind: str) -> Any:
    _kind(kind)
    form = MergeForm()
    if not form.validate_on_submit():
        flash(_("Choose one record to keep and one duplicate to merge into it."), "error")
        return redirect(url_for("admin.browse", kind=kind, q=request.form.get("q", "")))
    if request.form.get("confirm") != "1":  # a merge cannot be undone: show both records first
        return redirect(url_for("admin.merge_confirm", kind=kind, keep_id=form.keep_id.data,
                                merge_id=form.merge_id.data))
    try:
        counts = merging.merge(runtime(), kind, form.keep_id.data, form.merge_id.data, _uid())
    except merging.MergeError as exc:
        flash(core_message(exc), "error")
        return redirect(url_for("admin.browse", kind=kind, q=request.form.get("q", "")))
    forget_cached(form.keep_id.data, form.merge_id.data)
    moved = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items() if v) or _("nothing to move")
    flash(_("Merged %(old)s into %(new)s: %(moved)s.", old=form.merge_id.data, new=form.keep_id.data, moved=moved),
          "success")
    try:
        job_id = jobs.start_reindex(runtime(), merging.affected_entities(kind, form.keep_id.data, form.merge_id.data),
                                    _uid())
        flash(_("Search is being updated (job %(job)s).", job=job_id), "success")
    except jobs.JobError:
        flash(_("Another re-index is running: rebuild the index once it finishes."), "error")
    return redirect(url_for("admin.edit_entity", kind=kind, entity_id=form.keep_id.data))


@bp.get("/imports")
def imports() -> str:
    page = _page()
    runs, total = merging.import_runs(runtime(), limit=20, offset=(page - 1) * 20)
    return render_template("admin/imports.html", runs=runs, total=total, page=page, per_page=20)


@bp.get("/jobs")
def jobs_page() -> str:
    return render_template("admin/jobs.html", jobs=jobs.recent(runtime()), action_form=ActionForm(),
                           watch=request.args.get("watch", type=int))


@bp.post("/jobs/rebuild-index")
def rebuild_index() -> Any:
    if not ActionForm().validate_on_submit() or request.form.get("confirm") != "1":
        flash(_("Nothing started: press the rebuild button to confirm."), "error")
        return redirect(url_for("admin.jobs_page"))
    try:
        job_id = jobs.start_index_rebuild(runtime(), _uid())
    except jobs.JobError as exc:
        flash(core_message(exc), "error")
        return redirect(url_for("admin.jobs_page"))
    flash(_("Index rebuild started."), "success")
    return redirect(url_for("admin.jobs_page", watch=job_id))


@bp.get("/jobs/progress")
def job_progress() -> Response:
    """JSON progress of job ?id=N (default: the latest job), polled by the jobs page."""
    job_id = request.args.get("id", type=int)
    job = jobs.get(runtime(), job_id) if job_id is not None else next(iter(jobs.recent(runtime(), 1)), None)
    if job is None:
        if job_id is not None:
            abort(404)
        return jsonify({"status": "none", "finished": True})
    return jsonify(job.as_dict())
