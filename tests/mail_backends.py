"""Email backends for tests: the edge of the world where mocks belong."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    """Delivers like locmem, but the connection drops once, after ``fail_after`` messages."""

    fail_after = 2
    sent = 0
    failed = False

    def send_messages(self, messages):
        for message in messages:
            if not FlakyBackend.failed and FlakyBackend.sent >= FlakyBackend.fail_after:
                FlakyBackend.failed = True
                raise smtplib.SMTPServerDisconnected("connection dropped (simulated)")
            FlakyBackend.sent += 1
            super().send_messages([message])
        return len(messages)


class RefusingBackend(EmailBackend):
    """Refuses one address for good, as a receiving server would with a 550."""

    refused = "refused@world.test"

    def send_messages(self, messages):
        for message in messages:
            if self.refused in message.to:
                raise smtplib.SMTPRecipientsRefused({self.refused: (550, b"No such user")})
            super().send_messages([message])
        return len(messages)
