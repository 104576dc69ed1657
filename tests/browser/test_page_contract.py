"""Without a browser: the page's GraphQL operations are valid against the committed SDL,
and the page and its files are served with a strict CSP and cache headers."""

from __future__ import annotations

import re

import httpx
import pytest
from graphql import build_schema, parse, validate

from api.search_page import CONTENT_SECURITY_POLICY
from tests.browser.support import ROOT

STATIC = ROOT / "api" / "static"
SDL = ROOT / "schema" / "schema.graphql"
EXPORTED_STRING = re.compile(r"^export const ([A-Z_]+) = `([^`]*)`;", re.MULTILINE)


def page_operations() -> dict[str, str]:
    """The exported operation strings of api/static/queries.js, by name."""
    return dict(EXPORTED_STRING.findall((STATIC / "queries.js").read_text(encoding="utf-8")))


def test_queries_js_exports_the_operations() -> None:
    operations = page_operations()
    assert set(operations) == {
        "SEARCH_COURSES", "SUGGESTIONS", "PLACES", "COURSE", "REGISTER_FOR_STUDY_VISIT",
        "SEARCH_STUDY_VISITS", "FACET_VALUES", "REQUEST_MY_REGISTRATIONS_LINK",
        "PROVIDER_STUDY_VISITS", "DECIDE_PROVIDER_REGISTRATIONS", "UNDO_PROVIDER_CONFIRMATIONS",
        "MARK_PROVIDER_ATTENDANCE", "MY_REGISTRATIONS", "CANCEL_MY_REGISTRATION",
        "ERASE_MY_REGISTRATION"}
    for name, text in operations.items():
        assert "${" not in text, f"{name} must be a plain string, copyable as it is"
        (definition,) = parse(text).definitions
        assert definition.name is not None, name  # type: ignore[attr-defined]


def test_readme_example_is_the_page_query() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"```graphql\n{page_operations()['SUGGESTIONS'].strip()}\n```" in readme


@pytest.mark.parametrize("name", sorted(page_operations()))
def test_operation_is_valid_against_the_committed_schema(name: str) -> None:
    schema = build_schema(SDL.read_text(encoding="utf-8"))
    errors = validate(schema, parse(page_operations()[name]))
    assert [e.message for e in errors] == []


def test_page_files_have_no_inline_script_or_style() -> None:
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    assert " style=" not in html and "<style" not in html
    assert not re.search(r"\son[a-z]+=", html)
    for module in STATIC.glob("*.js"):
        text = module.read_text(encoding="utf-8")
        assert "innerHTML" not in text and "insertAdjacentHTML" not in text, module.name
        assert "eval(" not in text and "new Function" not in text, module.name


def test_page_and_files_are_served_with_csp_and_cache_headers(site: str) -> None:
    with httpx.Client(base_url=site, timeout=10) as client:
        page = client.get("/")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert "script-src 'self';" in CONTENT_SECURITY_POLICY
        assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
        assert page.headers["cache-control"] == "no-cache"
        assert page.headers["x-content-type-options"] == "nosniff"
        assert '<script type="module" src="/static/app.js">' in page.text

        for name in ("app.js", "queries.js", "styles.css"):
            asset = client.get(f"/static/{name}")
            assert asset.status_code == 200, name
            assert asset.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
            assert asset.headers["cache-control"] == "public, no-cache"
            assert len(asset.headers.get_list("cache-control")) == 1
            revalidated = client.get(f"/static/{name}",
                                     headers={"If-None-Match": asset.headers["etag"]})
            assert revalidated.status_code == 304, name
        assert client.get("/static/app.js").headers["content-type"].split(";")[0] in (
            "text/javascript", "application/javascript")
        assert client.get("/static/nothing.js").status_code == 404
        assert client.get("/healthz").text == "ok"
        graphql = client.post("/graphql", json={"query": "{ regions { code } }"})
        assert len(graphql.json()["data"]["regions"]) == 21


def test_every_ui_string_is_in_all_four_languages() -> None:
    text = (STATIC / "i18n.js").read_text(encoding="utf-8")
    blocks = dict(re.findall(r"^  (sv|da|nb|en): \{\n(.*?)^  \},", text, re.MULTILINE | re.DOTALL))
    assert set(blocks) == {"sv", "da", "nb", "en"}
    keys = {lang: re.findall(r'^    "([^"]+)": "[^"]+",$', block, re.MULTILINE)
            for lang, block in blocks.items()}
    assert len(keys["sv"]) > 150
    for lang in ("da", "nb", "en"):
        assert set(keys[lang]) >= set(keys["sv"]), (lang, set(keys["sv"]) - set(keys[lang]))
        assert len(keys[lang]) == len(set(keys[lang])), lang
    source = (STATIC / "selfservice.js").read_text(encoding="utf-8")
    for lang in ("sv", "da", "nb", "en"):
        assert re.search(rf"^  {lang}: \{{$", source, re.MULTILINE), lang
    for module in ("visits.js", "visitfilters.js"):  # the visit finder's strings are i18n.js's
        source = (STATIC / module).read_text(encoding="utf-8")
        used = set(re.findall(r'\bt(?:Count)?\("((?:visits|time)\.[A-Za-z]+)"', source))
        assert used and used <= set(keys["sv"]), (module, used - set(keys["sv"]))
