"""Failed deliveries in words: the mail server's reply code and text, and the address it
refused, rather than Python's representation of the exception."""

import ast
import re
import smtplib

# What errors recorded before replies were decoded hold, e.g.
# "SMTPRecipientsRefused: {'x@y.test': (550, b'5.1.1 No such user')}".
RAW_REPLY = re.compile(r"SMTP\w+: (\{.*?\}|\(\d{3}, b?(['\"]).*?\2\))", re.S)


def _text(message) -> str:
    if isinstance(message, bytes):
        message = message.decode("utf-8", "replace")
    return " ".join(str(message).split())  # multi-line replies on one line


def _reply(value) -> str | None:
    """A reply from ``(code, message)`` or ``{address: (code, message)}``; None otherwise."""
    if isinstance(value, dict):
        replies = [_reply(reply) for reply in value.values()]
        if None in replies:
            return None
        return "; ".join(f"{reply} ({address})"
                         for address, reply in zip(value, replies, strict=True))
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], int):
        return f"{value[0]} {_text(value[1])}"
    return None


def smtp_reply(error: Exception) -> str | None:
    """The server's reply carried by an SMTP exception, e.g. "550 5.1.1 No such user
    (x@y.test)"; None when the error is not a reply (a dropped connection)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return _reply(error.recipients)
    if isinstance(error, smtplib.SMTPResponseException):
        return _reply((error.smtp_code, error.smtp_error))
    return None


def readable(error: str) -> str:
    """A recorded error for people: older records' raw replies are decoded too."""

    def words(match):
        try:
            return _reply(ast.literal_eval(match[1])) or match[0]
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return match[0]

    return RAW_REPLY.sub(words, error)
