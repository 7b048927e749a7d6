"""Every page carries a strict Content-Security-Policy and a Permissions-Policy, and no template needs them loosened."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from pastoral.files import charts

STRICT_DIRECTIVES = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
)
DENIED_FEATURES = ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()")


def assert_policies(response):
    policy = response.headers.get("Content-Security-Policy", "")
    for directive in STRICT_DIRECTIVES:
        assert directive in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    permissions = response.headers.get("Permissions-Policy", "")
    for feature in DENIED_FEATURES:
        assert feature in permissions


def test_the_sign_in_page_and_a_404_carry_both_policies(client):
    assert_policies(client.get(reverse("accounts:login")))
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert_policies(missing)


@pytest.mark.parametrize(
    "url_name",
    ["pastoral:home", "behaviour:quick_log", "pastoral:pupil_import", "safeguarding:concern_create"],
)
def test_signed_in_pages_carry_both_policies(client, as_user, headteacher, url_name):
    as_user(headteacher)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert_policies(response)


def test_a_form_page_and_a_signed_in_404_carry_both_policies(client, as_user, pastoral_staff, pupil):
    as_user(pastoral_staff)
    form = client.get(reverse("pastoral:note_create", args=[pupil.code]))
    assert form.status_code == 200
    assert_policies(form)
    assert_policies(client.get(reverse("pastoral:pupil_detail", args=["00000000-0000-0000-0000-000000000000"])))


# Pages are the templates a browser renders under our policy; PDFs (WeasyPrint) and HTML emails are not
# served as pages, and email clients need their styles inline.
NOT_PAGES = ("pdf", "emails")
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)
# htmx runs hx-on:click, hx-on::after-request, hx-on-click (and data-hx-on...) values as code.
HX_ON = re.compile(r"\s(?:data-)?hx-on\b", re.I)
# An attribute whose value is a javascript: URL; browsers skip spaces before the scheme.
JAVASCRIPT_URL = re.compile(r"""=\s*["']?\s*javascript:""", re.I)


def page_templates():
    base_dir = Path(settings.BASE_DIR)
    for base in [base_dir / "templates", *sorted(base_dir.glob("*/templates"))]:
        for path in sorted(base.rglob("*.html")):
            if path.relative_to(base).parts[0] not in NOT_PAGES:
                yield path


def test_no_page_template_has_inline_script_handlers_javascript_urls_or_styles():
    found = []
    for path in page_templates():
        text = path.read_text()
        for name, pattern in (
            ("inline <script>", INLINE_SCRIPT),
            ("on* handler", HANDLER),
            ("hx-on handler", HX_ON),
            ("javascript: URL", JAVASCRIPT_URL),
            ("style attribute", STYLE_ATTRIBUTE),
            ("<style> element", STYLE_ELEMENT),
        ):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(settings.BASE_DIR)}:{line}: {name}")
    assert found == []


def test_the_scan_catches_what_it_is_for():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/js/app.js" defer></script>')
    assert HANDLER.search('<button onclick="go()">') and not HANDLER.search('<button data-confirm="x">')
    assert STYLE_ATTRIBUTE.search('<div style="width: 3px">') and not STYLE_ATTRIBUTE.search('<div class="x">')
    for handler in ("hx-on:click", "hx-on::after-request", "hx-on-click", "hx-on", "data-hx-on:click"):
        assert HX_ON.search(f'<button {handler}="go()">'), handler
    assert not HX_ON.search('<button hx-post="/x" hx-target="#one">')
    for url in ('<a href="javascript:go()">', "<a href='JavaScript:go()'>", '<form action= " javascript:go()">'):
        assert JAVASCRIPT_URL.search(url), url
    assert not JAVASCRIPT_URL.search('<a href="/help/javascript/">JavaScript: why it is needed</a>')


def test_server_drawn_charts_use_attributes_not_inline_styles():
    for chart in (
        charts.bar_chart("Events", [("Corridor", 40)]),
        charts.column_chart("Weekly", [("1 Sep", 3, 1)], series=["Positive", "Negative"]),
        charts.heatmap("Day × period", ["Mon"], ["P1"], [[2]]),
        charts.stacked_bar_chart("Split", [("Year 7", 3, 1)], series=["Positive", "Negative"]),
    ):
        assert "style=" not in chart.svg and "<style" not in chart.svg
