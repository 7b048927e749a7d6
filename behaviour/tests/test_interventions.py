import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from behaviour.interventions import selectors, services
from behaviour.models import RestrictiveIntervention
from conftest import make_staff, verified_client
from pastoral.accounts.roles import Role
from pastoral.chronology import chronology_for
from pastoral.exceptions import PastoralError
from pastoral.models import AuditEntry
from pastoral.tests.export_helpers import export_csv
from pastoral.tests.factories import PupilFactory

from .interventions_helpers import make_intervention, make_technique

pytestmark = pytest.mark.django_db


@pytest.fixture
def hold(school):
    return make_technique(school)


def form_data(pupil, staff, hold=None, **overrides):
    data = {
        "submission_key": str(uuid.uuid4()),
        "pupil": str(pupil.code),
        "occurred_on": timezone.localdate().isoformat(),
        "started_at": "10:05",
        "ended_at": "10:17",
        "location_detail": "Corridor by the hall",
        "staff_involved": [str(user.code) for user in staff],
        "antecedents": "Shouting at a peer, then ran at them",
        "deescalation": ["calm_voice", "space"],
        "intervention_type": "reasonable_force",
        "technique": str(hold.code) if hold else "",
        "rationale": "To stop him hitting a younger pupil",
        "support_offered": "Time in the calm room with his keyworker",
    }
    data.update(overrides)
    return data


def test_a_record_is_saved_with_snapshots_and_computed_duration(client, school, pupil, teacher, hold):
    pupil.sen_status = "E"
    pupil.save()
    verified_client(client, teacher)

    response = client.post(reverse("behaviour:intervention_create"), form_data(pupil, [teacher], hold))

    record = RestrictiveIntervention.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("behaviour:intervention_detail", args=[record.code])
    assert record.duration_minutes == 12
    assert record.sen_status == "E"
    assert record.age == pupil.age_on(timezone.localdate())
    assert record.recorded_by == teacher
    assert list(record.staff_involved.all()) == [teacher]
    assert record.deescalation == ["calm_voice", "space"]
    assert AuditEntry.objects.filter(action="behaviour.intervention.recorded", pupil=pupil).count() == 1
    # A later change of SEN status does not rewrite the record.
    pupil.sen_status = "N"
    pupil.save()
    record.refresh_from_db()
    assert record.sen_status == "E"


@pytest.mark.parametrize(
    "field,overrides,message",
    [
        ("intervention_type", {"intervention_type": ""}, "Choose the type of intervention."),
        ("rationale", {"rationale": ""}, "Say why the intervention was necessary."),
        ("ended_at", {"ended_at": ""}, "This field is required."),
        ("ended_at", {"ended_at": "09:00"}, "The end time must be after the start time."),
        ("technique", {"technique": ""}, "Choose the hold or technique used."),
        ("staff_involved", {"staff_involved": []}, "Name the staff involved."),
    ],
)
def test_it_refuses_to_save_without_type_duration_or_rationale(
    client, school, pupil, teacher, hold, field, overrides, message
):
    verified_client(client, teacher)
    data = form_data(pupil, [teacher], hold, **overrides)

    response = client.post(reverse("behaviour:intervention_create"), data)

    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert RestrictiveIntervention.objects.count() == 0
    # What was typed is kept.
    assert "To stop him hitting" in response.content.decode() or field == "rationale"


def test_the_model_refuses_a_record_without_type_duration_or_rationale(school, pupil, teacher):
    record = RestrictiveIntervention(
        school=school,
        pupil=pupil,
        sen_status="N",
        age=12,
        occurred_on=timezone.localdate(),
        started_at=None,
        ended_at=None,
        duration_minutes=0,
        location_detail="Hall",
        antecedents="x",
        intervention_type="",
        rationale="  ",
        support_offered="x",
        recorded_by=teacher,
        submission_key=uuid.uuid4(),
    )
    with pytest.raises(ValidationError) as caught:
        record.full_clean(exclude=["submission_key"])
    errors = caught.value.message_dict
    assert {"intervention_type", "rationale", "ended_at"} <= set(errors)


