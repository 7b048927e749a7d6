"""PDFs with WeasyPrint from templates under templates/pdf/, each extending pdf/base.html.

    pdf_bytes = render_pdf("pdf/chronology.html", {"items": items}, user=user, school=school,
                           title="Pastoral chronology", period="1 Sep 2026 to 20 Nov 2026",
                           sensitivity="OFFICIAL-SENSITIVE")

Every page carries the school's name, the sensitivity marking, "generated at /
by" and "Page X of Y". Charts are the same inline SVGs as on the web pages
(pastoral.charts). Nothing is fetched over the network: the only URLs WeasyPrint
may load are files under our static directories, and data: URLs (a school logo,
read through its storage because stored files are encrypted at rest).
"""

import base64
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

OFFICIAL = "OFFICIAL"
OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE"
MARKINGS = {OFFICIAL, OFFICIAL_SENSITIVE}


class RefusedURL(ValueError):
    pass


def _allowed_roots():
    # Not MEDIA_ROOT: what is there is encrypted, and is only ever read through its storage.
    roots = [Path(settings.BASE_DIR) / "static"]
    for entry in settings.STATICFILES_DIRS:
        roots.append(Path(entry[1] if isinstance(entry, (list, tuple)) else entry))
    return [root.resolve() for root in roots]


def check_url(url):
    """Allow data: URLs and file:// URLs under our own static directories; refuse everything else."""
    if url.startswith("data:"):
        return url
    if not url.startswith("file://"):
        raise RefusedURL(f"PDFs load no remote resources ({url[:60]})")
    path = Path(unquote(urlsplit(url).path)).resolve()
    if not any(root == path or root in path.parents for root in _allowed_roots()):
        raise RefusedURL("PDFs load files only from the static directories")
    return url


_FETCHER_CLASS = None


def local_url_fetcher():
    """A WeasyPrint URL fetcher that only ever reads our own files (built on first use: WeasyPrint loads slowly)."""
    global _FETCHER_CLASS
    if _FETCHER_CLASS is None:
        from weasyprint.urls import URLFetcher

        class LocalURLFetcher(URLFetcher):
            def __init__(self):
                super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)

            def fetch(self, url, headers=None):
                return super().fetch(check_url(url), headers)

        _FETCHER_CLASS = LocalURLFetcher
    return _FETCHER_CLASS()


def school_logo_url(school):
    """A data: URL of the school's logo, if the School model has one and it is set. Read through its storage,
    which decrypts it: the file on disk is encrypted."""
    from .uploads import type_of_stored_name

    logo = getattr(school, "logo", None)
    if not logo:
        return ""
    try:
        with logo.open("rb") as handle:
            content = handle.read()
    except (OSError, ValueError):
        return ""
    content_type = type_of_stored_name(logo.name) or "image/png"
    return f"data:{content_type};base64,{base64.b64encode(content).decode('ascii')}"


def render_html(template, context, *, user, school, title, period="", sensitivity=OFFICIAL):
    if sensitivity not in MARKINGS:
        raise ValueError(f"Unknown sensitivity marking {sensitivity!r}")
    full = {
        **context,
        "school": school,
        "logo_url": school_logo_url(school),
        "title": title,
        "period": period,
        "sensitivity": sensitivity,
        "generated_at": timezone.localtime(),
        "generated_by": user,
    }
    return render_to_string(template, full)


def render_pdf(template, context, *, user, school, title, period="", sensitivity=OFFICIAL):
    """The PDF as bytes."""
    from weasyprint import HTML

    html = render_html(template, context, user=user, school=school, title=title, period=period, sensitivity=sensitivity)
    base_url = (Path(settings.BASE_DIR) / "static").resolve().as_uri() + "/"
    return HTML(string=html, base_url=base_url, url_fetcher=local_url_fetcher()).write_pdf()
