"""Which requests are provider feed uploads: they read their own body, after the key is
checked, with their own cap (``FEED_MAX_BYTES``) and deadline
(``FEED_READ_TIMEOUT_SECONDS``) instead of the request limits of every other path."""

from __future__ import annotations

UPLOAD_PREFIX = "/feeds/"


def is_upload(path: str) -> bool:
    return path.startswith(UPLOAD_PREFIX)