def test_a_double_submit_makes_one_record(client, school, pupil, teacher, hold):
    verified_client(client, teacher)
    data = form_data(pupil, [teacher], hold)
    first = client.post(reverse("behaviour:intervention_create"), data)
    second = client.post(reverse("behaviour:intervention_create"), data)
    assert RestrictiveIntervention.objects.count() == 1
    assert first.url == second.url


def test_recording_after_the_day_warns_but_saves(client, school, pupil, teacher, hold):
    verified_client(client, teacher)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        reverse("behaviour:intervention_create"),
        form_data(pupil, [teacher], hold, occurred_on=yesterday.isoformat()),
        follow=True,
    )
    record = RestrictiveIntervention.objects.get()
    assert record.recorded_late
    text = response.content.decode()
    assert "recorded after the day of the incident" in text
    assert "Recorded after the day of the incident" in text


def test_same_day_recording_is_not_late(school, pupil, teacher):
    assert not make_intervention(school, pupil, teacher).recorded_late


def test_parent_report_is_outstanding_until_reported(school, pupil, dsl, teacher):
    record = make_intervention(school, pupil, teacher)
    assert selectors.attention_counts(dsl, school)["parents"] == 1
    assert record.parent_report_outstanding

    services.intervention_report_to_parents(
        actor=teacher,
        intervention=record,
        reported_at=timezone.now(),
        method="phone",
        reported_to="Mum",
        content="Explained the hold, that it lasted six minutes, no injuries, and why.",
    )

    record.refresh_from_db()
    assert not record.parent_report_outstanding
    assert record.reported_same_day
    assert record.parent_reported_by == teacher
    assert selectors.attention_counts(dsl, school)["parents"] == 0
    # The report is a snapshot: it cannot be rewritten.
    with pytest.raises(PastoralError):
        services.intervention_report_to_parents(
            actor=dsl, intervention=record, reported_at=timezone.now(), method="email", reported_to="Dad", content="x"
        )


def test_withholding_clears_the_outstanding_report_with_a_reason_and_decider(school, pupil, dsl, teacher):
    record = make_intervention(school, pupil, teacher)

    services.intervention_withhold(actor=dsl, intervention=record, reason="Dad has hit him after past reports.")

    record.refresh_from_db()
    assert record.withheld and record.withhold_decided_by == dsl and record.withhold_decided_at
    assert not record.parent_report_outstanding
    assert selectors.attention_counts(dsl, school)["parents"] == 0
    assert AuditEntry.objects.filter(action="behaviour.intervention.withheld").count() == 1


def test_withholding_needs_a_reason(school, pupil, dsl, teacher):
    record = make_intervention(school, pupil, teacher)
    with pytest.raises(PastoralError, match="reason"):
        services.intervention_withhold(actor=dsl, intervention=record, reason="   ")
    record.refresh_from_db()
    assert not record.withheld


def test_withholding_needs_a_decider(school, pupil, teacher):
    record = make_intervention(school, pupil, teacher)
    record.withheld = True
    record.withhold_reason = "Risk of harm at home"
    with pytest.raises(ValidationError) as caught:
        record.full_clean(exclude=["submission_key"])
    assert "withhold_reason" in caught.value.message_dict


def test_only_leads_may_withhold(client, school, pupil, pastoral_staff, teacher):
    record = make_intervention(school, pupil, pastoral_staff)
    with pytest.raises(PastoralError):
        services.intervention_withhold(actor=pastoral_staff, intervention=record, reason="Risk")
    verified_client(client, pastoral_staff)
    assert client.get(reverse("behaviour:intervention_withhold", args=[record.code])).status_code == 403


