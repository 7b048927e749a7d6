import datetime

from django.urls import reverse

from pastoral.models import AcademicYear, AuditEntry, Term


def add_year(client):
    return client.post(
        reverse("pastoral:calendar"),
        {"add_year": "1", "year-name": "2026/27", "year-start": "2026-09-01", "year-end": "2027-08-31"},
    )


def test_a_headteacher_sets_the_year_and_its_terms(client, headteacher, school, as_user):
    as_user(headteacher)
    assert add_year(client).status_code == 302
    year = AcademicYear.objects.get(school=school)
    response = client.post(
        reverse("pastoral:calendar"),
        {
            "add_term": "1",
            "term-academic_year": year.pk,
            "term-name": "Autumn",
            "term-start": "2026-09-03",
            "term-end": "2026-12-18",
        },
    )
    assert response.status_code == 302
    term = Term.objects.get(academic_year=year)
    assert (term.start, term.end) == (datetime.date(2026, 9, 3), datetime.date(2026, 12, 18))
    assert school.current_term(datetime.date(2026, 11, 23)) == term
    assert AuditEntry.objects.filter(action="pastoral.calendar.changed", school=school).count() == 2
    page = client.get(reverse("pastoral:calendar")).content.decode()
    assert "Autumn" in page


def test_it_refuses_a_term_outside_its_year_and_keeps_the_input(client, headteacher, school, as_user):
    as_user(headteacher)
    add_year(client)
    year = AcademicYear.objects.get(school=school)
    response = client.post(
        reverse("pastoral:calendar"),
        {
            "add_term": "1",
            "term-academic_year": year.pk,
            "term-name": "Summer",
            "term-start": "2027-04-20",
            "term-end": "2027-09-20",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "must fall inside its academic year" in body
    assert 'value="Summer"' in body
    assert not Term.objects.exists()


def test_it_refuses_overlapping_terms(client, headteacher, school, as_user):
    as_user(headteacher)
    add_year(client)
    year = AcademicYear.objects.get(school=school)
    Term.objects.create(
        academic_year=year, name="Autumn", start=datetime.date(2026, 9, 3), end=datetime.date(2026, 12, 18)
    )
    response = client.post(
        reverse("pastoral:calendar"),
        {
            "add_term": "1",
            "term-academic_year": year.pk,
            "term-name": "Spring",
            "term-start": "2026-12-10",
            "term-end": "2027-03-27",
        },
    )
    assert "overlap Autumn" in response.content.decode()


def test_a_teacher_cannot_change_the_calendar(client, teacher, as_user):
    as_user(teacher)
    assert client.get(reverse("pastoral:calendar")).status_code == 403
    assert add_year(client).status_code == 403
    assert not AcademicYear.objects.exists()


def test_terms_of_another_school_are_not_found(client, headteacher, sister_school, as_user):
    year = AcademicYear.objects.create(
        school=sister_school, name="2026/27", start=datetime.date(2026, 9, 1), end=datetime.date(2027, 8, 31)
    )
    term = Term.objects.create(
        academic_year=year, name="Autumn", start=datetime.date(2026, 9, 3), end=datetime.date(2026, 12, 18)
    )
    as_user(headteacher)
    assert client.get(reverse("pastoral:term_edit", args=[term.code])).status_code == 404
