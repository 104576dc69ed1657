"""The email policy: SMTP line ends, with unstructured headers folded so that no space
is lost between RFC 2047 encoded words.

Python 3.11's folder writes "Förstärkt arbetsträning" as two encoded words with the
space between them outside both, and a reader must drop whitespace between adjacent
encoded words (RFC 2047 6.2): the subject arrives as "Förstärktarbetsträning". A
non-ASCII unstructured header is therefore encoded with :class:`email.header.Header`,
which keeps every space inside an encoded word.
"""

from __future__ import annotations

from email.header import Header
from email.policy import EmailPolicy
from typing import Any

_UNSTRUCTURED = frozenset({"subject", "comments"})


class MailPolicy(EmailPolicy):
    """``email.policy.SMTP`` with the folding of non-ASCII unstructured headers above."""

    def _encoded(self, name: str, value: Any) -> str | None:
        text = str(value)
        if name.lower() not in _UNSTRUCTURED or text.isascii():
            return None
        folded = Header(text, "utf-8", header_name=name).encode(
            linesep=self.linesep, maxlinelen=self.max_line_length or 78)
        return f"{name}: {folded}{self.linesep}"

    def fold(self, name: str, value: Any) -> str:
        return self._encoded(name, value) or super().fold(name, value)

    def fold_binary(self, name: str, value: Any) -> bytes:
        encoded = self._encoded(name, value)
        if encoded is None:
            return super().fold_binary(name, value)
        return encoded.encode("ascii")


POLICY = MailPolicy(linesep="\r\n")
