"""PDFs from WeasyPrint: every page marked, numbered and attributed; nothing fetched from the network."""

import datetime
import uuid

import pytest
from django.utils import timezone

from behaviour.tests.factories import BehaviourCategoryFactory, BehaviourEventFactory
from pastoral.files import charts, exports, pdf
from pastoral.models import GeneratedFile, PupilNote
from pastoral.tests.pdftext import pdf_pages, pdf_text


@pytest.fixture(autouse=True)
def generated_root(settings, tmp_path):
    """Each test's files in its own directory, removed with it."""
    settings.GENERATED_FILES_ROOT = tmp_path / "generated"


def chronology_file(owner, pupil):
    generated_file = exports.request_export(
        actor=owner, kind_name="pastoral.chronology_pdf", school=None, parameters={"pupil": str(pupil.code)}
    )
    assert exports.generate(generated_file.pk) == "done"
    generated_file.refresh_from_db()
    return generated_file, exports.read_stored(generated_file)


def test_every_page_carries_school_marking_generated_by_and_page_numbers(dsl, pupil):
    pupil.admission_date = None
    pupil.save()
    start = timezone.now() - datetime.timedelta(days=90)
    PupilNote.objects.bulk_create(
        PupilNote(
            pupil=pupil,
            kind="phone_call",
            summary=f"Call home number {n}",
            occurred_at=start + datetime.timedelta(hours=n),
            author=dsl,
        )
        for n in range(90)
    )
    generated_file, content = chronology_file(dsl, pupil)
    assert generated_file.filename.startswith("chronology-ainsworth-zoe-") and generated_file.filename.endswith(".pdf")
    pages = pdf_pages(content)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert "Northfield Academy" in text
        assert "OFFICIAL-SENSITIVE" in text
        assert f"Page {number} of {len(pages)}" in text
        assert "by Dsl Tester" in text and f"Generated {timezone.localdate():%-d %b %Y}" in text
    first = pages[0]
    assert "Pastoral chronology: Zoë Ainsworth" in first
    assert f"Period: {timezone.localtime(start):%-d %b %Y} to {timezone.localdate():%-d %b %Y}" in first
    text = pdf_text(content)
    assert "Call home number 0" in text and "Call home number 89" in text
    # The chart is the same server-side SVG as the web pages, drawn into the PDF with its table.
    assert "Chronology entries by area" in text and "contact log" in text


def test_the_pdf_holds_only_what_the_requester_may_see(dsl, teacher, pupil):
    category = BehaviourCategoryFactory(school=pupil.school, name="Disruption")
    BehaviourEventFactory(pupil=pupil, category=category, recorded_by=teacher, voided_at=timezone.now())
    _file, dsl_pdf = chronology_file(dsl, pupil)
    _file, teacher_pdf = chronology_file(teacher, pupil)
    assert "Voided" in pdf_text(dsl_pdf)
    assert "Voided" not in pdf_text(teacher_pdf) and "Disruption" not in pdf_text(teacher_pdf)


def test_official_is_the_default_marking_and_unknown_markings_are_refused(dsl, school):
    chart = charts.bar_chart("Events by location", [("Corridor", 40), ("Canteen", 12)])
    html = pdf.render_html(
        "pdf/summary.html", {"chart": chart}, user=dsl, school=school, title="Weekly summary", period="This week"
    )
    assert chart.svg in html  # the web page's SVG, inline
    content = pdf.render_pdf(
        "pdf/summary.html", {"chart": chart}, user=dsl, school=school, title="Weekly summary", period="This week"
    )
    text = pdf_text(content)
    assert "OFFICIAL" in text and "OFFICIAL-SENSITIVE" not in text
    assert "Weekly summary" in text and "Period: This week" in text and "Page 1 of 1" in text
    assert "Corridor" in text and "Events by location" in text
    with pytest.raises(ValueError):
        pdf.render_html("pdf/base.html", {}, user=dsl, school=school, title="x", sensitivity="SECRET")


def test_it_fetches_nothing_from_the_network_or_outside_our_files(settings, tmp_path):
    for url in ("http://example.org/logo.png", "https://cdn.example.org/x.css", "ftp://example.org/x"):
        with pytest.raises(pdf.RefusedURL):
            pdf.local_url_fetcher()(url)
    outside = tmp_path / "secret.txt"
    outside.write_text("no")
    with pytest.raises(pdf.RefusedURL):
        pdf.local_url_fetcher()(outside.as_uri())
    inside = (settings.BASE_DIR / "static" / "css" / "app.css").resolve()
    response = pdf.local_url_fetcher()(inside.as_uri())
    assert b".blank-screen" in response.read()
    response.close()


def test_a_pupil_the_owner_can_no_longer_see_fails_with_a_clear_message(dsl, pupil):
    generated_file = exports.request_export(
        actor=dsl, kind_name="pastoral.chronology_pdf", school=None, parameters={"pupil": str(pupil.code)}
    )
    GeneratedFile.objects.filter(pk=generated_file.pk).update(parameters={"pupil": "not-a-code"})
    assert exports.generate(generated_file.pk) == "refused"
    generated_file.refresh_from_db()
    assert generated_file.status == "failed" and generated_file.error == "You can no longer see this pupil's records."


def test_the_general_chronology_pdf_leaves_child_protection_records_to_the_cp_file(dsl, teacher, pupil):
    """KCSIE keeps CP records apart from the general pupil file, even in the DSL's own exports."""
    from pastoral.chronology import chronology_for
    from safeguarding.models import Concern, ConcernCategory

    category, _ = ConcernCategory.objects.get_or_create(school=pupil.school, name="Neglect")
    concern = Concern.objects.create(
        school=pupil.school,
        reporter=teacher,
        category=category,
        occurred_at=timezone.now(),
        account="Arrived hungry again",
        submission_key=uuid.uuid4(),
    )
    concern.pupils.set([pupil])
    PupilNote.objects.create(pupil=pupil, kind="phone_call", summary="Called mum about homework", author=dsl)
    assert [item.area for item in chronology_for(dsl, pupil) if item.area == "safeguarding"]  # on screen, yes

    _file, content = chronology_file(dsl, pupil)
    text = pdf_text(content)
    assert "Called mum about homework" in text
    assert "Neglect" not in text and "afeguarding concern" not in text and "safeguarding record" not in text
