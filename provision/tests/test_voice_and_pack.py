"""Pupil voice (recorded, tagged, on the chronology, visible to the right people) and the annual-review pack PDF
built by the worker, read back as text."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pastoral.files.exports import ExportRefused
from pastoral.models import GeneratedFile
from pastoral.tests.export_helpers import export_csv, export_pdf_text
from provision import review_pack
from provision.outcomes.pack import build_review_pack
from provision.voice.models import PupilVoice

from .factories import make_active
from .outcome_factories import all_items, my_star, teacher_sdq, voice


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def test_pupil_voice_is_recorded_tagged_and_on_the_chronology(client, as_user, pastoral_staff, pupil):
    as_user(pastoral_staff)
    response = client.post(
        reverse("provision:voice_new"),
        {
            "pupil": str(pupil.code),
            "said": "I want to stay with my friends in Year 8.",
            "how": "conversation",
            "with_whom": "Keyworker and Mum",
            "gathered_on": timezone.localdate().isoformat(),
            "for_ehcp_review": "on",
            "for_placement_review": "on",
        },
    )
    assert response.status_code == 302
    saved = PupilVoice.objects.get()
    assert saved.tags == ["EHCP annual review", "Placement review"]
    from pastoral.chronology import chronology_for

    item = next(i for i in chronology_for(pastoral_staff, pupil) if i.area == "voice")
    assert item.title == "Pupil voice for the EHCP annual review, Placement review"
    listed = client.get(reverse("provision:voice_list") + "?tagged=ehcp").content.decode()
    assert "stay with my friends" in listed
    assert "stay with my friends" not in client.get(reverse("provision:voice_list") + "?tagged=plan").content.decode()


def test_a_future_date_is_refused_beside_the_field(client, as_user, pastoral_staff, pupil):
    as_user(pastoral_staff)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        reverse("provision:voice_new"),
        {"pupil": str(pupil.code), "said": "x", "how": "conversation", "with_whom": "Me", "gathered_on": tomorrow},
    )
    assert response.context["form"].errors["gathered_on"] == ["The date cannot be in the future."]


def test_teachers_do_not_see_pupil_voice(client, as_user, pastoral_staff, teacher, pupil):
    record = voice(pastoral_staff, pupil)
    as_user(teacher)
    assert client.get(reverse("provision:voice_detail", args=[record.code])).status_code == 403
    assert client.get(reverse("provision:voice_list")).status_code == 403


def test_the_voice_csv_follows_the_filters(client, as_user, pastoral_staff, pupil, capture):
    voice(pastoral_staff, pupil, "For the EHCP")
    voice(pastoral_staff, pupil, "Not tagged", ehcp=False)
    as_user(pastoral_staff)
    rows = export_csv(client, capture, pastoral_staff, "provision.voice_csv", query="tagged=ehcp")
    assert [row[4] for row in rows[1:]] == ["For the EHCP"]


def test_the_sdq_csv_has_scores_and_bands(client, as_user, pastoral_staff, pupil, capture):
    teacher_sdq(pastoral_staff, pupil, all_items(1))
    as_user(pastoral_staff)
    rows = export_csv(client, capture, pastoral_staff, "provision.sdq_csv")
    header = rows[0]
    assert rows[1][header.index("Total difficulties")] == "20"
    assert rows[1][header.index("Total difficulties band")] == "Very high"


def test_the_annual_review_pack_holds_every_section(client, as_user, senco, pastoral_staff, pupil, capture):
    voice(pastoral_staff, pupil, "I feel safe in the nurture room", days_ago=10)
    make_active(senco, pupil, title="Support when work is hard")
    my_star(pastoral_staff, pupil, 2, days_ago=60)
    my_star(pastoral_staff, pupil, 3, days_ago=5)
    teacher_sdq(pastoral_staff, pupil, all_items(1), days_ago=20)
    from pastoral.tests.factories import ProfessionalFactory

    ProfessionalFactory(pupil=pupil, name="Dr Okafor", organisation="CAMHS")
    from provision.tests.test_interventions import start as start_group
    from provision.tests.test_keywork import assign, log

    assign(senco, pupil, pastoral_staff)
    log(pastoral_staff, pupil, days_ago=3, mood=4, discussion="Talked about the move to Year 10")
    start_group(senco, pupil.school, [pupil], name="Zones of Regulation")
    as_user(senco)
    page = client.get(reverse("provision:review_pack", args=[pupil.code]))
    assert page.status_code == 200
    today = timezone.localdate()
    start = (today - datetime.timedelta(days=365)).isoformat()

    with capture(execute=True):
        response = client.post(
            reverse("provision:review_pack", args=[pupil.code]), {"start": start, "end": today.isoformat()}
        )
    assert response.status_code == 302
    generated = GeneratedFile.objects.get(owner=senco, kind="provision.review_pack_pdf")
    assert generated.status == GeneratedFile.Status.DONE, generated.error
    text = export_pdf_text(
        client, capture, senco, "provision.review_pack_pdf", pupil=pupil.code, start=start, end=today.isoformat()
    )
    assert "Annual-review pack" in text
    assert "I feel safe in the nurture room" in text
    assert "Support when work is hard" in text
    assert "My Star (first edition): moved forward in 8 of 8 areas" in text
    assert "SDQ total difficulties over time" in text
    assert "Behaviour events in the period" in text
    assert "Dr Okafor" in text
    assert "Keywork sessions in the period" in text and "Check-in" in text
    assert "Talked about the move" not in text  # session notes stay in the app
    assert "Interventions in the period" in text and "Zones of Regulation" in text
    assert "OFFICIAL-SENSITIVE" in text


def test_pastoral_staff_cannot_request_the_pack_and_the_worker_rechecks(client, as_user, pastoral_staff, senco, pupil):
    as_user(pastoral_staff)
    assert client.get(reverse("provision:review_pack", args=[pupil.code])).status_code == 403
    generated = GeneratedFile(
        owner=pastoral_staff,
        school=pupil.school,
        kind="provision.review_pack_pdf",
        parameters={"pupil": str(pupil.code), "start": "2026-01-01", "end": "2026-02-01"},
    )
    with pytest.raises(ExportRefused):
        build_review_pack(generated, pastoral_staff)


def test_the_pack_sections_are_a_registry_in_order():
    keys = [spec.key for spec in review_pack.sections()]
    assert keys[:5] == ["pupil_voice", "support_plans", "keywork", "interventions", "outcome_measures"]
    assert {"behaviour", "attendance", "professionals"} <= set(keys)
