import csv
import datetime
import io
import time
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from pastoral.exceptions import ImportRejected
from pastoral.models import AuditEntry, FamilyContact, ImportJob, Pupil
from pastoral.pupils import imports
from pastoral.pupils.imports import pupils_import
from pastoral.pupils.upn import make_upn
from pastoral.tests.factories import FamilyContactFactory, PupilFactory

DOCS = Path(__file__).resolve().parents[2] / "docs"

UPN_1 = make_upn(820, 4321, 25, 100)  # A820432125100
UPN_2 = make_upn(820, 4321, 25, 101)
UPN_3 = make_upn(820, 4321, 25, 102)

HEADINGS = [
    "UPN",
    "Legal Surname",
    "Legal Forename",
    "Middle Names",
    "Preferred Forename",
    "Date of Birth",
    "Gender",
    "Year Group",
    "Form",
    "House",
    "Admission Date",
    "SEN Status",
    "Pupil Premium",
    "CLA",
    "EAL",
    "Medical Alert",
    "Contact 1 Name",
    "Contact 1 Relationship",
    "Contact 1 Parental Responsibility",
    "Contact 1 Mobile",
    "Contact 1 Email",
    "Contact 2 Name",
    "Contact 2 Relationship",
    "Contact 2 Parental Responsibility",
    "Contact 2 Phone",
]

AMELIA = {
    "UPN": UPN_1,
    "Legal Surname": "Okafor",
    "Legal Forename": "Amelia",
    "Middle Names": "Rose",
    "Preferred Forename": "Millie",
    "Date of Birth": "28/03/2013",
    "Gender": "F",
    "Year Group": "Year 8",
    "Form": "8OK",
    "House": "Fry",
    "Admission Date": "2024-09-04",
    "SEN Status": "SEN support",
    "Pupil Premium": "Y",
    "CLA": "N",
    "EAL": "",
    "Medical Alert": "Asthma – inhaler in bag",
    "Contact 1 Name": "Grace Okafor",
    "Contact 1 Relationship": "Mother",
    "Contact 1 Parental Responsibility": "Yes",
    "Contact 1 Mobile": "07700 900123",
    "Contact 1 Email": "grace.okafor@example.com",
    "Contact 2 Name": "Daniel Okafor",
    "Contact 2 Relationship": "Father",
    "Contact 2 Parental Responsibility": "1",
    "Contact 2 Phone": "0161 496 0000",
}

JOSEF = {
    "UPN": UPN_2,
    "Legal Surname": "Nowak",
    "Legal Forename": "Józef",
    "Date of Birth": "2014-11-02",
    "Gender": "Male",
    "Year Group": "7",
    "Form": "7NO",
    "SEN Status": "EHCP",
    "CLA": "True",
    "EAL": "Y",
    "Contact 1 Name": "Anna Nowak",
    "Contact 1 Relationship": "Foster carer",
    "Contact 1 Parental Responsibility": "N",
}


def csv_bytes(rows, headings=None, bom=False, encoding="utf-8"):
    headings = headings or HEADINGS
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=headings, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    text = ("\ufeff" if bom else "") + buffer.getvalue()
    return text.encode(encoding)


