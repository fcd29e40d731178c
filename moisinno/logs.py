"""Log lines as one JSON object each (production), with the request id of django-guid.

Every line carries `time`, `level`, `logger`, `message` and `request_id` (null outside a
request: the task worker, management commands); an exception adds `exception`, its whole
traceback. Extra fields given to a log call (`extra={"email_id": 3, "outcome": "sent"}`) are
kept when they are plain values.
"""

import datetime
import json
import logging

# The attributes every LogRecord has: anything else came from `extra`.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "correlation_id"}
_PLAIN = str | int | float | bool | type(None)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "correlation_id", None),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_") and isinstance(value, _PLAIN):
                entry.setdefault(key, value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def sentry_before_send(event: dict, hint: dict) -> dict:
    """Tag each Sentry event with the request id, the one in the logs and on the 500 page."""
    from django_guid import get_guid  # noqa: PLC0415 - app registry

    if request_id := get_guid():
        event.setdefault("tags", {})["request_id"] = request_id
    return event
