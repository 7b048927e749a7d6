"""Support plans: lifecycle, versions, reviews with evidence, shares and read-receipts, the card and hooks."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from behaviour.tests.factories import BehaviourCategoryFactory, BehaviourEventFactory
from pastoral import chronology, pupil_cards
from pastoral.accounts.roles import Role
from pastoral.exceptions import PastoralError
from pastoral.models import AuditEntry
from provision.plans import evidence, selectors, services
from provision.plans.kinds import Kind
from provision.plans.models import PlanAcknowledgement, PlanReviewInterval, PlanVersion, SupportPlan

from .factories import BSP_CONTENT, make_active, make_plan


def test_it_starts_a_draft_with_the_schools_review_interval(pastoral_lead, pupil, school):
    PlanReviewInterval.objects.create(school=school, kind=Kind.BSP, weeks=8)

    plan = make_plan(pastoral_lead, pupil)

    plan.refresh_from_db()
    assert plan.status == SupportPlan.Status.DRAFT
    assert plan.review_date == timezone.localdate() + datetime.timedelta(weeks=8)
    assert list(plan.versions.values_list("number", flat=True)) == [1]
    assert AuditEntry.objects.filter(action="provision.plan.created", object_id=str(plan.pk)).exists()


def test_it_defaults_a_bsp_review_to_twelve_weeks(pastoral_lead, pupil):
    plan = make_plan(pastoral_lead, pupil)

    assert plan.review_date == timezone.localdate() + datetime.timedelta(weeks=12)


def test_a_teacher_may_not_write_a_plan(teacher, pupil):
    with pytest.raises(PastoralError):
        make_plan(teacher, pupil)


def test_the_database_keeps_one_plan_in_force_per_kind_per_pupil(pastoral_lead, pupil):
    make_active(pastoral_lead, pupil)
    second = make_plan(pastoral_lead, pupil)

    with pytest.raises(PastoralError):
        services.plan_activate(
            actor=pastoral_lead,
            plan=second,
            agreed_on=timezone.localdate(),
            agreed_with="x",
            parents_part="",
            pupil_part="",
            review_date=timezone.localdate() + datetime.timedelta(days=5),
        )
    # Even a write that bypasses the service is refused by the database.
    with pytest.raises(IntegrityError), transaction.atomic():
        SupportPlan.objects.filter(pk=second.pk).update(status="reviewed")


def test_a_plan_of_another_kind_may_be_in_force_beside_it(pastoral_lead, pupil):
    make_active(pastoral_lead, pupil)
    passport = make_active(
        pastoral_lead,
        pupil,
        Kind.PASSPORT,
        content={"like_about_me": "Funny", "important_to_me": "My dog", "how_to_support": "Tell me what is next"},
    )

    assert passport.status == SupportPlan.Status.ACTIVE


def test_every_save_keeps_a_version_and_the_diff_shows_what_changed(client, as_user, pastoral_lead, pupil):
    plan = make_active(pastoral_lead, pupil)
    as_user(pastoral_lead)
    data = {**BSP_CONTENT, "title": plan.title, "review_date": plan.review_date.isoformat(), "note": "Triggers"}
    data["triggers"] = "Reading aloud and loud corridors"
    data["techniques"] = ["none"]
    data = {key: value for key, value in data.items() if value is not False}

    response = client.post(reverse("provision:plan_edit", args=[plan.code]), data)

    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.version == 2
    assert plan.content["triggers"] == "Reading aloud and loud corridors"
    assert PlanVersion.objects.get(plan=plan, number=1).content["triggers"] == "Reading aloud"
    page = client.get(reverse("provision:plan_versions", args=[plan.code]) + "?a=1&b=2").content.decode()
    assert "Known triggers" in page
    assert "<ins>and loud corridors</ins>" in page
    assert "Early warning signs" not in page


def test_the_content_form_checks_the_kinds_own_fields(client, as_user, pastoral_lead, pupil):
    plan = make_plan(pastoral_lead, pupil, Kind.REGULATION, content={})
    as_user(pastoral_lead)

    response = client.post(
        reverse("provision:plan_edit", args=[plan.code]),
        {"title": "Zones", "review_date": plan.review_date.isoformat(), "green_looks": "Calm"},
    )

    assert response.status_code == 200
    assert "Amber (anxious): what it looks like" in response.content.decode()
    plan.refresh_from_db()
    assert plan.version == 1


def test_a_risk_assessment_computes_the_residual_risk(client, as_user, pastoral_lead, pupil):
    plan = make_plan(pastoral_lead, pupil, Kind.RISK, content={})
    as_user(pastoral_lead)
    data = {
        "title": "Trip",
        "review_date": plan.review_date.isoformat(),
        "variant": "trip",
        "activity": "Museum",
        "hazards-TOTAL_FORMS": "2",
        "hazards-INITIAL_FORMS": "0",
        "hazards-0-hazard": "Running near roads",
        "hazards-0-who": "The pupil",
        "hazards-0-likelihood_before": "4",
        "hazards-0-severity_before": "5",
        "hazards-0-controls": "1:1 adult",
        "hazards-0-likelihood_after": "2",
        "hazards-0-severity_after": "5",
        "hazards-0-owner": "Pastoral lead",
    }

    response = client.post(reverse("provision:plan_edit", args=[plan.code]), data)

    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.content["hazards"][0]["likelihood_after"] == 2
    page = client.get(reverse("provision:plan_detail", args=[plan.code])).content.decode()
    assert "Overall residual risk" in page
    assert "10 (Medium)" in page
    # Saved again with the hazard unchanged (now an initial row) and a new title, the hazard stays.
    assert 'value="Running near roads"' in client.get(reverse("provision:plan_edit", args=[plan.code])).content.decode()
    again = {**data, "title": "Museum trip", "hazards-TOTAL_FORMS": "3", "hazards-INITIAL_FORMS": "1"}
    assert client.post(reverse("provision:plan_edit", args=[plan.code]), again).status_code == 302
    plan.refresh_from_db()
    assert (plan.title, plan.version, len(plan.content["hazards"])) == ("Museum trip", 3, 1)


def test_a_review_shows_the_evidence_before_and_since(client, as_user, pastoral_lead, teacher, school, pupil):
    plan = make_active(pastoral_lead, pupil)
    SupportPlan.objects.filter(pk=plan.pk).update(activated_at=timezone.now() - datetime.timedelta(days=28))
    plan.refresh_from_db()
    category = BehaviourCategoryFactory(school=school)
    for days in (40, 35, 30):
        BehaviourEventFactory(
            pupil=pupil,
            category=category,
            recorded_by=teacher,
            occurred_at=timezone.now() - datetime.timedelta(days=days),
        )
    BehaviourEventFactory(
        pupil=pupil, category=category, recorded_by=teacher, occurred_at=timezone.now() - datetime.timedelta(days=3)
    )

    found = evidence.evidence_for(pastoral_lead, plan)

    negative = next(line for line in found["lines"] if line.label == "Negative events")
    assert (negative.before, negative.since) == (3, 1)
    assert "<svg" in found["chart"].svg
    as_user(pastoral_lead)
    page = client.get(reverse("provision:plan_review", args=[plan.code])).content.decode()
    assert "Before and since the plan" in page
    assert "Behaviour events each week" in page


def test_a_review_keeps_the_plan_with_a_new_date_and_records_it(client, as_user, pastoral_lead, pupil):
    plan = make_active(pastoral_lead, pupil)
    as_user(pastoral_lead)
    next_date = timezone.localdate() + datetime.timedelta(days=70)

    response = client.post(
        reverse("provision:plan_review", args=[plan.code]),
        {"outcome": "kept", "notes": "Fewer incidents", "next_review_date": next_date.isoformat()},
    )

    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == SupportPlan.Status.REVIEWED
    assert plan.review_date == next_date
    review = plan.reviews.get()
    assert review.evidence["counts"][0][0] == "Negative events"
    assert AuditEntry.objects.filter(action="provision.plan.reviewed").exists()


def test_an_ended_plan_stays_readable(client, as_user, pastoral_lead, pupil):
    plan = make_active(pastoral_lead, pupil)
    as_user(pastoral_lead)

    client.post(reverse("provision:plan_end", args=[plan.code]), {"reason": "Settled well"})

    plan.refresh_from_db()
    assert plan.status == SupportPlan.Status.ENDED
    page = client.get(reverse("provision:plan_detail", args=[plan.code]))
    assert page.status_code == 200
    assert "Settled well" in page.content.decode()
    assert client.get(reverse("provision:plan_edit", args=[plan.code])).status_code == 403


def test_read_receipts_ask_again_for_a_new_version(client, as_user, pastoral_lead, teacher, pupil):
    plan = make_active(pastoral_lead, pupil)
    services.plan_share(actor=pastoral_lead, plan=plan, roles=[Role.TEACHER])
    assert list(selectors.outstanding_readers(plan)) == [teacher]
    as_user(teacher)

    response = client.post(reverse("provision:plan_acknowledge", args=[plan.code]))
    client.post(reverse("provision:plan_acknowledge", args=[plan.code]))

    assert response.status_code == 302
    assert PlanAcknowledgement.objects.filter(plan=plan, user=teacher, version=1).count() == 1
    assert list(selectors.outstanding_readers(plan)) == []
    services.plan_save(
        actor=pastoral_lead,
        plan=plan,
        title=plan.title,
        content={**plan.content, "avoid": "Standing over them"},
        review_date=plan.review_date,
    )
    plan.refresh_from_db()
    assert list(selectors.outstanding_readers(plan)) == [teacher]
    assert list(selectors.plans_to_acknowledge(teacher, plan.school)) == [plan]


def test_a_teacher_reads_only_plans_shared_with_them(client, as_user, pastoral_lead, teacher, pupil, school):
    shared = make_active(pastoral_lead, pupil)
    hidden = make_active(
        pastoral_lead,
        pupil,
        Kind.PASSPORT,
        content={"like_about_me": "Funny", "important_to_me": "Dog", "how_to_support": "Warn me of changes"},
    )
    services.plan_share(actor=pastoral_lead, plan=shared, users=[teacher])
    as_user(teacher)

    assert client.get(reverse("provision:plan_detail", args=[shared.code])).status_code == 200
    assert client.get(reverse("provision:plan_detail", args=[hidden.code])).status_code == 403
    page = client.get(reverse("provision:plan_list")).content.decode()
    assert shared.title in page
    assert "All about" not in page


def test_staff_of_another_school_get_404(client, as_user, pastoral_lead, other_school_dsl, pupil):
    plan = make_active(pastoral_lead, pupil)
    as_user(other_school_dsl)

    assert client.get(reverse("provision:plan_detail", args=[plan.code])).status_code == 404
    assert client.get(reverse("pastoral:pupil_cards", args=[pupil.code])).status_code == 404


def test_the_card_shows_the_key_strategies_to_every_teacher(client, as_user, pastoral_lead, teacher, pupil):
    make_active(pastoral_lead, pupil)

    cards = pupil_cards.cards_for(teacher, pupil)

    assert [card.title for card in cards] == ["How to support me"]
    as_user(teacher)
    body = client.get(reverse("pastoral:pupil_cards", args=[pupil.code])).content.decode()
    assert "Offer a choice of two tasks" in body
    assert "Raising your voice" in body
    assert "read the plan" not in body  # not shared with this teacher
    assert (
        "Offer a choice of two tasks"
        in client.get(reverse("behaviour:quick_log") + f"?pupil={pupil.code}").content.decode()
    )


def test_no_card_for_a_draft(pastoral_lead, teacher, pupil):
    make_plan(pastoral_lead, pupil)

    assert pupil_cards.cards_for(teacher, pupil) == []


def test_the_chronology_lists_versions_agreement_and_acknowledgements(pastoral_lead, teacher, pupil):
    plan = make_active(pastoral_lead, pupil)
    services.plan_share(actor=pastoral_lead, plan=plan, users=[teacher])
    services.plan_acknowledge(actor=teacher, plan=plan)

    titles = [item.title for item in chronology.chronology_for(pastoral_lead, pupil, areas=["provision_plans"])]

    assert any("version 1" in title for title in titles)
    assert any("agreed" in title for title in titles)
    assert any("read and understood" in title for title in titles)


def test_an_intervention_signed_off_with_plan_needs_review_brings_the_bsp_review_to_today(
    pastoral_lead, dsl, teacher, school, pupil
):
    from behaviour.interventions.services import intervention_review
    from behaviour.tests.interventions_helpers import make_intervention

    plan = make_active(pastoral_lead, pupil)
    record = make_intervention(school, pupil, teacher)

    intervention_review(
        actor=dsl,
        intervention=record,
        proportionate=True,
        in_line_with_training=True,
        learning_points="",
        support_plan_review=True,
    )

    plan.refresh_from_db()
    assert plan.status == SupportPlan.Status.REVIEW_DUE
    assert plan.review_date == timezone.localdate()
    assert AuditEntry.objects.filter(action="provision.plan.review_brought_forward").exists()


def test_the_list_pins_its_queries(client, as_user, pastoral_lead, school, django_assert_max_num_queries):
    from pastoral.tests.factories import PupilFactory

    for index in range(6):
        plan = make_active(pastoral_lead, PupilFactory(school=school), title=f"Plan {index}")
        services.plan_share(actor=pastoral_lead, plan=plan, roles=[Role.TEACHER])
    as_user(pastoral_lead)
    client.get(reverse("provision:plan_list"))

    with django_assert_max_num_queries(12):
        response = client.get(reverse("provision:plan_list") + "?kind=bsp&review=soon")

    assert response.status_code == 200


def test_the_list_filters_overdue_reviews(client, as_user, pastoral_lead, school, pupil):
    plan = make_active(pastoral_lead, pupil, title="Overdue plan")
    SupportPlan.objects.filter(pk=plan.pk).update(review_date=timezone.localdate() - datetime.timedelta(days=3))
    as_user(pastoral_lead)

    page = client.get(reverse("provision:plan_list") + "?review=overdue").content.decode()

    assert "Overdue plan" in page
    assert "Overdue" in page


def test_the_dashboard_shows_overdue_reviews_and_plans_to_read(client, as_user, pastoral_lead, teacher, pupil):
    plan = make_active(pastoral_lead, pupil)
    services.plan_share(actor=pastoral_lead, plan=plan, users=[teacher])
    SupportPlan.objects.filter(pk=plan.pk).update(review_date=timezone.localdate() - datetime.timedelta(days=3))
    as_user(pastoral_lead)

    lead_page = client.get(reverse("pastoral:home")).content.decode()

    assert "Reviews overdue" in lead_page
    as_user(teacher)
    assert "Support plans to read" in client.get(reverse("pastoral:home")).content.decode()


def test_get_on_post_only_actions_is_refused(client, as_user, pastoral_lead, pupil):
    plan = make_active(pastoral_lead, pupil)
    as_user(pastoral_lead)

    for name in ("provision:plan_end", "provision:plan_share", "provision:plan_acknowledge"):
        assert client.get(reverse(name, args=[plan.code])).status_code == 405


def test_the_profile_costs_the_same_however_many_versions_and_receipts(client, as_user, pastoral_lead, teacher, pupil):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan = make_active(pastoral_lead, pupil)
    services.plan_share(actor=pastoral_lead, plan=plan, users=[teacher])
    as_user(pastoral_lead)
    url = reverse("pastoral:pupil_detail", args=[pupil.code])
    client.get(url)
    counts = []
    for round_ in range(2):
        for n in range(3):
            plan.refresh_from_db()
            services.plan_save(
                actor=pastoral_lead,
                plan=plan,
                title=plan.title,
                content={**plan.content, "avoid": f"Change {round_}-{n}"},
                review_date=plan.review_date,
            )
            plan.refresh_from_db()
            services.plan_acknowledge(actor=teacher, plan=plan)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
    assert "read and understood (version 7)" in response.content.decode()


def test_leads_see_how_many_have_not_read_each_plan(client, as_user, pastoral_lead, teacher, school, pupil):
    from conftest import make_staff

    second = make_staff(school, Role.TEACHER, "teacher2")
    plan = make_active(pastoral_lead, pupil, title="Shared plan")
    services.plan_share(actor=pastoral_lead, plan=plan, roles=[Role.TEACHER])
    services.plan_acknowledge(actor=second, plan=plan)

    assert selectors.outstanding_counts([plan]) == {plan.pk: 1}
    as_user(pastoral_lead)
    page = client.get(reverse("provision:plan_list")).content.decode()
    assert "Not yet read" in page
    assert '<span class="badge text-bg-warning">1</span>' in page


@pytest.mark.parametrize("kind", [kind for kind in Kind if kind != Kind.REINTEGRATION])
def test_every_kind_renders_its_form_page_and_pdf_sections(client, as_user, pastoral_lead, pupil, kind):
    from provision.plans.demo import CONTENT
    from provision.plans.kinds import SPECS

    plan = make_plan(pastoral_lead, pupil, kind, content=CONTENT[kind])
    as_user(pastoral_lead)

    form = client.get(reverse("provision:plan_edit", args=[plan.code])).content.decode()
    detail = client.get(reverse("provision:plan_detail", args=[plan.code])).content.decode()

    for spec in SPECS[kind]:
        assert spec.label.replace("'", "&#x27;") in form
        assert spec.label.replace("'", "&#x27;") in detail
