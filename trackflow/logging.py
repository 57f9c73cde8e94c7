"""Log filter that keeps secrets out of every log line."""

import logging
import re

_PATTERNS = [
    # Authorization headers and bearer tokens
    (
        re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)(bearer|basic|token)\s+[^\s'\",}]+"),
        r"\1\2 [redacted]",
    ),
    (re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{8,}"), "Bearer [redacted]"),
    # access_token=..., "refresh_token": "...", code=..., client_secret=...
    (
        re.compile(
            r"(?i)(['\"]?(?:access_token|refresh_token|client_secret|code|password)['\"]?\s*[:=]\s*['\"]?)"
            r"[^&\s'\",}]+"
        ),
        r"\1[redacted]",
    ),
]


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecrets(logging.Filter):
    """Rewrites the rendered message so tokens never reach a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class QuietEnqueued(logging.Filter):
    """Drops django-q2's "Enqueued [name] N" line: a command that queues 500 downloads would
    print 500 of them on stderr, and the job rows already say what was queued."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.levelno <= logging.INFO and str(record.msg).startswith("Enqueued"))