def test_withhold_form_shows_the_missing_reason_beside_the_field(client, school, pupil, dsl, teacher):
    record = make_intervention(school, pupil, teacher)
    verified_client(client, dsl)
    response = client.post(reverse("behaviour:intervention_withhold", args=[record.code]), {"reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Give the reason for withholding."]


def test_working_day_deadlines_skip_weekends():
    friday = datetime.date(2026, 11, 20)
    assert selectors.debrief_due(friday) == datetime.date(2026, 11, 24)
    assert selectors.debrief_due(datetime.date(2026, 11, 23)) == datetime.date(2026, 11, 25)
    # On Wednesday 25th, Friday's and the weekend's debriefs are overdue; Monday's are due today.
    assert selectors.latest_day_with_overdue_debrief(datetime.date(2026, 11, 25)) == datetime.date(2026, 11, 22)


def test_debriefs_are_flagged_overdue_after_two_working_days(school, pupil, dsl, teacher):
    today = timezone.localdate()
    old = make_intervention(school, pupil, teacher, occurred_on=today - datetime.timedelta(days=7))
    make_intervention(school, pupil, teacher, occurred_on=today)
    assert selectors.attention_counts(dsl, school)["debriefs"] == 1

    for kind in ("pupil", "staff"):
        services.intervention_debrief(
            actor=teacher, intervention=old, kind=kind, held_on=today, notes="Talked it through."
        )
    assert selectors.attention_counts(dsl, school)["debriefs"] == 0
    old.refresh_from_db()
    assert old.pupil_debrief_by == teacher and old.staff_debrief_on == today


def test_a_debrief_cannot_be_before_the_incident(school, pupil, teacher):
    record = make_intervention(school, pupil, teacher)
    with pytest.raises(PastoralError):
        services.intervention_debrief(
            actor=teacher,
            intervention=record,
            kind="pupil",
            held_on=record.occurred_on - datetime.timedelta(days=1),
            notes="x",
        )


def test_a_lead_signs_off_and_the_record_leaves_the_awaiting_list(client, school, pupil, dsl, teacher):
    record = make_intervention(school, pupil, teacher)
    verified_client(client, dsl)
    response = client.post(
        reverse("behaviour:intervention_review", args=[record.code]),
        {
            "proportionate": "yes",
            "in_line_with_training": "no",
            "learning_points": "Use a change of face sooner.",
            "support_plan_review": "yes",
        },
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.reviewed_by == dsl
    assert record.proportionate is True and record.in_line_with_training is False
    assert record.support_plan_review is True
    assert selectors.attention_counts(dsl, school)["review"] == 0


def test_staff_who_are_not_leads_cannot_sign_off(school, pupil, teacher):
    record = make_intervention(school, pupil, teacher)
    with pytest.raises(PastoralError):
        services.intervention_review(
            actor=teacher,
            intervention=record,
            proportionate=True,
            in_line_with_training=True,
            learning_points="",
            support_plan_review=False,
        )


def test_who_sees_which_records(school, sister_school, pupil, dsl, senco, teacher, pastoral_staff, other_school_dsl):
    other_teacher = make_staff(school, Role.TEACHER, "teacher2")
    mine = make_intervention(school, pupil, teacher)
    named = make_intervention(school, pupil, dsl, staff=[pastoral_staff])

    def visible(user):
        return set(selectors.restrictive_interventions_visible_to(user))

    assert visible(dsl) == {mine, named}
    assert visible(senco) == {mine, named}
    assert visible(teacher) == {mine}
    assert visible(pastoral_staff) == {named}
    assert visible(other_teacher) == set()
    assert visible(other_school_dsl) == set()


def test_the_chronology_shows_records_only_to_those_who_see_them(school, pupil, dsl, teacher):
    other_teacher = make_staff(school, Role.TEACHER, "teacher2")
    make_intervention(school, pupil, teacher)

    titles = [item.title for item in chronology_for(dsl, pupil)]
    assert any(title.startswith("Physical intervention: Restraint without force") for title in titles)
    assert any(item.area == "behaviour" for item in chronology_for(teacher, pupil))
    assert not any("Physical intervention" in item.title for item in chronology_for(other_teacher, pupil))


def test_viewing_a_record_is_audited(client, school, pupil, dsl, teacher):
    record = make_intervention(school, pupil, teacher)
    verified_client(client, dsl)
    response = client.get(reverse("behaviour:intervention_detail", args=[record.code]))
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action="behaviour.intervention.viewed", actor=dsl, pupil=pupil).exists()


def test_voiding_keeps_the_record_and_needs_a_lead(school, pupil, dsl, teacher):
    record = make_intervention(school, pupil, teacher)
    with pytest.raises(PastoralError):
        services.intervention_void(actor=teacher, intervention=record, reason="Wrong pupil")
    services.intervention_void(actor=dsl, intervention=record, reason="Wrong pupil")
    record.refresh_from_db()
    assert record.voided_at and record.void_reason == "Wrong pupil"
    assert selectors.attention_counts(dsl, school)["parents"] == 0


def test_the_list_does_not_query_per_row(client, school, dsl, teacher, django_assert_max_num_queries):
    for _ in range(8):
        make_intervention(school, PupilFactory(school=school), teacher)
    verified_client(client, dsl)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("behaviour:intervention_list"))
    assert response.status_code == 200
    assert response.content.decode().count("Outstanding") == 8


