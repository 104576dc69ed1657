"""LOG_FORMAT=json gives one JSON object a line, with the message and the level; access
lines never carry a link's token."""

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


def test_the_access_log_blanks_link_tokens() -> None:
    access = logging.getLogger("uvicorn.access")
    access.setLevel(logging.WARNING)  # as a uvicorn started with log_level="warning" leaves it
    logging.config.dictConfig(log_config("text"))
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    access.addHandler(handler)
    try:  # uvicorn's own call: client, method, path with query, HTTP version, status
        access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET",
                    "/mine/visit.ics?token=WyJtaW5lIi.abc_-&registration=r1&TOKEN=x", "1.1", 200)
    finally:
        access.removeHandler(handler)
    line = stream.getvalue()
    assert '"GET /mine/visit.ics?token=…&registration=r1&TOKEN=… HTTP/1.1" 200' in line
    assert "WyJtaW5lIi" not in line
