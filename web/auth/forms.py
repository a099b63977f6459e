"""Account forms; Flask-WTF adds the CSRF token to each."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Enter a valid email address.")


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=320), EMAIL])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


class RegisterForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=320), EMAIL])
    display_name = StringField("Name or firm (optional)", validators=[Optional(), Length(max=200)])
    # Staff roles are never offered: coordinators and admins are created by operators.
    role = SelectField("I am", choices=[SelectChoice("sme", "a firm looking for partners"),
                                        SelectChoice("researcher", "a researcher")], default="sme")
    password = PasswordField("Password", validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField("Repeat password", validators=[DataRequired(), EqualTo("password", "Passwords differ.")])


class ResetRequestForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=320), EMAIL])


class ResetPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField("Repeat password", validators=[DataRequired(), EqualTo("password", "Passwords differ.")])


class ConfirmRegistrationForm(FlaskForm):
    # The password chosen when registering: whoever opens the mailed link must also know it, so a
    # stranger who registered someone else's address cannot get that person to activate it.
    password = PasswordField("Your password", validators=[DataRequired(), Length(max=200)])
