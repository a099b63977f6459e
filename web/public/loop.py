"""The requester's side of the brokerage loop: introduction requests, "I can help", and "My requests"."""
from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from matcher.services import accounts, problems, requests
from web.extensions import runtime
from web.i18n import mail_locales
from web.mail import MailError, OutgoingMail, send_mail
from web.security import roles_required

from . import bp, viewer
from .forms import HelpForm, IntroductionRequestForm

OPEN_PAGE = 20


def problem_extras(item: problems.ProblemView, who: problems.Viewer) -> dict[str, Any]:
    """What the problem page adds for the firm (its requests per partner) and for researchers (their offer)."""
    mine = [r for r in requests.my_requests(runtime(), who) if r.problem_id == item.id]
    return {
        "requested": {r.entity_id: r for r in mine if r.kind == "request"},
        "my_offer": next((r for r in mine if r.kind == "interest"), None),
        "help_form": HelpForm() if who.role == "researcher" else None,
    }


@bp.post("/introductions")
@roles_required(*problems.POSTER_ROLES)
def request_introduction() -> Response:
    form = IntroductionRequestForm()
    if not form.validate_on_submit():
        abort(400)
    problem_id = form.problem_id.data or None
    try:
        intro = requests.request_introduction(
            runtime(), viewer(), form.entity_id.data or "", problem_id=problem_id, message=form.message.data or "",
            nda_requested=bool(form.nda.data), consent=bool(form.consent.data))
    except problems.NotVisible:
        abort(404)
    except problems.Forbidden:
        abort(403)
    if intro.created:
        notify_coordinators(intro, form.message.data or "")
        flash(_("Introduction to %(name)s requested; a coordinator will get in touch.", name=intro.entity_name), "success")
    else:
        flash(_("You already asked to meet %(name)s; a coordinator will get in touch.", name=intro.entity_name), "success")
    if problem_id:
        return redirect(url_for("public.problem", problem_id=problem_id))
    return redirect(url_for("public.entity", entity_id=intro.entity_id))


@bp.post("/problems/<problem_id>/help")
@roles_required("researcher")
def offer_help(problem_id: str) -> Response:
    form = HelpForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        offer = requests.offer_help(runtime(), viewer(), problem_id, form.message.data or "")
    except problems.NotVisible:
        abort(404)
    except problems.Forbidden:
        abort(403)
    if offer.created:
        notify_coordinators(offer, form.message.data or "")
        flash(_("Thank you: a coordinator will look at your offer and ask the firm."), "success")
    else:
        flash(_("You already offered help on this problem; your message is updated."), "success")
    return redirect(url_for("public.problem", problem_id=problem_id))


@bp.get("/problems/open")
def open_problems() -> str:
    """Problems anyone may read (public and anonymous), newest first: where researchers find one to help on."""
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    items, total = problems.list_problems(runtime(), problems.Viewer(), limit=OPEN_PAGE, offset=(page - 1) * OPEN_PAGE)
    return render_template("public/open_problems.html", problems=items, total=total, page=page, per_page=OPEN_PAGE)


@bp.get("/requests")
@login_required
def my_requests() -> str:
    items = requests.my_requests(runtime(), viewer())
    return render_template("public/my_requests.html", items=items, researcher=current_user.role == "researcher")


def notify_coordinators(intro: requests.IntroductionView, message: str) -> None:
    """Email every coordinator a link to the item in the admin panel; no contact details of the partner."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    if intro.problem_id:
        link = base + url_for("admin.problem", problem_id=intro.problem_id) + (
            f"#match-{intro.match_id}" if intro.match_id else "")
    else:
        link = base + url_for("admin.requests_page") + f"#request-{intro.id}"
    for address, locale in mail_locales(accounts.emails_for_role(runtime(), "coordinator")).items():
        with force_locale(locale):  # each coordinator in their own language
            text = render_template("public/introduction_email.txt", intro=intro, requester=current_user,
                                   message=message, link=link)
            what = _("Offer of help") if intro.kind == "interest" else _("Introduction request")
            subject = f"{what}: {intro.problem_title or intro.entity_name}"[:200]
        try:
            send_mail(OutgoingMail(to=address, subject=subject, text=text))
        except MailError:
            current_app.logger.exception("request mail to a coordinator failed")
