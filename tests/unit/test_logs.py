"""LOG_FORMAT=json gives one JSON object a line, with the message and the level."""

from __future__ import annotations

import io
import json
import logging
import logging.config

import pytest

from core.logs import log_config


@pytest.mark.parametrize("log_format", ["json", "text"])
def test_each_format_renders_a_record(log_format: str) -> None:
    config = log_config(log_format)
    stream = io.StringIO()
    config["handlers"]["stderr"]["stream"] = stream
    config["loggers"] = {}
    config["root"] = {"handlers": [], "level": "INFO"}
    config["loggers"]["test.logs"] = {"handlers": ["stderr"], "level": "INFO",
                                      "propagate": False}
    logging.config.dictConfig(config)
    try:
        logging.getLogger("test.logs").warning("send_decision %s: sent", "reg-1")
    finally:
        logging.getLogger("test.logs").handlers.clear()
    line = stream.getvalue().strip()
    assert "\n" not in line
    if log_format == "json":
        record = json.loads(line)
        assert record["message"] == "send_decision reg-1: sent"
        assert record["level"] == "WARNING"
        assert record["logger"] == "test.logs"
        assert "time" in record
    else:
        assert line.endswith("WARNING test.logs: send_decision reg-1: sent")
