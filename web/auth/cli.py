"""`flask --app wsgi users create|token`: accounts for operators, including the staff roles."""
from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from matcher.types import ROLES
from matcher.services import accounts
from web.extensions import runtime
from web.security import hash_password, hash_token, new_api_token

users_cli = AppGroup("users", help="User accounts and API tokens.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice(ROLES), default="sme", show_default=True)
@click.option("--name", "display_name", default=None, help="Display name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin (never from argv).")
def create(email: str, role: str, display_name: str | None, password_stdin: bool) -> None:
    """Create a user; the password is read from stdin or prompted for, never passed on the command line."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < 10:
        raise click.ClickException("the password needs at least 10 characters")
    try:
        account = accounts.create_user(runtime(), email, hash_password(password), role, display_name=display_name)
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"created user {account.id} <{account.email}> role={account.role}")


@users_cli.command("token")
@click.option("--email", required=True)
@click.option("--revoke", is_flag=True, help="Remove the user's token instead of issuing one.")
def token(email: str, revoke: bool) -> None:
    """Issue a new API token (replacing the old one); it is printed once and stored hashed."""
    account = accounts.find_by_email(runtime(), email)
    if account is None:
        raise click.ClickException(f"no user with email {email}")
    if revoke:
        accounts.set_api_token_hash(runtime(), account.id, None)
        click.echo("token revoked")
        return
    value = new_api_token()
    accounts.set_api_token_hash(runtime(), account.id, hash_token(value))
    click.echo(value)


def init_app(app: Flask) -> None:
    app.cli.add_command(users_cli)
