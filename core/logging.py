"""Logging: readable lines locally, one JSON object per line in production.

Log records carry ids (activity, conversation, feature), never tokens, secrets or message
bodies at INFO. The ids of the turn being handled are set by the dispatcher with
`log_context(...)` and added to every record written meanwhile, whichever logger wrote it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TextIO

_STANDARD = set(vars(logging.makeLogRecord({})))
# What the turn being handled is: activity_id, conversation_id, feature (and its action).
CONTEXT_FIELDS = ("activity_id", "conversation_id", "feature", "action")
_context: ContextVar[dict[str, str]] = ContextVar("iyowork_log_context", default={})  # noqa: B039


@contextmanager
def log_context(**fields: str | None) -> Iterator[None]:
    """Within the block (and the tasks it starts), every log record carries these fields, on
    top of those of an enclosing block. None leaves a field out."""
    merged = {**_context.get(), **{k: v for k, v in fields.items() if v is not None}}
    token = _context.set(merged)
    try:
        yield
    finally:
        _context.reset(token)


class ContextFilter(logging.Filter):
    """Adds the current turn's fields to a record (on the handler, so records of every logger
    get them, botbuilder's and SQLAlchemy's included)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in _context.get().items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """`time level logger: message [feature action activity conversation]`."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = [f"{key}={getattr(record, key)}" for key in CONTEXT_FIELDS if hasattr(record, key)]
        if not fields:
            return line
        first, newline, rest = line.partition("\n")
        return f"{first} [{' '.join(fields)}]{newline}{rest}"


def configure_logging(level: str, fmt: str, *, stream: TextIO | None = None) -> None:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # botbuilder and the HTTP stacks are chatty and may log request details at DEBUG/INFO.
    for noisy in ("aiohttp.access", "msrest", "azure", "httpx", "apscheduler"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
