"""Admin forms; Flask-WTF adds and checks the CSRF token of each."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from matcher.services.outcomes import RECORDABLE, STAGE_LABELS
from matcher.models import MATCH_STAGES


class ActionForm(FlaskForm):
    """A button: nothing but the CSRF token."""


class RejectForm(FlaskForm):
    reason = StringField("Reason", validators=[DataRequired("A reason is required to reject a match."),
                                               Length(max=4000)])


class NoteForm(FlaskForm):
    note = TextAreaField("Note", validators=[Optional(), Length(max=4000)])


class PartnerForm(FlaskForm):
    entity_id = HiddenField(validators=[DataRequired(), Length(max=64)])
    query = HiddenField(validators=[Optional(), Length(max=2000)])


class IntroduceForm(FlaskForm):
    date = DateField("Date (leave empty for today)", validators=[Optional()])


class OutcomeForm(FlaskForm):
    stage = SelectField("Next step", choices=[SelectChoice(s, STAGE_LABELS[s]) for s in RECORDABLE])
    date = DateField("Date (leave empty for today)", validators=[Optional()])
    value = DecimalField("Value (contract amount)", places=2, validators=[Optional(), NumberRange(min=0)])
    product = StringField("Product", validators=[Optional(), Length(max=300)])
    note = StringField("Note", validators=[Optional(), Length(max=4000)])


class CloseForm(FlaskForm):
    reason = StringField("Reason", validators=[DataRequired("A reason is required to close a match."),
                                               Length(max=4000)])
    date = DateField("Date (leave empty for today)", validators=[Optional()])


class CorrectForm(FlaskForm):
    stage = SelectField("Move back to", choices=[SelectChoice(s, STAGE_LABELS[s]) for s in MATCH_STAGES])
    reason = StringField("Reason", validators=[DataRequired("A reason is required."), Length(max=4000)])


class MergeForm(FlaskForm):
    keep_id = StringField("Keep", validators=[DataRequired(), Length(max=64)])
    merge_id = StringField("Merge into it (duplicate)", validators=[DataRequired(), Length(max=64)])


class ResearcherForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=300)])
    orcid = StringField("ORCID", validators=[Optional(), Length(max=32)])
    email = StringField("Email (private: never shown to firms)", validators=[Optional(), Length(max=320)])
    organization_id = StringField("Organisation id", validators=[Optional(), Length(max=64)])
    bio = TextAreaField("Bio", validators=[Optional(), Length(max=10000)])


class OrganizationForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=500)])
    kind = SelectField("Kind", choices=[])
    region = StringField("Region", validators=[Optional(), Length(max=120)])
    country = StringField("Country code", validators=[Optional(), Length(max=8)])
    city = StringField("City", validators=[Optional(), Length(max=200)])
    website = StringField("Website", validators=[Optional(), Length(max=500)])
    ror_id = StringField("ROR id", validators=[Optional(), Length(max=64)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=10000)])
