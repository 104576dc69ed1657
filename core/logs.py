"""Logging set-up of every process: plain lines, or one JSON object a line (``LOG_FORMAT``).

The JSON form (python-json-logger) carries the time, level, logger and message, plus an
exception's traceback when there is one. Messages never hold personal data (every module
logs ids only), so neither form needs filtering. The one exception is uvicorn's access
line, which quotes the request's path and query: the self-service links carry their
token there, and a token opens a page of names and addresses, so :class:`TokenRedaction`
blanks every ``token=`` value before the line is written.
"""

from __future__ import annotations

import logging.config
import re
from typing import Any

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"
_TOKEN_VALUE = re.compile(r"(token=)[^&\s\"]+", re.IGNORECASE)


class TokenRedaction(logging.Filter):
    """Replaces the value of every ``token=`` query parameter in a record's arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_TOKEN_VALUE.sub(r"\1…", a) if isinstance(a, str) else a
                                for a in record.args)
        return True


def log_config(log_format: str, level: str = "INFO") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for the root logger and uvicorn's and arq's loggers."""
    formatter: dict[str, Any] = {"format": TEXT_FORMAT}
    if log_format == "json":
        formatter = {"()": "pythonjsonlogger.json.JsonFormatter", "fmt": JSON_FIELDS,
                     "rename_fields": {"asctime": "time", "levelname": "level",
                                       "name": "logger"}}
    # NOTSET: the root's level decides, whatever level a library set on its logger before
    inherit = {"handlers": [], "propagate": True, "level": "NOTSET"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "filters": {"tokens": {"()": TokenRedaction}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "default",
                                "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["stderr"], "level": level.upper()},
        "loggers": {**{name: dict(inherit) for name in ("uvicorn", "uvicorn.error", "arq")},
                    "uvicorn.access": {**inherit, "filters": ["tokens"]}},
    }


def configure_logging(log_format: str, level: str = "INFO") -> None:
    logging.config.dictConfig(log_config(log_format, level))
