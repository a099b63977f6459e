"""Researcher forms; every one carries a CSRF token (Flask-WTF)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FloatField, HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional

from matcher.types import DIGEST_FREQUENCIES

FREQUENCY_NAMES = {"off": _l("Off"), "weekly": _l("Weekly"), "monthly": _l("Monthly")}


class CapabilityForm(FlaskForm):
    capability_id = HiddenField(validators=[DataRequired(), Length(max=128)])


class PublicationForm(FlaskForm):
    document_id = HiddenField(validators=[DataRequired(), Length(max=64)])
    excluded = HiddenField(validators=[DataRequired()])  # "1" to exclude, "0" to include again


class SettingsForm(FlaskForm):
    digest_frequency = SelectField(_l("Email digest"),
                                   choices=[SelectChoice(f, FREQUENCY_NAMES.get(f, f)) for f in DIGEST_FREQUENCIES])
    recency_half_life = FloatField(_l("Weight older work less: half-life in years (empty = all work counts equally)"),
                                   validators=[Optional(), NumberRange(min=0.5, max=50)])
    regions_of_interest = StringField(_l("Regions of interest (comma-separated; empty = everywhere)"),
                                      validators=[Optional(), Length(max=1000)])


class ConfirmForm(FlaskForm):
    """A bare POST with CSRF: claim requests, claim confirmation by a logged-in researcher."""


class DeleteForm(FlaskForm):
    confirm = BooleanField(_l("I understand that my address, settings and account will be deleted"),
                           validators=[DataRequired()])


class ClaimAccountForm(FlaskForm):
    password = PasswordField(_l("Choose a password"), validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField(_l("Repeat the password"), validators=[DataRequired(), EqualTo("password")])
