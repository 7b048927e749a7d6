"""Disposal under the retention rules across the duty areas: a disposed behaviour event and safeguarding concern
are gone from their lists, the pupil's chronology and its search, the exports and the file store."""

import datetime
import os
import uuid

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from behaviour.models import BehaviourEvent
from behaviour.tests.factories import BehaviourCategoryFactory, BehaviourEventFactory
from pastoral import audit
from pastoral.files import exports
from pastoral.models import AuditEntry
from pastoral.retention import services
from pastoral.retention.models import DisposalCandidate, DisposalLogEntry
from pastoral.tests.factories import PupilFactory
from safeguarding.models import Attachment, CaseNote, Concern
from safeguarding.services import categories_ensure

EVENT_TEXT = "Threw a chair across the science lab"
CONCERN_TEXT = "Bruising seen on the upper arm during PE"


@pytest.fixture(autouse=True)
def file_roots(settings, tmp_path):
    settings.GENERATED_FILES_ROOT = tmp_path / "generated"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def grown_up(school):
    # Born in 1990: every record about them is past DOB + 25 years.
    return PupilFactory(school=school, date_of_birth=datetime.date(1990, 5, 1), legal_first_name="Marnie")


@pytest.fixture
def old_records(school, grown_up, dsl, teacher):
    long_ago = timezone.make_aware(datetime.datetime(2004, 3, 2, 11, 0))
    event = BehaviourEventFactory(
        pupil=grown_up,
        category=BehaviourCategoryFactory(school=school, name="Dangerous behaviour", kind="negative"),
        recorded_by=teacher,
        occurred_at=long_ago,
        description=EVENT_TEXT,
    )
    category = next(iter(categories_ensure(school)))
    concern = Concern.objects.create(
        school=school,
        reporter=teacher,
        category=category,
        occurred_at=long_ago,
        account=CONCERN_TEXT,
        child_words="It was my brother",
        submission_key=uuid.uuid4(),
    )
    concern.pupils.set([grown_up])
    CaseNote.objects.create(concern=concern, text="Called social care", author=dsl)
    attachment = Attachment(concern=concern, name="arm.png", content_type="image/png", size=4, uploaded_by=dsl)
    attachment.file.save("arm.png", ContentFile(b"\x89PNG"), save=True)
    audit.record("safeguarding.concern.viewed", actor=dsl, obj=concern, pupil=grown_up, data={"note": CONCERN_TEXT})
    return event, concern, attachment


def _export_rows(user, school):
    generated = exports.request_export(actor=user, kind_name="behaviour.events_csv", school=school, parameters={})
    assert exports.generate(generated.pk) == "done"
    generated.refresh_from_db()
    return exports.read_stored(generated).decode(), generated


def _dispose_all(headteacher, school):
    services.list_due()
    for record_type in ("behaviour.event", "safeguarding.concern"):
        codes = list(DisposalCandidate.objects.filter(record_type=record_type).values_list("code", flat=True))
        assert codes, record_type
        services.dispose(actor=headteacher, school=school, record_type=record_type, codes=codes)


