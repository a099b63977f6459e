"""Admin forms; Flask-WTF adds and checks the CSRF token of each."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from matcher.services.outcomes import RECORDABLE
from matcher.types import MATCH_STAGES

from ..labels import STAGE_NAMES


class ActionForm(FlaskForm):
    """A button: nothing but the CSRF token."""


class RejectForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(_l("A reason is required to reject a match.")),
                                               Length(max=4000)])


class NoteForm(FlaskForm):
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=4000)])


class PartnerForm(FlaskForm):
    entity_id = HiddenField(validators=[DataRequired(), Length(max=64)])
    query = HiddenField(validators=[Optional(), Length(max=2000)])


class IntroduceForm(FlaskForm):
    date = DateField(_l("Date (leave empty for today)"), validators=[Optional()])


class OutcomeForm(FlaskForm):
    stage = SelectField(_l("Next step"), choices=[SelectChoice(s, STAGE_NAMES[s]) for s in RECORDABLE])
    date = DateField(_l("Date (leave empty for today)"), validators=[Optional()])
    value = DecimalField(_l("Value (contract amount)"), places=2, validators=[Optional(), NumberRange(min=0)])
    product = StringField(_l("Product"), validators=[Optional(), Length(max=300)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=4000)])


class CloseForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(_l("A reason is required to close a match.")),
                                               Length(max=4000)])
    date = DateField(_l("Date (leave empty for today)"), validators=[Optional()])


class CorrectForm(FlaskForm):
    stage = SelectField(_l("Move back to"), choices=[SelectChoice(s, STAGE_NAMES[s]) for s in MATCH_STAGES])
    reason = StringField(_l("Reason"), validators=[DataRequired(_l("A reason is required.")), Length(max=4000)])


class MergeForm(FlaskForm):
    keep_id = StringField(_l("Keep"), validators=[DataRequired(), Length(max=64)])
    merge_id = StringField(_l("Merge into it (duplicate)"), validators=[DataRequired(), Length(max=64)])


class ResearcherForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=300)])
    orcid = StringField(_l("ORCID"), validators=[Optional(), Length(max=32)])
    email = StringField(_l("Email (private: never shown to firms)"), validators=[Optional(), Length(max=320)])
    organization_id = StringField(_l("Organisation id"), validators=[Optional(), Length(max=64)])
    bio = TextAreaField(_l("Bio"), validators=[Optional(), Length(max=10000)])


class OrganizationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=500)])
    kind = SelectField(_l("Kind"), choices=[])
    region = StringField(_l("Region"), validators=[Optional(), Length(max=120)])
    country = StringField(_l("Country code"), validators=[Optional(), Length(max=8)])
    city = StringField(_l("City"), validators=[Optional(), Length(max=200)])
    website = StringField(_l("Website"), validators=[Optional(), Length(max=500)])
    ror_id = StringField(_l("ROR id"), validators=[Optional(), Length(max=64)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=10000)])