def upload(content, name="pupils.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def run_import(actor, school, content, name="pupils.csv"):
    return pupils_import(actor=actor, school=school, uploaded_file=upload(content, name))


def rejection(actor, school, content, name="pupils.csv"):
    with pytest.raises(ImportRejected) as caught:
        run_import(actor, school, content, name)
    return caught.value


# The service ----------------------------------------------------------------


def test_it_imports_a_good_file_field_by_field(school, pastoral_lead):
    result = run_import(pastoral_lead, school, csv_bytes([AMELIA, JOSEF]))

    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert (result.contacts_created, result.contacts_updated) == (3, 0)
    assert sorted(result.created_names) == ["Józef Nowak", "Millie Okafor"]

    amelia = Pupil.objects.get(school=school, upn=UPN_1)
    assert amelia.legal_first_name == "Amelia"
    assert amelia.middle_names == "Rose"
    assert amelia.legal_last_name == "Okafor"
    assert amelia.preferred_first_name == "Millie"
    assert amelia.preferred_last_name == ""
    assert amelia.date_of_birth == datetime.date(2013, 3, 28)
    assert amelia.gender == "F"
    assert amelia.year_group == 8
    assert amelia.form == "8OK"
    assert amelia.house == "Fry"
    assert amelia.admission_date == datetime.date(2024, 9, 4)
    assert amelia.leaving_date is None
    assert amelia.sen_status == Pupil.SEN.SUPPORT
    assert amelia.pupil_premium is True
    assert amelia.looked_after is False
    assert amelia.eal is False
    assert amelia.child_in_need is False
    assert amelia.medical_alert == "Asthma – inhaler in bag"

    mother, father = amelia.contacts.order_by("priority")
    assert (mother.name, mother.relationship, mother.parental_responsibility) == ("Grace Okafor", "Mother", True)
    assert (mother.priority, mother.mobile, mother.email) == (1, "07700 900123", "grace.okafor@example.com")
    assert (father.name, father.relationship, father.parental_responsibility) == ("Daniel Okafor", "Father", True)
    assert (father.priority, father.phone, father.mobile) == (2, "0161 496 0000", "")

    josef = Pupil.objects.get(school=school, upn=UPN_2)
    assert (josef.legal_first_name, josef.gender, josef.year_group) == ("Józef", "M", 7)
    assert josef.date_of_birth == datetime.date(2014, 11, 2)
    assert (josef.sen_status, josef.looked_after, josef.eal, josef.pupil_premium) == ("E", True, True, False)
    assert josef.admission_date is None
    carer = josef.contacts.get()
    assert (carer.name, carer.relationship, carer.parental_responsibility, carer.priority) == (
        "Anna Nowak",
        "Foster carer",
        False,
        1,
    )


def test_it_rejects_a_file_with_several_bad_rows_and_saves_nothing(school, pastoral_lead):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    wrong_check_letter = "B" + UPN_3[1:]
    rows = [
        AMELIA,  # row 2: fine
        {**JOSEF, "UPN": wrong_check_letter},  # row 3
        {**JOSEF, "UPN": UPN_3, "Date of Birth": "31/02/2014", "Year Group": "Year 14"},  # row 4
        {**JOSEF, "UPN": UPN_1, "Legal Forename": "Copy"},  # row 5: same UPN as row 2
        {**JOSEF, "UPN": "", "SEN Status": "Maybe"},  # row 6
        {**JOSEF, "UPN": make_upn(820, 4321, 25, 103), "Date of Birth": tomorrow},  # row 7
        {**JOSEF, "UPN": make_upn(820, 4321, 25, 104), "Gender": "Q", "EAL": "perhaps"},  # row 8
        {**AMELIA, "UPN": make_upn(820, 4321, 25, 105), "Contact 1 Email": "not-an-email"},  # row 9
    ]

    problem = rejection(pastoral_lead, school, csv_bytes(rows))

    found = {(p.row, p.column): p for p in problem.problems}
    assert "check letter" in found[(3, "UPN")].reason
    assert found[(3, "UPN")].value == wrong_check_letter
    assert "not a real date" in found[(4, "Date of Birth")].reason
    assert "year group" in found[(4, "Year Group")].reason.lower()
    assert "also on row 2" in found[(5, "UPN")].reason
    assert "empty" in found[(6, "UPN")].reason
    assert "Use N (No SEN)" in found[(6, "SEN Status")].reason
    assert "future" in found[(7, "Date of Birth")].reason
    assert "Use M, F or X" in found[(8, "Gender")].reason
    assert "Use Y or N" in found[(8, "EAL")].reason
    assert "email" in found[(9, "Contact 1 Email")].reason
    assert not any(p.row == 2 for p in problem.problems)
    assert "Nothing was imported" in str(problem)
    assert Pupil.objects.count() == 0
    assert FamilyContact.objects.count() == 0
    assert not AuditEntry.objects.filter(action="pastoral.pupils.imported").exists()


def test_it_rejects_leaving_before_admission_with_the_row_number(school, pastoral_lead):
    headings = [*HEADINGS, "Leaving Date"]
    rows = [AMELIA, {**JOSEF, "Admission Date": "01/09/2025", "Leaving Date": "2025-07-20"}]

    problem = rejection(pastoral_lead, school, csv_bytes(rows, headings))

    assert [(p.row, p.column, p.value) for p in problem.problems] == [(3, "Leaving Date", "2025-07-20")]
    assert "before the admission date" in problem.problems[0].reason
    assert Pupil.objects.count() == 0


def test_it_changes_nothing_when_the_same_file_is_imported_twice(school, pastoral_lead):
    content = csv_bytes([AMELIA, JOSEF])
    run_import(pastoral_lead, school, content)
    stamps = dict(Pupil.objects.values_list("upn", "updated_at"))

    second = run_import(pastoral_lead, school, content)

    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert (second.contacts_created, second.contacts_updated) == (0, 0)
    assert second.created_names == second.updated_names == []
    assert Pupil.objects.filter(school=school).count() == 2
    assert FamilyContact.objects.count() == 3
    assert dict(Pupil.objects.values_list("upn", "updated_at")) == stamps


def test_it_updates_one_field_and_one_contact_on_reimport(school, pastoral_lead):
    run_import(pastoral_lead, school, csv_bytes([AMELIA, JOSEF]))
    amelia = Pupil.objects.get(upn=UPN_1)
    first_code = amelia.code

    changed = {
        **AMELIA,
        "Form": "9OK",
        "UPN": UPN_1.lower(),
        "Contact 1 Name": "GRACE OKAFOR",
        "Contact 1 Mobile": "07700 900999",
    }
    result = run_import(pastoral_lead, school, csv_bytes([changed, JOSEF]))

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert result.updated_names == ["Millie Okafor"]
    assert (result.contacts_created, result.contacts_updated) == (0, 1)
    amelia.refresh_from_db()
    assert amelia.code == first_code
    assert amelia.form == "9OK"
    assert amelia.house == "Fry"
    assert Pupil.objects.filter(school=school).count() == 2
    mother = amelia.contacts.get(priority=1)
    assert (mother.name, mother.mobile) == ("GRACE OKAFOR", "07700 900999")
    assert amelia.contacts.count() == 2


def test_it_leaves_details_alone_when_their_column_is_not_in_the_file(school, pastoral_lead):
    pupil = PupilFactory(school=school, upn=UPN_1, house="Curie", medical_alert="Epipen", keyworker=pastoral_lead)
    contact = FamilyContactFactory(pupil=pupil, name="Grace Okafor", restrictions="Not to collect")
    headings = ["UPN", "Surname", "Forename", "DOB", "Gender", "Year", "Contact 1 Name", "Contact 1 Mobile"]
    row = {
        "UPN": UPN_1,
        "Surname": pupil.legal_last_name,
        "Forename": pupil.legal_first_name,
        "DOB": pupil.date_of_birth.isoformat(),
        "Gender": pupil.gender,
        "Year": str(pupil.year_group),
        "Contact 1 Name": "grace okafor",
        "Contact 1 Mobile": "07700 900555",
    }

    result = run_import(pastoral_lead, school, csv_bytes([row], headings))

    assert (result.updated, result.unchanged, result.contacts_updated) == (0, 1, 1)
    pupil.refresh_from_db()
    assert (pupil.house, pupil.medical_alert, pupil.keyworker) == ("Curie", "Epipen", pastoral_lead)
    contact.refresh_from_db()
    assert (contact.mobile, contact.relationship, contact.restrictions) == ("07700 900555", "Mother", "Not to collect")
    assert FamilyContact.objects.count() == 1


def test_it_accepts_mis_headings_and_value_styles(school, pastoral_lead):
    headings = ["unique_pupil_number", " SURNAME ", "Forename", "DOB", "Sex", "NC Year", "Reg Group", "SEN", "PP"]
    values = [
        ("Y7", "No SEN", "yes", 7, "N", True),
        ("R", "K", "0", 0, "K", False),
        ("Reception", "E", "", 0, "E", False),
        ("N1", "", "FALSE", -1, "N", False),
        ("Nursery", "ehcp", "1", -1, "E", True),
        ("Year 13", "n", "No", 13, "N", False),
    ]
    rows = [
        {
            "unique_pupil_number": make_upn(820, 4321, 25, 200 + number),
            " SURNAME ": f"Surname{number}",
            "Forename": f"Pupil{number}",
            "DOB": "2014-01-31 00:00:00",
            "Sex": "female",
            "NC Year": year,
            "Reg Group": "1A",
            "SEN": sen,
            "PP": premium,
        }
        for number, (year, sen, premium, *_) in enumerate(values)
    ]

    result = run_import(pastoral_lead, school, csv_bytes(rows, headings))

    assert result.created == len(values)
    for number, (*_, year_group, sen_status, pupil_premium) in enumerate(values):
        pupil = Pupil.objects.get(upn=make_upn(820, 4321, 25, 200 + number))
        assert (pupil.year_group, pupil.sen_status, pupil.pupil_premium) == (year_group, sen_status, pupil_premium)
        assert (pupil.gender, pupil.form, pupil.date_of_birth) == ("F", "1A", datetime.date(2014, 1, 31))


def test_it_reads_a_file_saved_by_excel_with_a_bom(school, pastoral_lead):
    content = csv_bytes([AMELIA], bom=True)
    assert content.startswith(b"\xef\xbb\xbfUPN,")

    result = run_import(pastoral_lead, school, content)

    assert result.created == 1
    assert Pupil.objects.get().upn == UPN_1


def test_it_reads_semicolon_separated_files(school, pastoral_lead):
    content = csv_bytes([JOSEF]).decode().replace(",", ";").encode()

    run_import(pastoral_lead, school, content)

    assert Pupil.objects.get().legal_first_name == "Józef"


def test_it_rejects_a_file_missing_a_required_column(school, pastoral_lead):
    headings = [heading for heading in HEADINGS if heading not in ("Date of Birth", "Gender")]
    rows = [{key: value for key, value in AMELIA.items() if key in headings}]

    problem = rejection(pastoral_lead, school, csv_bytes(rows, headings))

    assert str(problem).startswith("The file is missing required columns: Date of Birth, Gender.")
    assert [(p.row, p.column) for p in problem.problems] == [(1, "Date of Birth"), (1, "Gender")]
    assert "DOB" in problem.problems[0].reason
    assert Pupil.objects.count() == 0


def test_it_explains_when_no_heading_is_recognised(school, pastoral_lead):
    content = b"Student Details Report\r\n" + csv_bytes([AMELIA])

    problem = rejection(pastoral_lead, school, content)

    assert "None of the headings in the first row are recognised" in str(problem)
    assert Pupil.objects.count() == 0


def test_it_rejects_two_headings_with_the_same_meaning(school, pastoral_lead):
    headings = [*HEADINGS, "Surname"]
    problem = rejection(pastoral_lead, school, csv_bytes([{**AMELIA, "Surname": "Okafor"}], headings))

    assert "both mean Legal Surname" in problem.problems[0].reason
    assert Pupil.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "pupils.csv", "The file is empty."),
        (b"\r\n \r\n", "pupils.csv", "The file is empty."),
        (b"UPN,Surname,Forename,DOB,Gender,Year\r\n", "pupils.csv", "column headings but no pupils"),
        ("UPN,Surname\r\nA1,Müller\r\n".encode("cp1252"), "pupils.csv", "not saved as UTF-8 (the first unreadable"),
        ("UPN,Surname\r\n".encode("utf-16"), "pupils.csv", "UTF-16"),
        (b"PK\x03\x04\x14\x00\x06\x00rest-of-a-workbook", "pupils.xlsx", "spreadsheet workbook, not a CSV"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.png", "not look like a CSV"),
    ],
)
def test_it_rejects_files_that_are_not_usable_csv(school, pastoral_lead, content, name, message):
    problem = rejection(pastoral_lead, school, content, name)

    assert message in str(problem)
    assert Pupil.objects.count() == 0