def test_a_disposed_event_and_concern_are_gone_from_every_list_chronology_search_and_export(
    client, as_user, school, grown_up, dsl, headteacher, old_records, django_capture_on_commit_callbacks
):
    event, concern, attachment = old_records
    stored = attachment.file.path
    as_user(dsl)
    before_export, old_file = _export_rows(dsl, school)
    assert EVENT_TEXT in before_export
    profile = reverse("pastoral:pupil_detail", args=[grown_up.code])
    assert EVENT_TEXT in client.get(profile, {"q": "chair"}).content.decode()
    concern_url = reverse("safeguarding:concern_detail", args=[concern.code])
    assert concern_url in client.get(reverse("safeguarding:concern_list")).content.decode()
    event_url = reverse("behaviour:event_detail", args=[event.code])
    assert event_url in client.get(reverse("behaviour:event_list")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        _dispose_all(headteacher, school)

    assert not BehaviourEvent.objects.filter(pk=event.pk).exists()
    assert not Concern.objects.filter(pk=concern.pk).exists()
    assert not Attachment.objects.filter(pk=attachment.pk).exists() and not CaseNote.objects.exists()
    assert not os.path.exists(stored)
    # The export made before the disposal is withdrawn, and a new one no longer has the event.
    old_file.refresh_from_db()
    assert old_file.deleted_at is not None
    as_user(dsl)
    assert EVENT_TEXT not in _export_rows(dsl, school)[0]
    assert event_url not in client.get(reverse("behaviour:event_list")).content.decode()
    assert client.get(event_url).status_code == 404
    assert concern_url not in client.get(reverse("safeguarding:concern_list")).content.decode()
    assert client.get(concern_url).status_code == 404
    chronology = client.get(profile).content.decode()
    assert EVENT_TEXT not in chronology and CONCERN_TEXT not in chronology
    assert EVENT_TEXT not in client.get(profile, {"q": "chair"}).content.decode()
    assert (
        CONCERN_TEXT not in client.get(reverse("safeguarding:pupil_chronology", args=[grown_up.code])).content.decode()
    )

    # The log names the record type and the pupil's UPN, never the pupil or anything they said.
    log = list(DisposalLogEntry.objects.values())
    assert {entry["record_type"] for entry in log} == {"behaviour.event", "safeguarding.concern"}
    flat = str(log)
    assert grown_up.upn in flat
    for private in ("Marnie", grown_up.legal_last_name, EVENT_TEXT, CONCERN_TEXT, "brother"):
        assert private not in flat
    viewed = AuditEntry.objects.get(action="safeguarding.concern.viewed")
    assert viewed.data == {"disposed": True} and viewed.actor == dsl and CONCERN_TEXT not in viewed.object_repr


def test_a_concern_held_through_any_of_its_pupils_is_kept(school, grown_up, headteacher, old_records):
    _event, concern, _attachment = old_records
    sibling = PupilFactory(school=school, date_of_birth=datetime.date(1991, 1, 1))
    concern.pupils.add(sibling)
    services.set_hold(actor=headteacher, school=school, pupil=sibling, reason="Inquiry into the family's case")
    services.list_due()
    assert not DisposalCandidate.objects.filter(record_type="safeguarding.concern").exists()
    assert DisposalCandidate.objects.filter(record_type="behaviour.event").exists()


def test_an_event_a_kept_record_refers_to_is_blocked_not_disposed(school, grown_up, headteacher, teacher, old_records):
    from behaviour.tests.interventions_helpers import make_intervention

    event = old_records[0]
    # A restrictive intervention on the event is a record of its own, still kept, so the event stays with it.
    make_intervention(school, grown_up, teacher, occurred_on=timezone.localdate(), event=event)
    services.list_due()
    candidate = DisposalCandidate.objects.get(record_type="behaviour.event")
    result = services.dispose(actor=headteacher, school=school, record_type="behaviour.event", codes=[candidate.code])
    assert result == {"disposed": 0, "blocked": 1, "batch": result["batch"]}
    candidate.refresh_from_db()
    assert candidate.status == "blocked" and "restrictive interventions" in candidate.blocked_reason
    assert BehaviourEvent.objects.filter(pk=event.pk).exists() and not DisposalLogEntry.objects.exists()


def test_a_disposed_record_entered_from_paper_takes_its_paper_entry_and_scan(
    school, grown_up, headteacher, dsl, teacher, old_records, django_capture_on_commit_callbacks
):
    from django.contrib.contenttypes.models import ContentType

    from pastoral.paper.models import PaperEntry, PaperFormSheet

    _event, concern, _attachment = old_records
    sheet = PaperFormSheet.objects.create(
        school=school, kind="safeguarding.concern", reference="P-7K3M-Q2", batch=uuid.uuid4(), printed_by=dsl
    )
    entry = PaperEntry(
        school=school,
        sheet=sheet,
        content_type=ContentType.objects.get_for_model(Concern),
        object_id=concern.pk,
        written_at=concern.occurred_at,
        written_by=teacher,
        entered_by=dsl,
        scan_name="page.png",
        scan_type="image/png",
        scan_size=4,
    )
    entry.scan.save("page.png", ContentFile(b"\x89PNG"), save=True)
    scan_path = entry.scan.path
    assert os.path.exists(scan_path)

    with django_capture_on_commit_callbacks(execute=True):
        _dispose_all(headteacher, school)

    assert not PaperEntry.objects.filter(pk=entry.pk).exists()
    assert not os.path.exists(scan_path)
    sheet.refresh_from_db()  # the printed sheet stays, so the pad still adds up
