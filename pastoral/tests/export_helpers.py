"""Helpers for tests of export kinds: ask through the page's button endpoint, build eagerly, download."""

import csv
import io
from urllib.parse import urlencode

from django.urls import reverse

from pastoral.models import GeneratedFile

from .pdftext import pdf_text


def ask(client, capture, kind, query="", **parameters):
    """POST the export button's form (its query string plus keyword parameters); the task runs on commit."""
    joined = "&".join(part for part in (query, urlencode({k: str(v) for k, v in parameters.items()})) if part)
    with capture(execute=True):
        return client.post(reverse("pastoral:export_request"), {"kind": kind, "query": joined})


def latest(owner, kind=None):
    files = GeneratedFile.objects.filter(owner=owner)
    if kind:
        files = files.filter(kind=kind)
    return files.latest("created_at")


def download(client, generated_file):
    response = client.get(reverse("pastoral:export_download", args=[generated_file.code]))
    assert response.status_code == 200, response.status_code
    return response, b"".join(response.streaming_content)


def export_csv(client, capture, owner, kind, query="", **parameters):
    """The CSV rows (header first) of a freshly built export of `kind`."""
    ask(client, capture, kind, query, **parameters)
    generated_file = latest(owner, kind)
    assert generated_file.status == GeneratedFile.Status.DONE, generated_file.error
    _response, content = download(client, generated_file)
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


class PdfText(str):
    """A PDF's text, where `in` ignores whitespace (the text extraction loses spaces at line ends)."""

    def __contains__(self, item):
        return "".join(item.split()) in "".join(self.split())


def export_pdf_text(client, capture, owner, kind, **parameters):
    ask(client, capture, kind, **parameters)
    generated_file = latest(owner, kind)
    assert generated_file.status == GeneratedFile.Status.DONE, generated_file.error
    _response, content = download(client, generated_file)
    assert content.startswith(b"%PDF")
    return PdfText(" ".join(pdf_text(content).split()))