def test_the_list_filters_outstanding_parent_reports(client, school, pupil, dsl, teacher):
    outstanding = make_intervention(school, pupil, teacher)
    make_intervention(school, pupil, teacher, withheld=True, withhold_reason="Risk", withhold_decided_by=dsl)
    verified_client(client, dsl)
    response = client.get(reverse("behaviour:intervention_list") + "?show=parents")
    assert [record.pk for record in response.context["page"]] == [outstanding.pk]


def test_the_dashboard_panel_is_for_leads(client, school, pupil, pastoral_lead, teacher):
    make_intervention(school, pupil, teacher)
    verified_client(client, pastoral_lead)
    response = client.get(reverse("pastoral:home"))
    panel = next(panel for panel in response.context["panels"] if panel.title == "Physical interventions")
    counts = {label: count for label, count, _url in panel.context["rows"]}
    assert counts["Parents not yet told (and no decision to withhold)"] == 1
    assert counts["Awaiting sign-off"] == 1

    client.logout()
    verified_client(client, teacher)
    response = client.get(reverse("pastoral:home"))
    assert not [panel for panel in response.context["panels"] if panel.title == "Physical interventions"]


def test_oversight_charts_and_csv(
    client, school, pupil, dsl, teacher, hold, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    for minutes in (3, 12, 40):
        make_intervention(
            school,
            PupilFactory(school=school, sen_status="K"),
            teacher,
            ended_at=datetime.time(10, minutes),
            duration_minutes=minutes,
            intervention_type="reasonable_force",
            technique=hold,
        )
    make_intervention(
        school,
        pupil,
        teacher,
        parent_reported_at=timezone.now(),
        parent_report_method="phone",
        parent_report_content="Told",
        parent_reported_by=teacher,
    )
    verified_client(client, dsl)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("behaviour:intervention_oversight"))
    assert response.status_code == 200
    charts = {chart.title: chart for chart in response.context["charts"]}
    assert ("Reasonable force", 3) in charts["Interventions by type"].rows
    assert ("Single elbow", 3) in charts["Interventions by hold or technique"].rows
    assert ("SEN support", 3) in charts["Interventions by SEN status at the time"].rows
    assert ("30 min or more", 1) in charts["How long interventions lasted"].rows
    assert ("Told the same day", 1) in charts["Telling parents"].rows
    assert response.context["same_day_share"] == 25
    text = response.content.decode()
    assert "<svg" in text and "as a table" in text

    rows = export_csv(client, django_capture_on_commit_callbacks, dsl, "behaviour.interventions_oversight_csv")
    assert rows[0][:3] == ["Reference", "Date", "Start"]
    CSV_UPN = rows[0].index("UPN")
    assert len(rows) == 5
    assert pupil.upn in [row[CSV_UPN] for row in rows[1:]]
    assert AuditEntry.objects.filter(action="behaviour.interventions.exported", data__rows=4).exists()


