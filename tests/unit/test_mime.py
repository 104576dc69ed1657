"""The hand-written message bytes, read back by the standard library's parser."""

import email
import email.policy
from email.header import decode_header, make_header
from email.headerregistry import Address
from email.message import EmailMessage

import pytest

from workers import mime

NAMES = [
    "Karin Lindqvist",
    "Åsa Öberg-Ärlig",
    'Ann "<script>" Andersson, Jr.',
    "back\\slash (comment) <angle>",
    "=?utf-8?q?not_an_encoded_word?=",
    "Maria Fernanda " * 12 + "Lopez",
    "Ärla Östergren-Åkesson " * 8,
    "李小龙 " * 20,
    "Emoji 🎉 Ünïcödé " * 5,
]
SUBJECTS = [
    "Ny anmälan 1234-5678: Förstärkt arbetsträning – elektriker, 2 mars",
    "Plain ASCII subject",
    "A long ASCII subject " * 8,
    "Looks like =?utf-8?q?an_encoded_word?= but is not",
    "Två  mellanslag och ett sist ",
    "x" * 120,
    "ö" * 100,
]


def parsed(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def head_lines(data: bytes) -> list[bytes]:
    return data.split(b"\r\n\r\n", 1)[0].split(b"\r\n")


def one(headers: list[str], text: str = "text\n", html: str = "<p>html</p>\n",
        attachment: mime.Attachment | None = None) -> bytes:
    return mime.message_bytes(headers, text, html, attachment)


@pytest.mark.parametrize("name", NAMES)
def test_a_display_name_reads_back_whole_with_one_address(name: str) -> None:
    """Read by RFC 2047 rules (whitespace between encoded words dropped). Python's own
    address parser keeps that whitespace, so it reads a name that takes several encoded
    words with spaces added (as it does the standard library's own folding of it)."""
    data = one([mime.address("To", Address(name.strip(), addr_spec="a.b@example.se"))])
    to = parsed(data)["To"]
    assert [a.addr_spec for a in to.addresses] == ["a.b@example.se"]
    raw = email.message_from_bytes(data, policy=email.policy.compat32)["To"]
    read = str(make_header(decode_header(raw)))
    if name.isascii():
        assert to.addresses[0].display_name == name.strip()
    else:
        assert read == f"{name.strip()} <a.b@example.se>"
        if raw.count("=?") == 1:
            assert to.addresses[0].display_name == name.strip()
    assert all(len(line) <= 78 for line in head_lines(data))
    assert all(not line.startswith(b"=?") for line in head_lines(data))  # folded lines indent


@pytest.mark.parametrize("subject", SUBJECTS)
def test_a_subject_reads_back_whole_in_both_readers(subject: str) -> None:
    data = one([mime.unstructured("Subject", subject)])
    assert parsed(data)["Subject"] == subject
    if not subject.isascii():  # what a reader of RFC 2047 words alone makes of it
        raw = email.message_from_bytes(data, policy=email.policy.compat32)["Subject"]
        assert str(make_header(decode_header(raw))) == subject
    # A line is longer than 78 only when it is one word that cannot be broken.
    assert all(len(line) <= 78 or b" " not in line.removeprefix(b"Subject: ").strip()
               for line in head_lines(data))
    assert ("=?" in subject or not subject.isascii()) == (b"=?" in data)


def test_every_encoded_word_is_at_most_75_characters() -> None:
    words = mime.encoded_words("Förstärkt arbetsträning " * 10, len("Subject: "))
    assert all(len(word) <= 75 for word in words)
    assert len("Subject: " + words[0]) <= 78
    decoded = str(make_header(decode_header(" ".join(words))))
    assert decoded == "Förstärkt arbetsträning " * 10


def test_the_parts_decode_to_their_text_and_the_attachment_to_its_bytes() -> None:
    text = ("Hej Åsa,\n\n.\nA line with trailing spaces   \n" + "lång rad " * 30 + "\n"
            "From the start of a line\n=?utf-8?q?x?= and = signs\n")
    html = "<!DOCTYPE html>\n<p>Hej &amp; välkommen</p>\n"
    calendar = b"BEGIN:VCALENDAR\r\nSUMMARY:Sv\xc3\xa4tsning\r\nEND:VCALENDAR\r\n" * 10
    data = one([mime.unstructured("Subject", "s")], text, html,
               mime.Attachment(calendar, "text", "calendar", "studiebesok.ics",
                               (("method", "REQUEST"), ("charset", "utf-8"))))
    message = parsed(data)
    assert message.get_content_type() == "multipart/mixed"
    body = message.get_body(("plain",))
    page = message.get_body(("html",))
    assert body is not None and page is not None
    assert body.get_content().replace("\r\n", "\n") == text
    assert page.get_content().replace("\r\n", "\n") == html
    [part] = list(message.iter_attachments())
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "REQUEST"
    assert part.get_filename() == "studiebesok.ics"
    assert part.get_payload(decode=True) == calendar
    assert all(len(line) <= 78 for line in data.split(b"\r\n"))
    assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF line ends only


def test_without_an_attachment_the_message_is_the_two_alternatives() -> None:
    message = parsed(one([mime.unstructured("Subject", "s")]))
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["MIME-Version"] == "1.0"
