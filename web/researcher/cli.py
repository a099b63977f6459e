"""`flask --app wsgi digests send`: the cron entry point for researcher digests."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from matcher.services.digest_sending import FREQUENCIES, MAX_ATTEMPTS, Outcome, RunReport, send_digests

from ..extensions import runtime
from ..mail.digests import deliver_digest

digests_cli = AppGroup("digests", help="Researcher email digests.")


def _describe(outcome: Outcome) -> list[str]:
    lines = []
    for item in outcome.items:
        kind = "problem" if item.kind == "problem" else "project"
        lines.append(f"    - [{kind}] {item.title} (score {item.score:.2f})")
        for reason in item.reasons:
            via = f" via your {reason.via_parent!r}" if reason.via_parent else ""
            lines.append(f"        why: {reason.label}{via}")
            for ev in reason.evidence:
                lines.append(f"          \"{ev.sentence[:160]}\" ({ev.source})")
    return lines


def _print(report: RunReport) -> None:
    verbs = {"would_send": "would send", "sent": "sent", "failed": "FAILED", "uncertain": "UNCERTAIN",
             "held": "not resent (uncertain earlier)", "gave_up": f"GAVE UP after {MAX_ATTEMPTS} attempts"}
    for outcome in report.outcomes:
        if outcome.status not in verbs:
            continue
        head = (f"{verbs[outcome.status]} to {outcome.name} <{outcome.email}> [{outcome.period_key}]: "
                f"{len(outcome.items)} item(s)")
        if outcome.error:
            head += f" — {outcome.error}"
        click.echo(head)
        click.echo("\n".join(_describe(outcome)))
    summary = ", ".join(f"{report.count(s)} {label}" for s, label in (
        ("would_send" if report.dry_run else "sent", "would be sent" if report.dry_run else "sent"),
        ("failed", "failed"), ("uncertain", "uncertain"), ("held", "held as uncertain"), ("gave_up", "given up"),
        ("already_sent", "already sent this period"), ("nothing_new", "with nothing new"),
        ("skipped", "not processed this run (--limit)")))
    click.echo(("dry run, nothing sent or written: " if report.dry_run else "") + summary)


@digests_cli.command("send")
@click.option("--frequency", type=click.Choice(FREQUENCIES), default=None,
              help="Only researchers with this frequency (default: both).")
@click.option("--dry-run", is_flag=True, help="List who would get what and why; send and write nothing.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Send at most N messages in this run.")
@click.option("--retry-uncertain", is_flag=True,
              help="Also resend digests whose server never confirmed them (same Message-ID; may duplicate).")
def send(frequency: str | None, dry_run: bool, limit: int | None, retry_uncertain: bool) -> None:
    """Send each opted-in researcher what is new for them; safe to re-run (a digest log keeps it exactly once)."""
    domain = str(current_app.config.get("MAIL_MESSAGE_ID_DOMAIN") or "innobridge.local")
    report = send_digests(runtime(), deliver_digest, frequency=frequency, dry_run=dry_run, limit=limit,
                          message_id_domain=domain, retry_uncertain=retry_uncertain)
    _print(report)
    problems = []
    if report.failed:
        problems.append(f"{report.failed} digest(s) failed; they will be retried on the next run")
    if report.uncertain:
        problems.append(f"{report.uncertain} digest(s) uncertain: the server may have them; not resent unless "
                        "--retry-uncertain")
    if problems:
        raise click.ClickException("; ".join(problems))


def init_app(app: Flask) -> None:
    app.cli.add_command(digests_cli)
