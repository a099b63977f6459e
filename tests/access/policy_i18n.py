"""Who may switch the language (everyone) and keep it as an account setting (logged-in users)."""
from __future__ import annotations

EVERYONE = frozenset({"anonymous", "sme", "researcher", "coordinator", "admin"})

POLICY: dict[str, dict[str, object]] = {
    "i18n.switch": {"method": "POST", "url": "/language", "data": {"locale": "ko"}, "allowed": EVERYONE},
    "i18n.account_language": {"method": "GET", "url": "/account/language", "allowed": EVERYONE - {"anonymous"}},
}