def test_other_schools_records_are_not_found(client, school, pupil, other_school_dsl, teacher):
    record = make_intervention(school, pupil, teacher)
    verified_client(client, other_school_dsl)
    assert client.get(reverse("behaviour:intervention_detail", args=[record.code])).status_code == 404


def test_default_techniques_are_seeded_once_and_editable(client, school, headteacher):
    verified_client(client, headteacher)
    client.post(reverse("behaviour:technique_seed"))
    client.post(reverse("behaviour:technique_seed"))
    techniques = selectors.techniques_for(school)
    assert techniques.count() == len(services.DEFAULT_TECHNIQUES)
    wrap = techniques.get(name="Wrap")
    response = client.post(
        reverse("behaviour:technique_edit", args=[wrap.code]),
        {"name": "Team Teach wrap", "scheme": "team_teach", "order": 3},
    )
    assert response.status_code == 302
    wrap.refresh_from_db()
    assert wrap.name == "Team Teach wrap" and not wrap.active


def test_a_record_can_be_linked_to_its_behaviour_event(client, school, pupil, teacher, hold):
    from behaviour.tests.factories import BehaviourEventFactory

    event = BehaviourEventFactory(pupil=pupil, recorded_by=teacher)
    verified_client(client, teacher)
    url = reverse("behaviour:intervention_create") + f"?event={event.code}"
    form = client.get(url).context["form"]
    assert form.initial["pupil"] == pupil
    client.post(url, form_data(pupil, [teacher], hold))
    assert RestrictiveIntervention.objects.get().event == event
    detail = client.get(reverse("behaviour:event_detail", args=[event.code])).content.decode()
    assert "Record a physical intervention" in detail


@pytest.mark.parametrize(
    "fields",
    [
        {"duration_minutes": 0},
        {"rationale": ""},
        {"intervention_type": ""},
        {"withheld": True, "withhold_reason": "Risk of harm"},
        {"withheld": True, "withhold_reason": ""},
    ],
)
def test_the_database_refuses_incomplete_records(school, pupil, teacher, dsl, fields):
    from django.db import IntegrityError, transaction

    if fields.get("withheld") and not fields["withhold_reason"]:
        fields = {**fields, "withhold_decided_by": dsl}
    with pytest.raises(IntegrityError), transaction.atomic():
        make_intervention(school, pupil, teacher, **fields)


def test_the_form_can_start_from_a_pupil(client, school, pupil, other_school_pupil, teacher):
    verified_client(client, teacher)
    url = reverse("behaviour:intervention_create")
    assert client.get(f"{url}?pupil={pupil.code}").context["form"].initial["pupil"] == pupil
    assert client.get(f"{url}?pupil={other_school_pupil.code}").status_code == 404
    assert client.get(f"{url}?pupil=not-a-code").status_code == 404