def test_it_rejects_a_file_over_the_size_limit(school, pastoral_lead, settings):
    content = csv_bytes([AMELIA, JOSEF])
    settings.PUPIL_IMPORT_MAX_BYTES = len(content) - 1

    problem = rejection(pastoral_lead, school, content)

    assert "the largest file accepted" in str(problem)
    assert Pupil.objects.count() == 0


def test_it_matches_upns_within_the_school_only(school, sister_school, pastoral_lead):
    other = PupilFactory(school=sister_school, upn=UPN_1, legal_first_name="Other", form="5B")

    result = run_import(pastoral_lead, school, csv_bytes([AMELIA]))

    assert result.created == 1
    assert Pupil.objects.filter(upn=UPN_1).count() == 2
    other.refresh_from_db()
    assert (other.legal_first_name, other.form, other.contacts.count()) == ("Other", "5B", 0)


def test_it_counts_pupils_on_roll_but_not_in_the_file_and_keeps_them(school, pastoral_lead):
    missing = PupilFactory(school=school)
    PupilFactory(school=school, leaving_date=datetime.date(2020, 7, 20), admission_date=datetime.date(2015, 9, 1))

    result = run_import(pastoral_lead, school, csv_bytes([AMELIA]))

    assert result.not_in_file == 1
    assert Pupil.objects.filter(pk=missing.pk).exists()
    assert Pupil.objects.filter(school=school).count() == 3


