"""``python -m devstack mail N``: decoded text with links that can be followed."""

from __future__ import annotations

import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

from devstack.stack import ROOT

LINK = ("http://127.0.0.1:8000/visits/decision?token=eyJhbGciOiJIUzI1NiJ9.eyJyIjoicmVnLTEy"
        "MzQ1Njc4OTAiLCJhIjoiY29uZmlybSJ9.c2lnbmF0dXJlLXRoYXQtaXMtbG9uZw==&lang=sv")


def _show(folder: Path, number: int) -> str:
    return subprocess.run([sys.executable, "-m", "devstack", "mail", "--var", str(folder),
                           str(number)], capture_output=True, text=True, check=True,
                          cwd=ROOT).stdout


def test_quoted_printable_and_html_only_messages_show_their_links_plainly(tmp_path: Path
                                                                         ) -> None:
    mail = tmp_path / "mail"
    mail.mkdir()
    both = EmailMessage()
    both["Subject"] = "Ny anmälan till studiebesök"
    both["To"] = "karin@utbildning.example"
    both.set_content(f"Bekräfta besöket: {LINK}\nVänliga hälsningar", charset="utf-8",
                     cte="quoted-printable")
    both.add_alternative(f'<p>Bekräfta: <a href="{LINK}">Bekräfta</a></p>', subtype="html",
                         charset="utf-8", cte="quoted-printable")
    both.add_attachment(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", maintype="text",
                        subtype="calendar", filename="besok.ics")
    raw = both.as_bytes()
    assert LINK.encode() not in raw and b"=3D" in raw  # the source is not followable
    (mail / "1-000001.eml").write_bytes(raw)
    html_only = EmailMessage()
    html_only["Subject"] = "HTML"
    html_only.set_content(f'<html><head><style>p {{}}</style></head><body><p>Avboka: '
                          f'<a href="{LINK}">avboka h&auml;r</a></p></body></html>',
                          subtype="html", charset="utf-8", cte="base64")
    (mail / "2-000002.eml").write_bytes(html_only.as_bytes())

    shown = _show(tmp_path, 1)
    assert "Subject: Ny anmälan till studiebesök" in shown
    assert f"Bekräfta besöket: {LINK}\nVänliga hälsningar" in shown
    assert "=3D" not in shown and "<p>" not in shown
    assert "[attachment: besok.ics, text/calendar]" in shown
    html = _show(tmp_path, 2)
    assert f"Avboka: avboka här <{LINK}>" in html
    assert "p {}" not in html
