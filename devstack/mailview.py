"""A received e-mail as a developer reads it: headers, decoded text, followable links.

Messages travel quoted-printable or base64 encoded, so the raw source wraps long lines
with ``=`` and turns ``=`` into ``=3D``: its links cannot be followed. This shows the
decoded text part (or, without one, the HTML part as text, each link written out after
its label) and names the attachments.
"""

from __future__ import annotations

import re
from email.message import EmailMessage, Message
from html.parser import HTMLParser

HEADERS = ("Date", "From", "To", "Subject")
BLOCKS = frozenset({"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "table", "ul", "ol"})


class _HtmlText(HTMLParser):
    """Text of an HTML part; a link becomes ``label <href>``; script and style dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str | None] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head"):
            self.skipping += 1
        elif tag == "a":
            self.links.append(dict(attrs).get("href"))
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head"):
            self.skipping = max(0, self.skipping - 1)
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href:
                self.parts.append(f" <{href}>")
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        lines = (re.sub(" +", " ", line).strip() for line in "".join(self.parts).splitlines())
        text = "\n".join(lines)
        while "\n\n\n" in text:
            text = text.replace("\n\n\n", "\n\n")
        return text.strip()


def html_to_text(html: str) -> str:
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    return parser.text()


def _part_text(part: Message) -> str:
    assert isinstance(part, EmailMessage)
    content = part.get_content()  # transfer encoding and charset decoded
    text = content if isinstance(content, str) else content.decode("utf-8", "replace")
    return html_to_text(text) if part.get_content_subtype() == "html" else text.strip()


def render(message: EmailMessage) -> str:
    """The message's headers, its body as plain text and a line per attachment."""
    lines = [f"{name}: {message[name]}" for name in HEADERS if message[name] is not None]
    body = message.get_body(preferencelist=("plain", "html"))
    lines += ["", _part_text(body) if body is not None else "(no text part)"]
    for attachment in message.iter_attachments():
        name = attachment.get_filename() or "(unnamed)"
        lines.append(f"[attachment: {name}, {attachment.get_content_type()}]")
    return "\n".join(lines)
