"""The bytes of an outgoing message: encoded headers, text and HTML alternatives, and an
optional attachment, written directly.

Hand-made on purpose: ``email.message.EmailMessage`` parses every header it is given
into a token tree and folds it again when the message is written, and its content
manager re-encodes each part; that was about 60 % of the 8-9 ms of CPU composing one
email took (``bench/email_throughput.py --profile``), more than sending it. Our messages
have one fixed shape, so they are written here in one pass; the standard library still
does each encoding (:class:`email.header.Header` for RFC 2047 words,
:func:`binascii.b2a_qp` and :func:`binascii.b2a_base64` for the bodies), and
``tests/unit/test_mime.py`` reads every shape back with the standard library's parser.

Headers: every value is first cleaned of control characters by the caller
(:func:`workers.emails.clean`), so no value can start a new header. A non-ASCII
unstructured header (the subject) is encoded with :class:`email.header.Header`, which
keeps every space inside an encoded word: Python 3.11's own folder writes "Förstärkt
arbetsträning" as two encoded words with the space between them outside both, and a
reader drops whitespace between adjacent encoded words (RFC 2047 6.2). Display names are
quoted (ASCII) or encoded as words (RFC 2047 5(3)); lines are folded at 78 characters.
"""

from __future__ import annotations

import binascii
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from email.headerregistry import Address

LINESEP = "\r\n"
MAX_LINE = 78
# atext and spaces (RFC 5322 3.2.3): a display name of these needs no quotes.
_PLAIN_PHRASE = re.compile(r"[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]*")


@dataclass(frozen=True, slots=True)
class Attachment:
    """An attachment, sent base64-encoded as ``{maintype}/{subtype}``."""

    content: bytes
    maintype: str
    subtype: str
    filename: str
    params: tuple[tuple[str, str], ...] = ()


def unstructured(name: str, value: str) -> str:
    """``name: value`` folded; a non-ASCII value (or one that could read as an encoded
    word) as RFC 2047 words with every space inside a word."""
    if value.isascii() and "=?" not in value:
        return _folded(name, value.split(" "))
    return _folded(name, encoded_words(value, len(name) + 2))


def address(name: str, value: Address) -> str:
    """``name: display-name <addr-spec>`` folded at 78 characters (the display name
    quoted, or as encoded words when it is not ASCII)."""
    spec = value.addr_spec
    display = value.display_name
    if not display:
        return f"{name}: {spec}"
    if display.isascii() and "=?" not in display:
        if _PLAIN_PHRASE.fullmatch(display) is None:
            display = '"' + display.replace("\\", "\\\\").replace('"', '\\"') + '"'
        words = display.split(" ")
    else:
        words = encoded_words(display, len(name) + 2)
    return _folded(name, [*words, f"<{spec}>"])


# Characters an encoded word may carry as themselves anywhere, in a display name too
# (RFC 2047 5(3)); a space is "_", everything else "=XX" per UTF-8 octet.
_Q_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!*+-/")
_Q_WORD = "=?utf-8?q?{}?="
_Q_OVERHEAD = len(_Q_WORD) - 2
MAX_WORD = 75  # RFC 2047 2: an encoded word is at most 75 characters


def _q(char: str) -> str:
    if char in _Q_SAFE:
        return char
    if char == " ":
        return "_"
    return "".join(f"={octet:02X}" for octet in char.encode("utf-8"))


def encoded_words(text: str, first_line_used: int) -> list[str]:
    """``text`` as RFC 2047 Q-encoded UTF-8 words, split between characters (never
    inside one), each short enough to share a folded line with one leading space; the
    first word also fits after ``first_line_used`` characters (``Name: ``)."""
    room = min(MAX_WORD, MAX_LINE - first_line_used) - _Q_OVERHEAD
    words: list[str] = []
    current: list[str] = []
    length = 0
    for char in text:
        encoded = _q(char)
        if length + len(encoded) > room and current:
            words.append(_Q_WORD.format("".join(current)))
            current, length = [], 0
            room = min(MAX_WORD, MAX_LINE - 1) - _Q_OVERHEAD
        current.append(encoded)
        length += len(encoded)
    words.append(_Q_WORD.format("".join(current)))
    return words


def _folded(name: str, words: Sequence[str]) -> str:
    """Words after ``name:``, joined by spaces and folded before a word that would pass
    the line length (a word longer than a line stays whole on its own line). Spaces
    between ASCII words are where a reader unfolds them; encoded words carry their own."""
    lines = [f"{name}:"]
    for word in words:
        if len(lines[-1]) + 1 + len(word) > MAX_LINE and lines[-1] != f"{name}:":
            lines.append("")
        lines[-1] += " " + word
    return LINESEP.join(lines)


def _boundary() -> str:
    return f"=_{secrets.token_hex(16)}"


def _text_part(subtype: str, content: str) -> bytes:
    body = binascii.b2a_qp(_crlf(content).encode("utf-8"), istext=True)
    return (f"Content-Type: text/{subtype}; charset=\"utf-8\"{LINESEP}"
            f"Content-Transfer-Encoding: quoted-printable{LINESEP}{LINESEP}"
            ).encode("ascii") + body


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", LINESEP)


def _parameter(key: str, value: str) -> str:
    return f'{key}="{value}"'


def _attachment_part(attachment: Attachment) -> bytes:
    params = "".join(f"; {_parameter(k, v)}" for k, v in attachment.params)
    data = attachment.content
    encoded = b"".join(binascii.b2a_base64(data[i:i + 57]) for i in range(0, len(data), 57))
    content_type = f"{attachment.maintype}/{attachment.subtype}"
    head = (f"Content-Type: {content_type}{params}{LINESEP}"
            f"Content-Transfer-Encoding: base64{LINESEP}"
            f"Content-Disposition: attachment; {_parameter('filename', attachment.filename)}"
            f"{LINESEP}{LINESEP}")
    return head.encode("ascii") + encoded.replace(b"\n", LINESEP.encode())


def _multipart(subtype: str, parts: Sequence[bytes]) -> tuple[str, bytes]:
    """The Content-Type header value and the body of a multipart of ``parts``."""
    boundary = _boundary()
    sep = LINESEP.encode()
    delimiter = f"--{boundary}".encode()
    body = b"".join(delimiter + sep + part + sep for part in parts)
    return (f'multipart/{subtype};{LINESEP} boundary="{boundary}"',
            body + delimiter + b"--" + sep)


def message_bytes(headers: Sequence[str], text: str, html: str,
                  attachment: Attachment | None = None) -> bytes:
    """The message: ``headers`` (each already encoded, from :func:`unstructured` or
    :func:`address`), then text and HTML as ``multipart/alternative``, inside a
    ``multipart/mixed`` with the attachment when there is one."""
    content_type, body = _multipart("alternative", (_text_part("plain", text),
                                                    _text_part("html", html)))
    if attachment is not None:
        inner = f"Content-Type: {content_type}{LINESEP}{LINESEP}".encode("ascii") + body
        content_type, body = _multipart("mixed", (inner, _attachment_part(attachment)))
    head = LINESEP.join([*headers, "MIME-Version: 1.0",
                         f"Content-Type: {content_type}", "", ""])
    return head.encode("ascii") + body
