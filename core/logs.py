"""Logging set-up of every process: plain lines, or one JSON object a line (``LOG_FORMAT``).

The JSON form (python-json-logger) carries the time, level, logger and message, plus an
exception's traceback when there is one. Messages never hold personal data (every module
logs ids only), so neither form needs filtering.
"""

from __future__ import annotations

import logging.config
from typing import Any

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"


def log_config(log_format: str, level: str = "INFO") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for the root logger and uvicorn's and arq's loggers."""
    formatter: dict[str, Any] = {"format": TEXT_FORMAT}
    if log_format == "json":
        formatter = {"()": "pythonjsonlogger.json.JsonFormatter", "fmt": JSON_FIELDS,
                     "rename_fields": {"asctime": "time", "levelname": "level",
                                       "name": "logger"}}
    inherit = {"handlers": [], "propagate": True}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "default",
                                "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["stderr"], "level": level.upper()},
        "loggers": {name: dict(inherit) for name in
                    ("uvicorn", "uvicorn.error", "uvicorn.access", "arq")},
    }


def configure_logging(log_format: str, level: str = "INFO") -> None:
    logging.config.dictConfig(log_config(log_format, level))
