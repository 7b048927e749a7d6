"""The paper page: printing pads, the school's sheets (keyset paged, filtered, found by reference), references."""

import uuid

from django.urls import reverse
from django.utils import timezone

from pastoral.models import PaperFormSheet
from pastoral.paper.kinds import all_kinds
from pastoral.paper.models import ALPHABET, new_reference, normalise_reference


def _sheets(school, user, count, kind="medical.accident", **fields):
    batch = uuid.uuid4()
    return [
        PaperFormSheet.objects.create(
            school=school, kind=kind, reference=new_reference(), batch=batch, printed_by=user, **fields
        )
        for _ in range(count)
    ]


def test_references_are_short_unambiguous_and_typed_any_way():
    reference = new_reference()
    assert len(reference) == 9 and reference.startswith("P-") and reference[6] == "-"
    assert set(reference.replace("-", "")[1:]) <= set(ALPHABET)
    assert not set("01OIL") & set(ALPHABET)
    assert normalise_reference("p 7k3m q2") == "P-7K3M-Q2"
    assert normalise_reference("7K3MQ2") == "P-7K3M-Q2"
    assert normalise_reference(" P-7K3M-Q2 ") == "P-7K3M-Q2"


def test_every_one_of_the_five_forms_can_be_printed():
    assert {kind.key for kind in all_kinds()} >= {
        "safeguarding.concern",
        "behaviour.incident",
        "behaviour.intervention",
        "medical.dose",
        "medical.accident",
    }


def test_a_teacher_prints_but_does_not_see_the_schools_sheets(client, as_user, teacher, school, headteacher):
    _sheets(school, headteacher, 2)
    as_user(teacher)
    body = client.get(reverse("pastoral:paper_home")).content.decode()
    assert "Print a pad of blank forms" in body and "Safeguarding concern" in body
    assert "Printed sheets" not in body
    assert "Accident and first aid" not in body  # a teacher records no accidents: not offered


def test_the_leads_list_used_and_unused_sheets_and_find_one_by_reference(
    client, as_user, pastoral_lead, headteacher, school, sister_school, other_school_dsl, django_assert_max_num_queries
):
    unused = _sheets(school, headteacher, 3)
    used = _sheets(school, headteacher, 2, used_at=timezone.now())
    elsewhere = _sheets(sister_school, other_school_dsl, 1)[0]
    as_user(pastoral_lead)
    with django_assert_max_num_queries(14):
        body = client.get(reverse("pastoral:paper_home")).content.decode()
    for sheet in unused + used:
        assert sheet.reference in body
    assert elsewhere.reference not in body
    body = client.get(reverse("pastoral:paper_home") + "?show=unused").content.decode()
    assert all(s.reference in body for s in unused) and not any(s.reference in body for s in used)
    target = unused[1]
    body = client.get(
        reverse("pastoral:paper_home"), {"reference": target.reference.lower().replace("-", "")}
    ).content.decode()
    assert target.reference in body and unused[0].reference not in body
    body = client.get(reverse("pastoral:paper_home"), {"reference": elsewhere.reference}).content.decode()
    assert f"No sheet {elsewhere.reference} was printed for this school." in body


def test_the_list_pages_by_keyset_in_a_fixed_number_of_queries(
    client, as_user, headteacher, school, django_assert_max_num_queries
):
    _sheets(school, headteacher, 55)
    as_user(headteacher)
    with django_assert_max_num_queries(14):
        first = client.get(reverse("pastoral:paper_home"))
    page = first.context["page"]
    assert page.has_next and len(page) == 50
    second = client.get(reverse("pastoral:paper_home") + "?" + page.next_query).context["page"]
    shown = {s.pk for s in page} | {s.pk for s in second}
    assert not {s.pk for s in page} & {s.pk for s in second} and len(shown) == 55


def test_the_menu_offers_paper_forms_to_those_who_can_print_them(client, as_user, teacher, it_admin):
    link = f'href="{reverse("pastoral:paper_home")}"'
    as_user(teacher)
    assert link in client.get(reverse("pastoral:home")).content.decode()
    as_user(it_admin)
    assert link not in client.get(reverse("pastoral:staff_list")).content.decode()
