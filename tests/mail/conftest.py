from tests.mail.smtpd import smtp_server  # noqa: F401  (fixture)
