"""Account forms; Flask-WTF adds the CSRF token to each."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Enter a valid email address."))


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=320), EMAIL])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class RegisterForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=320), EMAIL])
    display_name = StringField(_l("Name or firm (optional)"), validators=[Optional(), Length(max=200)])
    # Staff roles are never offered: coordinators and admins are created by operators.
    role = SelectField(_l("I am"), choices=[SelectChoice("sme", _l("a firm looking for partners")),
                                        SelectChoice("researcher", _l("a researcher"))], default="sme")
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField(_l("Repeat password"), validators=[DataRequired(), EqualTo("password", _l("Passwords differ."))])


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=320), EMAIL])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField(_l("Repeat password"), validators=[DataRequired(), EqualTo("password", _l("Passwords differ."))])


class ConfirmRegistrationForm(FlaskForm):
    # The password chosen when registering: whoever opens the mailed link must also know it, so a
    # stranger who registered someone else's address cannot get that person to activate it.
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=200)])
