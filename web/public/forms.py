"""Forms of the public site (CSRF-protected by Flask-WTF)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from matcher.types import VISIBILITIES

VISIBILITY_LABELS = {
    "private": _l("Private: only you and the institute's coordinators"),
    "anonymous": _l("Anonymous: the problem is visible, your firm is not"),
    "public": _l("Public: problem and firm are visible"),
}


class ProblemForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=500)])
    text = TextAreaField(_l("Describe the problem in plain words"), validators=[DataRequired(), Length(min=10, max=20000)])
    region = StringField(_l("Region"), validators=[Optional(), Length(max=120)])
    budget = StringField(_l("Budget (optional)"), validators=[Optional(), Length(max=120)])
    timeline = StringField(_l("Timeline (optional)"), validators=[Optional(), Length(max=200)])
    trl = IntegerField(_l("Technology readiness level, 1-9 (optional)"), validators=[Optional(), NumberRange(1, 9)])
    visibility = SelectField(_l("Visibility"), choices=[SelectChoice(v, VISIBILITY_LABELS[v]) for v in VISIBILITIES],
                             default="private")


class IntroductionForm(FlaskForm):
    entity_id = HiddenField(validators=[DataRequired(), Length(max=64)])
    problem_id = HiddenField(validators=[Optional(), Length(max=64)])
    message = TextAreaField(_l("Message to the coordinators (optional)"), validators=[Optional(), Length(max=4000)])


class IntroductionRequestForm(IntroductionForm):
    """The firm's request from its problem page: an NDA flag and, on an anonymous problem, its consent."""

    nda = BooleanField(_l("We need a confidentiality agreement (NDA) before sharing details"))
    consent = BooleanField(_l("You may name my firm to this partner (needed for an anonymous problem)"))


class HelpForm(FlaskForm):
    message = TextAreaField(_l("How could you help? (a few lines for the coordinator)"),
                            validators=[Optional(), Length(max=2000)])