def test_it_reports_unknown_columns_and_ignores_them(school, pastoral_lead):
    headings = [*HEADINGS, "Religion"]
    result = run_import(pastoral_lead, school, csv_bytes([{**AMELIA, "Religion": "None"}], headings))

    assert result.ignored_columns == ["Religion"]
    assert result.created == 1


def test_it_writes_one_audit_entry_with_the_counts(school, pastoral_lead):
    run_import(pastoral_lead, school, csv_bytes([AMELIA]))
    run_import(pastoral_lead, school, csv_bytes([{**AMELIA, "House": "Curie"}, JOSEF]))

    entries = AuditEntry.objects.filter(action="pastoral.pupils.imported").order_by("id")
    assert entries.count() == 2
    latest = entries.last()
    assert (latest.actor, latest.school) == (pastoral_lead, school)
    assert latest.data == {
        "rows": 2,
        "created": 1,
        "updated": 1,
        "unchanged": 0,
        "contacts_created": 1,
        "contacts_updated": 0,
        "not_in_file": 0,
    }


def test_it_refuses_an_actor_without_the_import_permission(school, teacher):
    with pytest.raises(PermissionDenied):
        run_import(teacher, school, csv_bytes([AMELIA]))
    assert Pupil.objects.count() == 0


def test_it_imports_two_thousand_rows_with_a_handful_of_queries(school, pastoral_lead, django_assert_max_num_queries):
    rows = [
        {
            **AMELIA,
            "UPN": make_upn(820, 5000 + number // 1000, 25, number % 1000),
            "Legal Forename": f"Pupil{number}",
        }
        for number in range(2000)
    ]
    content = csv_bytes(rows)
    started = time.monotonic()
    with django_assert_max_num_queries(40):
        result = run_import(pastoral_lead, school, content)
    assert time.monotonic() - started < 20

    assert result.created == 2000
    assert Pupil.objects.filter(school=school).count() == 2000
    assert FamilyContact.objects.filter(pupil__school=school).count() == 4000
    with django_assert_max_num_queries(40):
        again = run_import(pastoral_lead, school, content)
    assert (again.created, again.unchanged) == (0, 2000)


# The documentation ------------------------------------------------------------


def test_it_imports_the_sample_file_from_the_docs(school, pastoral_lead):
    content = (DOCS / "sample-pupils.csv").read_bytes()

    result = run_import(pastoral_lead, school, content, "sample-pupils.csv")

    assert result.created == Pupil.objects.filter(school=school).count() >= 10
    assert result.contacts_created == FamilyContact.objects.count() > 10


def test_it_documents_every_column_and_heading():
    text = (DOCS / "pupil-import.md").read_text(encoding="utf-8")

    for column in imports.column_guide():
        assert f"| {column.heading} |" in text
        for synonym in column.synonyms:
            assert synonym in text


def test_it_offers_a_template_with_every_heading():
    headings = next(csv.reader(io.StringIO(imports.template_csv().removeprefix("\ufeff"))))

    assert headings == [column.heading for column in imports.COLUMNS]
    assert len(headings) == len({imports.heading_key(heading) for heading in headings})


# The views --------------------------------------------------------------------


def post_file(client, content, name="pupils.csv"):
    return client.post(reverse("pastoral:pupil_import"), {"file": upload(content, name)})


def import_through_the_page(client, capture, content, name="pupils.csv"):
    """Upload, let the queued task run (eager Celery) once the request commits, then open the job page."""
    with capture(execute=True):
        response = post_file(client, content, name)
    assert response.status_code == 302
    job = ImportJob.objects.latest("created_at")
    assert response["Location"] == reverse("pastoral:pupil_import_job", args=[job.code])
    return job, client.get(response["Location"])


def test_it_shows_the_upload_form_and_column_guide(school, pastoral_lead, as_user):
    response = as_user(pastoral_lead).get(reverse("pastoral:pupil_import"))

    assert response.status_code == 200
    body = response.content.decode()
    assert 'enctype="multipart/form-data"' in body
    assert 'href="#import-columns"' in body
    assert 'id="import-columns"' in body
    assert "<caption>Every column the import understands</caption>" in body
    assert reverse("pastoral:pupil_import_template") in body


def test_it_imports_an_uploaded_file_and_reports_the_counts(
    school, pastoral_lead, as_user, django_capture_on_commit_callbacks
):
    client = as_user(pastoral_lead)

    job, page = import_through_the_page(client, django_capture_on_commit_callbacks, csv_bytes([AMELIA, JOSEF]))

    job.refresh_from_db()
    assert (job.status, job.total, job.processed, job.created, job.updated) == ("done", 2, 2, 2, 0)
    assert job.started_at is not None and job.finished_at is not None
    assert page.status_code == 200
    assert "Import complete" in page.content.decode()
    assert '<tr><th scope="row">Pupils created</th><td class="text-end">2</td></tr>' in page.content.decode()
    assert Pupil.objects.filter(school=school).count() == 2
    assert AuditEntry.objects.filter(action="pastoral.pupils.imported", actor=pastoral_lead).count() == 1

    again, _page = import_through_the_page(client, django_capture_on_commit_callbacks, csv_bytes([AMELIA, JOSEF]))
    again.refresh_from_db()
    assert (again.result["created"], again.result["unchanged"]) == (0, 2)
    assert Pupil.objects.filter(school=school).count() == 2


def test_it_lists_every_problem_in_the_page_and_saves_nothing(
    school, pastoral_lead, as_user, django_capture_on_commit_callbacks
):
    rows = [AMELIA, {**JOSEF, "Date of Birth": "2014/11/02"}, {**JOSEF, "UPN": UPN_3, "Year Group": "Y20"}]

    job, page = import_through_the_page(as_user(pastoral_lead), django_capture_on_commit_callbacks, csv_bytes(rows))

    assert page.status_code == 200
    body = page.content.decode()
    expected = [
        "The file was not imported",
        'id="error-summary"',
        'role="alert"',
        'href="#problem-1"',
        'id="problem-1"',
        '<th scope="row">3</th>',
        '<th scope="row">4</th>',
        "2014/11/02",
        "Y20",
    ]
    for snippet in expected:
        assert snippet in body
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.errors == 2
    assert [(p["row"], p["column"]) for p in job.problems] == [(3, "Date of Birth"), (4, "Year Group")]
    assert Pupil.objects.count() == 0


def test_it_explains_a_missing_file_beside_the_field(school, pastoral_lead, as_user):
    response = as_user(pastoral_lead).post(reverse("pastoral:pupil_import"), {})

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["Choose a CSV file to upload."]
    assert 'href="#id_file"' in response.content.decode()


def test_it_refuses_the_wrong_file_type_at_the_form(school, pastoral_lead, as_user):
    response = post_file(as_user(pastoral_lead), b"%PDF-1.7", "pupils.pdf")

    assert "Choose a .csv file" in response.context["form"].errors["file"][0]
    assert Pupil.objects.count() == 0


def test_it_forbids_a_teacher_from_the_import_page(school, teacher, as_user):
    client = as_user(teacher)

    assert client.get(reverse("pastoral:pupil_import")).status_code == 403
    assert post_file(client, csv_bytes([AMELIA])).status_code == 403
    assert client.get(reverse("pastoral:pupil_import_template")).status_code == 403
    assert Pupil.objects.count() == 0


def test_it_sends_anonymous_visitors_to_sign_in(client, school):
    response = client.get(reverse("pastoral:pupil_import"))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_it_downloads_the_heading_template(school, pastoral_lead, as_user):
    response = as_user(pastoral_lead).get(reverse("pastoral:pupil_import_template"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    assert text.splitlines() == [",".join(column.heading for column in imports.COLUMNS)]


def test_it_reads_the_census_ethnicity_by_code_or_name_and_rejects_others(school, pastoral_lead):
    headings = [*HEADINGS, "Ethnic Group"]
    rows = [{**AMELIA, "Ethnic Group": "bafr"}, {**JOSEF, "Ethnic Group": "Any other White background"}]
    run_import(pastoral_lead, school, csv_bytes(rows, headings))
    assert dict(Pupil.objects.values_list("upn", "ethnicity__code")) == {UPN_1: "BAFR", UPN_2: "WOTH"}
    assert Pupil.objects.get(upn=UPN_1).ethnicity.group == "black"

    problem = rejection(pastoral_lead, school, csv_bytes([{**AMELIA, "Ethnic Group": "Martian"}], headings))
    (found,) = [p for p in problem.problems if p.column == "Ethnic Group"]
    assert "census ethnicity code" in found.reason and found.row == 2
    assert Pupil.objects.get(upn=UPN_1).ethnicity_id == "BAFR"
