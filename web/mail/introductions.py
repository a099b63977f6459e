"""The two introduction emails of a match, each in its reader's language (the core supplies the facts)."""
from __future__ import annotations

from flask import render_template
from flask_babel import force_locale, gettext as _

from matcher.services.curation import IntroductionFacts, IntroductionMail

from ..i18n import current_locale, mail_locale


def compose_introduction(facts: IntroductionFacts) -> list[IntroductionMail]:
    """The firm's and the partner's message; the partner's address never goes into the firm's."""
    mails = []
    for to, template in ((facts.owner_email, "mail/introduction_firm.txt"),
                         (facts.partner_email, "mail/introduction_partner.txt")):
        with force_locale(mail_locale(to, current_locale())):
            subject = _("InnoBridge introduction: %(title)s", title=facts.problem_title)[:200]
            mails.append(IntroductionMail(to, subject, render_template(template, f=facts)))
    return mails