def test_parent_report_form_keeps_input_and_refuses_the_future(client, school, pupil, teacher):
    record = make_intervention(school, pupil, teacher)
    verified_client(client, teacher)
    later = timezone.localtime() + datetime.timedelta(days=1)
    response = client.post(
        reverse("behaviour:intervention_parent_report", args=[record.code]),
        {"reported_at": later.strftime("%Y-%m-%dT%H:%M"), "method": "phone", "reported_to": "Mum", "content": ""},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["reported_at"] == ["This cannot be in the future."]
    assert errors["content"] == ["This field is required."]
    assert 'value="Mum"' in response.content.decode()
    record.refresh_from_db()
    assert record.parent_report_outstanding


def test_debriefs_are_recorded_through_their_pages(client, school, pupil, teacher):
    record = make_intervention(school, pupil, teacher)
    verified_client(client, teacher)
    today = timezone.localdate().isoformat()
    for name, notes in (
        ("behaviour:intervention_pupil_debrief", "I was scared and wanted to get away."),
        ("behaviour:intervention_staff_debrief", "Hold applied as trained; change of face next time."),
    ):
        response = client.post(reverse(name, args=[record.code]), {"held_on": today, "notes": notes})
        assert response.status_code == 302
    record.refresh_from_db()
    assert record.pupil_debrief_notes.startswith("I was scared")
    assert record.staff_debrief_by == teacher
    assert AuditEntry.objects.filter(action="behaviour.intervention.debriefed").count() == 2
    # A second pupil debrief is not recorded over the first.
    response = client.get(reverse("behaviour:intervention_pupil_debrief", args=[record.code]))
    assert response.status_code == 302


def test_voided_records_are_hidden_from_staff_who_cannot_void(client, school, pupil, dsl, teacher):
    record = make_intervention(school, pupil, teacher)
    services.intervention_void(actor=dsl, intervention=record, reason="Entered twice")
    verified_client(client, teacher)
    assert client.get(reverse("behaviour:intervention_detail", args=[record.code])).status_code == 403
    assert list(client.get(reverse("behaviour:intervention_list")).context["page"]) == []
    client.logout()
    verified_client(client, dsl)
    response = client.get(reverse("behaviour:intervention_detail", args=[record.code]))
    assert "Entered twice" in response.content.decode()


def test_the_detail_page_has_a_fixed_number_of_queries(
    client, school, pupil, dsl, teacher, pastoral_staff, django_assert_max_num_queries
):
    record = make_intervention(school, pupil, teacher, staff=[teacher, pastoral_staff, dsl])
    record.witnesses.set([dsl, pastoral_staff])
    verified_client(client, dsl)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("behaviour:intervention_detail", args=[record.code]))
    assert response.status_code == 200


def test_a_debrief_deadline_skips_a_bank_holiday(client, school, pupil, dsl, teacher):
    from pastoral.models import AcademicYear, SchoolClosure, Term

    # Without term dates the school's calendar falls back to Monday to Friday.
    friday = datetime.date(2027, 4, 30)
    assert selectors.debrief_due(friday, selectors.debrief_calendar(school)) == datetime.date(2027, 5, 4)
    year = AcademicYear.objects.create(
        school=school, name="2026/27", start=datetime.date(2026, 9, 1), end=datetime.date(2027, 8, 31)
    )
    Term.objects.create(
        academic_year=year, name="Summer", start=datetime.date(2027, 4, 12), end=datetime.date(2027, 7, 21)
    )
    SchoolClosure.objects.create(
        school=school,
        kind=SchoolClosure.Kind.BANK_HOLIDAY,
        name="Early May bank holiday",
        start=datetime.date(2027, 5, 3),
        end=datetime.date(2027, 5, 3),
    )
    calendar = selectors.debrief_calendar(school)
    # Friday 30 April: Monday 3 May is the bank holiday, so Tuesday 4 and Wednesday 5.
    assert selectors.debrief_due(friday, calendar) == datetime.date(2027, 5, 5)
    # On Wednesday 5 May, Thursday's debriefs are overdue and Friday's are due today.
    assert selectors.latest_day_with_overdue_debrief(datetime.date(2027, 5, 5), calendar) == datetime.date(2027, 4, 29)
    record = make_intervention(school, pupil, teacher, occurred_on=friday)
    verified_client(client, dsl)
    page = client.get(reverse("behaviour:intervention_detail", args=[record.code])).content.decode()
    assert "Due by 5 May 2027" in page
