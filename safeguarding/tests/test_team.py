import datetime

from django.urls import reverse
from django.utils import timezone

from behaviour.models import StaffTraining
from conftest import make_staff
from pastoral.accounts.roles import Role
from pastoral.models import AuditEntry
from safeguarding.models import CoverSlot
from safeguarding.team import selectors

TODAY = datetime.date(2026, 12, 3)


def train(school, user, course, completed_on, recorder):
    record = StaffTraining(school=school, user=user, course=course, completed_on=completed_on, recorded_by=recorder)
    record.full_clean()
    record.save()
    return record


def test_dsl_training_expires_two_years_on_and_a_refresh_one_year_on(school, dsl, headteacher):
    formal = train(school, dsl, "dsl", datetime.date(2025, 3, 1), headteacher)
    refresh = train(school, dsl, "dsl_refresh", datetime.date(2026, 2, 1), headteacher)
    assert formal.expires_on == datetime.date(2027, 3, 1)
    assert refresh.expires_on == datetime.date(2027, 2, 1)
    leap = train(school, dsl, "dsl", datetime.date(2024, 2, 29), headteacher)
    assert leap.expires_on == datetime.date(2026, 2, 28)


def test_next_due_is_the_earlier_of_two_years_from_training_and_a_year_from_the_last_update():
    assert selectors.next_due(None, None) == (None, "No DSL training recorded")
    assert selectors.next_due(datetime.date(2025, 3, 1), None)[0] == datetime.date(2026, 3, 1)
    due, why = selectors.next_due(datetime.date(2025, 3, 1), datetime.date(2026, 2, 1))
    assert due == datetime.date(2027, 2, 1) and why == "Yearly knowledge refresh"
    due, why = selectors.next_due(datetime.date(2025, 3, 1), datetime.date(2026, 6, 1))
    assert due == datetime.date(2027, 3, 1) and why == "DSL training (every two years)"


def test_the_team_lists_the_lead_and_deputies_with_their_training(school, dsl, deputy_dsl, headteacher, teacher):
    train(school, dsl, "dsl", TODAY - datetime.timedelta(days=400), headteacher)
    train(school, dsl, "prevent", TODAY - datetime.timedelta(days=10), headteacher)
    members = {member.user: member for member in selectors.team(school, TODAY)}
    assert set(members) == {dsl, deputy_dsl}
    assert members[dsl].lead and not members[deputy_dsl].lead
    assert members[dsl].status(TODAY) == "overdue"  # no refresh within the year
    assert members[deputy_dsl].status(TODAY) == "missing"
    assert members[dsl].prevent == TODAY - datetime.timedelta(days=10)


def test_the_page_warns_when_a_school_has_not_exactly_one_lead(client, as_user, school, dsl, headteacher):
    as_user(headteacher)
    page = client.get(reverse("safeguarding:team")).content.decode()
    assert "Lead DSL" in page and "has no lead DSL" not in page and "lead DSLs" not in page
    make_staff(school, Role.DSL, "seconddsl")
    page = client.get(reverse("safeguarding:team")).content.decode()
    assert "has 2 lead DSLs" in page


def test_a_dsl_keeps_the_cover_rota_and_it_is_never_deleted(client, as_user, school, dsl, deputy_dsl, teacher):
    as_user(dsl)
    url = reverse("safeguarding:team")
    start = timezone.localtime() - datetime.timedelta(hours=1)
    data = {
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "staff": str(deputy_dsl.code),
        "phone": "07700 900456",
    }
    response = client.post(url, data)
    assert response.status_code == 400 and "must end after it starts" in response.content.decode()
    assert "07700 900456" in response.content.decode()
    data["ends_at"] = (start + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(url, data).status_code == 302
    slot = CoverSlot.objects.get()
    assert slot.staff == deputy_dsl and slot.created_by == dsl
    page = client.get(url).content.decode()
    assert "Cover now:" in page and deputy_dsl.get_full_name() in page
    assert AuditEntry.objects.filter(action="safeguarding.cover.added").count() == 1
    # Someone outside the DSL team cannot be named as cover; another contact can be named instead.
    other = {**data, "staff": str(teacher.code)}
    assert client.post(url, other).status_code == 400
    outside = {**data, "staff": "", "name": "Children's services out-of-hours team", "phone": "0300 123 4567"}
    assert client.post(url, outside).status_code == 302
    assert client.post(reverse("safeguarding:cover_cancel", args=[slot.code])).status_code == 302
    slot.refresh_from_db()
    assert slot.cancelled_at is not None and slot.cancelled_by == dsl
    assert CoverSlot.objects.count() == 2


def test_only_the_dsl_team_manage_the_rota(client, as_user, school, headteacher, teacher, other_school_dsl):
    as_user(teacher)
    assert client.get(reverse("safeguarding:team")).status_code == 403
    as_user(headteacher)
    page = client.get(reverse("safeguarding:team"))
    assert page.status_code == 200 and "Add cover" not in page.content.decode()
    assert client.post(reverse("safeguarding:team"), {"phone": "1"}).status_code == 403


def test_the_cover_is_typed_or_chosen_from_the_dsl_team_only(client, as_user, school, dsl, deputy_dsl, teacher):
    as_user(dsl)
    url = reverse("safeguarding:team")
    page = client.get(url).content.decode()
    assert '<select name="staff"' not in page and 'name="staff_text"' in page
    # The search behind the box offers the DSL and deputies only, like the form's choices.
    assert "/staff/picker/?role=dsl&amp;role=deputy_dsl" in page
    search = client.get(reverse("pastoral:staff_picker"), {"q": "tester", "role": ["dsl", "deputy_dsl"]})
    assert "Ddsl Tester" in search.content.decode() and "Teacher Tester" not in search.content.decode()
    start = timezone.localtime()
    data = {
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "phone": "07700 900456",
    }
    refused = client.post(url, {**data, "staff_text": "Teacher Tester"})
    assert refused.status_code == 400 and "No member of staff matches" in refused.content.decode()
    assert client.post(url, {**data, "staff_text": "ddsl tester"}).status_code == 302
    assert CoverSlot.objects.get().staff == deputy_dsl
