import datetime

import pytest
from django.urls import reverse

from pastoral.models import AcademicYear, AuditEntry, SchoolClosure, Term


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


# Closures: half terms, INSET days, bank holidays ------------------------------


@pytest.fixture
def autumn_year(school):
    year = AcademicYear.objects.create(
        school=school, name="2026/27", start=datetime.date(2026, 9, 1), end=datetime.date(2027, 8, 31)
    )
    Term.objects.create(
        academic_year=year, name="Autumn", start=datetime.date(2026, 9, 3), end=datetime.date(2026, 12, 18)
    )
    Term.objects.create(
        academic_year=year, name="Spring", start=datetime.date(2027, 1, 5), end=datetime.date(2027, 3, 26)
    )
    Term.objects.create(
        academic_year=year, name="Summer", start=datetime.date(2027, 4, 12), end=datetime.date(2027, 7, 21)
    )
    return year


def add_closure(client, name="Autumn half term", start="2026-10-26", end="2026-10-30", kind="half_term"):
    return client.post(
        reverse("pastoral:calendar"),
        {"add_closure": "1", "closure-kind": kind, "closure-name": name, "closure-start": start, "closure-end": end},
    )


def test_a_headteacher_adds_edits_and_removes_a_closure(client, headteacher, school, autumn_year, as_user):
    as_user(headteacher)
    assert add_closure(client).status_code == 302
    closure = SchoolClosure.objects.get(school=school)
    assert (closure.kind, closure.start, closure.end) == (
        "half_term",
        datetime.date(2026, 10, 26),
        datetime.date(2026, 10, 30),
    )
    page = client.get(reverse("pastoral:calendar")).content.decode()
    assert "Autumn half term" in page and "Half-term holiday" in page
    url = reverse("pastoral:closure_edit", args=[closure.code])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"kind": "half_term", "name": "October half term", "start": "2026-10-26", "end": "2026-10-30"}
    )
    assert response.status_code == 302
    closure.refresh_from_db()
    assert closure.name == "October half term"
    assert client.post(reverse("pastoral:closure_remove", args=[closure.code])).status_code == 302
    assert not SchoolClosure.objects.exists()
    actions = list(
        AuditEntry.objects.filter(school=school, action__startswith="pastoral.closure.").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["pastoral.closure.changed", "pastoral.closure.created", "pastoral.closure.removed"]
    removed = AuditEntry.objects.get(action="pastoral.closure.removed")
    assert removed.data["name"] == "October half term" and removed.data["start"] == "2026-10-26"


def test_an_overlapping_closure_is_refused_beside_the_field_and_the_input_kept(
    client, headteacher, school, autumn_year, as_user
):
    as_user(headteacher)
    add_closure(client)
    response = add_closure(client, name="Staff training", start="2026-10-30", end="2026-11-02", kind="inset")
    body = response.content.decode()
    assert response.status_code == 200
    assert "These dates overlap Autumn half term" in body
    assert 'value="Staff training"' in body and 'value="2026-11-02"' in body
    assert 'id="id_closure-start"' in body and "is-invalid" in body
    assert SchoolClosure.objects.count() == 1
    # A double submit of the first closure creates nothing more.
    assert add_closure(client).status_code == 200
    assert SchoolClosure.objects.count() == 1


def test_a_closure_outside_the_terms_is_refused(client, headteacher, school, autumn_year, as_user):
    as_user(headteacher)
    response = add_closure(client, name="Summer fair", start="2027-07-22", end="2027-07-23", kind="other")
    assert "must fall within or between the terms of 2026/27" in response.content.decode()
    response = add_closure(client, name="Backwards", start="2026-11-05", end="2026-11-04", kind="other")
    assert "cannot be before the first day" in response.content.decode()
    assert not SchoolClosure.objects.exists()


def test_bank_holidays_are_added_in_one_click_once(client, headteacher, school, autumn_year, as_user):
    as_user(headteacher)
    url = reverse("pastoral:closure_bank_holidays", args=[autumn_year.code])
    response = client.post(url, follow=True)
    assert "Added 3 bank holidays to 2026/27" in response.content.decode()
    # Christmas and Boxing Day (substitute Mon 28 Dec), New Year's Day, Easter Monday and the
    # Summer bank holiday fall in the holidays; Good Friday is the last day of spring term.
    assert list(SchoolClosure.objects.filter(school=school).values_list("start", "name", "kind")) == [
        (datetime.date(2027, 3, 26), "Good Friday", "bank_holiday"),
        (datetime.date(2027, 5, 3), "Early May bank holiday", "bank_holiday"),
        (datetime.date(2027, 5, 31), "Spring bank holiday", "bank_holiday"),
    ]
    assert AuditEntry.objects.filter(action="pastoral.closure.bank_holidays_added").count() == 1
    assert "already in the calendar" in client.post(url, follow=True).content.decode()
    assert SchoolClosure.objects.count() == 3


def test_only_calendar_managers_touch_closures(client, teacher, dsl, headteacher, school, autumn_year, as_user):
    closure = SchoolClosure.objects.create(
        school=school, kind="inset", name="INSET day", start=datetime.date(2026, 11, 2), end=datetime.date(2026, 11, 2)
    )
    for user in (teacher, dsl):
        as_user(user)
        assert add_closure(client).status_code == 403
        assert client.get(reverse("pastoral:closure_edit", args=[closure.code])).status_code == 403
        assert client.post(reverse("pastoral:closure_remove", args=[closure.code])).status_code == 403
        assert client.post(reverse("pastoral:closure_bank_holidays", args=[autumn_year.code])).status_code == 403
    assert SchoolClosure.objects.count() == 1


def test_closures_of_another_school_are_not_found(client, it_admin, sister_school, as_user):
    year = AcademicYear.objects.create(
        school=sister_school, name="2026/27", start=datetime.date(2026, 9, 1), end=datetime.date(2027, 8, 31)
    )
    Term.objects.create(
        academic_year=year, name="Autumn", start=datetime.date(2026, 9, 3), end=datetime.date(2026, 12, 18)
    )
    closure = SchoolClosure.objects.create(
        school=sister_school,
        kind="inset",
        name="INSET",
        start=datetime.date(2026, 11, 2),
        end=datetime.date(2026, 11, 2),
    )
    as_user(it_admin)
    assert client.get(reverse("pastoral:closure_edit", args=[closure.code])).status_code == 404
    assert client.post(reverse("pastoral:closure_remove", args=[closure.code])).status_code == 404
    assert client.post(reverse("pastoral:closure_bank_holidays", args=[year.code])).status_code == 404
    assert SchoolClosure.objects.filter(school=sister_school).count() == 1


def test_the_calendar_page_does_not_query_per_closure(
    client, headteacher, school, autumn_year, as_user, django_assert_max_num_queries
):
    for day in range(2, 28):  # 20 weekdays
        date = datetime.date(2026, 11, day)
        if date.weekday() < 5:
            SchoolClosure.objects.create(school=school, kind="other", name=f"Closed {day}", start=date, end=date)
    as_user(headteacher)
    with django_assert_max_num_queries(13):
        page = client.get(reverse("pastoral:calendar")).content.decode()
    assert page.count("Other closure</td>") == 20
