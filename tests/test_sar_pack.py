"""The subject access pack: built by the worker from every area, redacted, reviewed by the DSL, released as a
PDF with JSON and CSV twins that never hold what was redacted."""

import csv
import datetime
import io
import json
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from behaviour.tests.factories import BehaviourEventFactory
from conftest import make_staff
from medical.tests.factories import ConditionFactory
from pastoral.accounts.roles import Role
from pastoral.attendance.models import AttendanceMark
from pastoral.exceptions import PastoralError
from pastoral.files import exports
from pastoral.meetings.models import Meeting
from pastoral.models import AuditEntry, GeneratedFile, PupilNote, School
from pastoral.sar import building, services
from pastoral.sar.models import SarPack, SarPackItem, SarRedaction
from pastoral.sar.redaction import apply
from pastoral.tasks import build_sar_pack, fail_stuck_files
from pastoral.tests.factories import PupilFactory
from pastoral.tests.pdftext import pdf_text
from provision.tests.factories import make_active
from safeguarding.models import Concern
from safeguarding.services import categories_ensure

SECRET = "Auntie Maureen Blackwood"
EVENT_TEXT = f"Shouted at {SECRET} in the lunch queue"
DISCLOSURE = "He said his uncle hits him with a belt"


@pytest.fixture(autouse=True)
def generated_root(settings, tmp_path):
    settings.GENERATED_FILES_ROOT = tmp_path / "generated"


@pytest.fixture
def records(school, pupil, teacher, dsl, pastoral_lead):
    """A pupil with records in every area, and another pupil whose records must stay out."""
    now = timezone.now()
    BehaviourEventFactory(pupil=pupil, recorded_by=teacher, description=EVENT_TEXT, occurred_at=now)
    category = categories_ensure(school)[0]
    concern = Concern.objects.create(
        school=school,
        reporter=teacher,
        category=category,
        occurred_at=now - datetime.timedelta(days=2),
        account="Saw a red mark on his arm",
        child_words=DISCLOSURE,
        submission_key=uuid.uuid4(),
    )
    concern.pupils.set([pupil])
    ConditionFactory(pupil=pupil, alert="Asthma: blue inhaler in his bag", recorded_by=dsl)
    make_active(pastoral_lead, pupil, title="Support when work is hard")
    PupilNote.objects.create(pupil=pupil, kind="phone_call", summary="Called mum about lunchtimes", author=dsl)
    Meeting.objects.create(
        school=school,
        pupil=pupil,
        kind="tac",
        held_on=timezone.localdate() - datetime.timedelta(days=5),
        minutes="Agreed a check-in each morning",
        recorded_by=dsl,
    )
    AttendanceMark.objects.create(
        school=school,
        pupil=pupil,
        date=timezone.localdate() - datetime.timedelta(days=7),
        session="AM",
        code="O",
        counts="unauthorised",
        note="No reason given",
        imported_at=now,
    )
    other = PupilFactory(school=school)
    BehaviourEventFactory(pupil=other, recorded_by=teacher, description="Someone else's record")
    return {"concern": concern}


def _sar(headteacher, pupil):
    return services.sar_record(
        actor=headteacher,
        school=pupil.school,
        pupil=pupil,
        requester_name="Grace Okafor",
        relationship="parent",
        received_on=timezone.localdate() - datetime.timedelta(days=3),
        identity_checked_on=timezone.localdate() - datetime.timedelta(days=2),
        identity_checked_how="Passport seen",
    )


def _built(client, capture, headteacher, pupil):
    sar = _sar(headteacher, pupil)
    with capture(execute=True):
        response = client.post(reverse("pastoral:sar_pack_build", args=[sar.code]))
    assert response.status_code == 302
    pack = SarPack.objects.get(request=sar)
    assert pack.status == SarPack.Status.REVIEW, pack.error
    return sar, pack


def test_building_gathers_every_area_for_the_pupil_only(
    client, as_user, headteacher, pupil, records, django_capture_on_commit_callbacks
):
    as_user(headteacher)
    sar, pack = _built(client, django_capture_on_commit_callbacks, headteacher, pupil)
    items = list(pack.items.all())
    areas = {item.area for item in items}
    assert {"behaviour", "safeguarding", "medical", "provision", "pastoral", "attendance"} <= areas
    kinds = {item.kind for item in items}
    assert {"contact log", "meetings", "attendance"} <= kinds
    assert any(SECRET in item.text for item in items)
    assert DISCLOSURE in pack.items.get(area="safeguarding").text
    assert not any("Someone else's record" in item.text for item in items)
    positions = [item.position for item in items]
    assert positions == list(range(1, len(items) + 1))
    dated = [item.occurred_at for item in items if item.occurred_at]
    assert dated == sorted(dated)
    entry = AuditEntry.objects.get(action="pastoral.sar.pack_built")
    assert entry.data["items"] == len(items) and SECRET not in json.dumps(entry.data)
    # Built once: the redelivered task finds nothing to do, and a second "build" is refused.
    assert build_sar_pack.delay(pack.pk).get().startswith("not waiting")
    with pytest.raises(PastoralError, match="already been asked"):
        services.pack_request_build(actor=headteacher, request=sar)


def test_the_pack_holds_records_its_builder_could_not_read_and_cp_meetings_need_the_dsl(
    school, headteacher, dsl, django_capture_on_commit_callbacks
):
    from pastoral.meetings.selectors import meetings_visible_to

    pupil = PupilFactory(school=school)
    cp = Meeting.objects.create(
        school=school,
        pupil=pupil,
        kind="cp_conference",
        held_on=timezone.localdate() - datetime.timedelta(days=9),
        minutes="Plan continued under neglect",
        recorded_by=dsl,
    )
    assert not meetings_visible_to(headteacher).filter(pk=cp.pk).exists()
    sar = _sar(headteacher, pupil)
    with django_capture_on_commit_callbacks(execute=True):
        pack = services.pack_request_build(actor=headteacher, request=sar)
    item = SarPack.objects.get(pk=pack.pk).items.get(kind="meetings")
    assert item.area == "safeguarding" and "Plan continued under neglect" in item.text
    assert list(services.awaiting_dsl(pack)) == [item]


def test_a_killed_build_is_taken_over_or_failed_so_it_can_be_built_again(headteacher, pupil, records):
    sar = _sar(headteacher, pupil)
    pack = SarPack.objects.create(request=sar, school=sar.school, requested_by=headteacher)
    # The worker died after claiming it: the redelivered task finds the lock free and builds it.
    SarPack.objects.filter(pk=pack.pk).update(status=SarPack.Status.BUILDING, started_at=timezone.now())
    assert building.build(pack.pk) == "built"
    assert SarPack.objects.get(pk=pack.pk).items.exists()
    # Lost altogether: the periodic sweep fails it and the page offers "Build again".
    other = _sar(headteacher, pupil)
    lost = SarPack.objects.create(request=other, school=other.school, requested_by=headteacher)
    long_ago = timezone.now() - datetime.timedelta(days=1)
    SarPack.objects.filter(pk=lost.pk).update(status=SarPack.Status.BUILDING, started_at=long_ago)
    assert SarPack.objects.get(pk=lost.pk).rebuildable
    assert fail_stuck_files.delay().get() >= 1
    lost.refresh_from_db()
    assert lost.status == SarPack.Status.FAILED and lost.rebuildable
    services.pack_request_build(actor=headteacher, request=other)
    assert SarPack.objects.get(pk=lost.pk).status == SarPack.Status.QUEUED


def test_a_build_that_fails_says_so_and_offers_to_build_again(
    client, as_user, headteacher, pupil, records, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(reader, pupil):
        raise RuntimeError("a bug")

    monkeypatch.setattr(building, "gather", broken)
    as_user(headteacher)
    sar = _sar(headteacher, pupil)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("pastoral:sar_pack_build", args=[sar.code]))
    pack = SarPack.objects.get(request=sar)
    assert pack.status == SarPack.Status.FAILED and "unexpected error" in pack.error
    page = client.get(reverse("pastoral:sar_pack", args=[sar.code])).content.decode()
    assert "Build again" in page and "unexpected error" in page
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("pastoral:sar_pack_build", args=[sar.code]))
    pack.refresh_from_db()
    assert pack.status == SarPack.Status.REVIEW and pack.attempts == 2 and pack.items.exists()


def test_the_build_re_checks_the_requester_still_handles_requests(headteacher, pupil, records):
    sar = _sar(headteacher, pupil)
    pack = SarPack.objects.create(request=sar, school=sar.school, requested_by=headteacher)
    headteacher.memberships.update(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    assert building.build(pack.pk) == "refused"
    pack.refresh_from_db()
    assert pack.status == SarPack.Status.FAILED and not pack.items.exists()


def test_redactions_show_in_every_released_file_and_the_redacted_words_never_do(
    client, as_user, headteacher, dsl, pupil, records, django_capture_on_commit_callbacks
):
    as_user(headteacher)
    capture = django_capture_on_commit_callbacks
    sar, pack = _built(client, capture, headteacher, pupil)
    event = pack.items.get(text__contains=SECRET)
    url = reverse("pastoral:sar_pack_item_redact", args=[sar.code, event.code])
    bad = client.post(url, {"redact-part": "text", "redact-passage": "not in the text", "redact-reason": "third_party"})
    assert bad.status_code == 400 and "not in the record" in bad.content.decode()
    assert "not in the text</textarea>" in bad.content.decode()  # what was typed is kept
    response = client.post(url, {"redact-part": "text", "redact-passage": SECRET, "redact-reason": "third_party"})
    assert response.status_code == 302
    redaction = SarRedaction.objects.get(item=event)
    assert event.text[redaction.start : redaction.end] == SECRET
    entry = AuditEntry.objects.get(action="pastoral.sar.passage_redacted")
    assert SECRET not in json.dumps(entry.data) and entry.data["ranges"] == [[redaction.start, redaction.end]]
    meeting = pack.items.get(kind="meetings")
    client.post(
        reverse("pastoral:sar_pack_item_withhold", args=[sar.code, meeting.code]),
        {"withhold-reason": "serious_harm"},
    )
    assert SarPackItem.objects.get(pk=meeting.pk).withheld
    # The DSL reviews the safeguarding record (withholding the child's words), then the head releases it.
    concern_item = pack.items.get(area="safeguarding")
    as_user(dsl)
    client.post(
        reverse("pastoral:sar_pack_item_redact", args=[sar.code, concern_item.code]),
        {"redact-part": "text", "redact-passage": DISCLOSURE, "redact-reason": "child_abuse"},
    )
    client.post(reverse("pastoral:sar_pack_item_review", args=[sar.code, concern_item.code]))
    assert SarPackItem.objects.get(pk=concern_item.pk).dsl_reviewed_by == dsl
    as_user(headteacher)
    with capture(execute=True):
        response = client.post(reverse("pastoral:sar_pack_release", args=[sar.code]))
    assert response.status_code == 302
    pack.refresh_from_db()
    assert pack.status == SarPack.Status.RELEASED
    files = {f.kind: f for f in GeneratedFile.objects.filter(owner=headteacher)}
    assert set(files) == set(services.RELEASED_KINDS)
    assert all(f.status == GeneratedFile.Status.DONE for f in files.values()), [f.error for f in files.values()]
    page = client.get(reverse("pastoral:sar_pack", args=[sar.code])).content.decode()
    for generated_file in files.values():
        assert reverse("pastoral:export_download", args=[generated_file.code]) in page

    def download(kind):
        response = client.get(reverse("pastoral:export_download", args=[files[kind].code]))
        assert response.status_code == 200
        return b"".join(response.streaming_content)

    text = pdf_text(download("pastoral.sar_pack_pdf"))
    flat = " ".join(text.split())
    assert "[Redacted: third-party data]" in flat and "[Withheld: serious harm]" in flat
    assert "[Redacted: safeguarding / child abuse data]" in flat
    assert "Blackwood" not in flat and "Agreed a check-in" not in flat and "uncle" not in flat
    assert "Saw a red mark on his arm" in flat
    assert "Called mum about lunchtimes" in flat
    document = json.loads(download("pastoral.sar_pack_json"))
    raw = json.dumps(document)
    assert SECRET not in raw and "Agreed a check-in" not in raw and DISCLOSURE not in raw
    shown = {item["title"]: item for item in document["items"]}
    assert shown["[Withheld: serious harm]"]["withheld"] is True
    redacted = "Shouted at [Redacted: third-party data] in the lunch queue"
    assert any(redacted in item["text"] for item in document["items"])
    rows = list(csv.reader(io.StringIO(download("pastoral.sar_pack_csv").decode("utf-8"))))
    assert rows[0][:3] == ["Position", "Area", "Kind"] and len(rows) == len(document["items"]) + 1
    assert SECRET not in json.dumps(rows) and "[Redacted: third-party data]" in json.dumps(rows)
    # Released: nothing can change any more.
    with pytest.raises(PastoralError, match="in review"):
        services.pack_withhold(actor=headteacher, item=event, reason="third_party")


def test_safeguarding_records_block_release_until_the_dsl_has_reviewed_them(
    client, as_user, headteacher, dsl, pupil, records, django_capture_on_commit_callbacks
):
    as_user(headteacher)
    sar, pack = _built(client, django_capture_on_commit_callbacks, headteacher, pupil)
    concern_item = pack.items.get(area="safeguarding")
    page = client.get(reverse("pastoral:sar_pack", args=[sar.code])).content.decode()
    assert "1 awaiting the DSL" in page
    response = client.post(reverse("pastoral:sar_pack_release", args=[sar.code]), follow=True)
    assert "still needs the DSL" in response.content.decode()
    assert SarPack.objects.get(pk=pack.pk).status == SarPack.Status.REVIEW
    # The head is not the DSL: they may redact the record but not confirm the review.
    with pytest.raises(PermissionDenied):
        services.pack_review_item(actor=headteacher, item=concern_item)
    assert client.get(reverse("pastoral:sar_pack_safeguarding", args=[sar.code])).status_code == 403
    as_user(dsl)
    review = client.get(reverse("pastoral:sar_pack_safeguarding", args=[sar.code])).content.decode()
    assert concern_item.title in review and "1 awaiting review" in review
    # The DSL sees the pack's safeguarding records only.
    behaviour = pack.items.filter(area="behaviour").first()
    assert client.get(reverse("pastoral:sar_pack_item", args=[sar.code, behaviour.code])).status_code == 403
    assert client.get(reverse("pastoral:sar_pack", args=[sar.code])).status_code == 403
    home = client.get(reverse("pastoral:home")).content.decode()
    assert "Subject access packs to review" in home
    client.post(reverse("pastoral:sar_pack_item_review", args=[sar.code, concern_item.code]))
    assert "Subject access packs to review" not in client.get(reverse("pastoral:home")).content.decode()
    # A change after the review needs the review again.
    services.pack_withhold(actor=headteacher, item=concern_item, reason="other", detail="police investigation")
    assert services.awaiting_dsl(pack).count() == 1
    with pytest.raises(PastoralError, match="DSL's review"):
        services.pack_release(actor=headteacher, pack=pack)
    services.pack_review_item(actor=dsl, item=concern_item)
    services.pack_release(actor=headteacher, pack=pack)
    assert SarPack.objects.get(pk=pack.pk).status == SarPack.Status.RELEASED
    assert AuditEntry.objects.filter(action="pastoral.sar.item_reviewed", actor=dsl).count() == 2


def test_only_a_released_pack_can_be_made_into_a_file(
    client, as_user, headteacher, pupil, records, django_capture_on_commit_callbacks
):
    as_user(headteacher)
    sar, pack = _built(client, django_capture_on_commit_callbacks, headteacher, pupil)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("pastoral:export_request"), {"kind": "pastoral.sar_pack_json", "query": f"pack={pack.code}"}
        )
    generated_file = GeneratedFile.objects.get(owner=headteacher)
    assert generated_file.status == GeneratedFile.Status.FAILED and "released" in generated_file.error
    assert not exports.is_stored(generated_file)
    with pytest.raises(PastoralError, match="released pack"):
        services.pack_request_files(actor=headteacher, pack=pack)


def test_the_review_pages_are_audited_paged_and_cost_the_same_for_any_pack(
    client, as_user, headteacher, dsl, pupil, records, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    as_user(headteacher)
    sar, pack = _built(client, django_capture_on_commit_callbacks, headteacher, pupil)
    start = pack.items.count() + 1
    SarPackItem.objects.bulk_create(
        [
            SarPackItem(pack=pack, position=start + n, area="behaviour", kind="behaviour", title=f"Extra {n}", text="x")
            for n in range(60)
        ]
    )
    for item in pack.items.filter(title__startswith="Extra ")[:10]:
        SarRedaction.objects.create(item=item, start=0, end=1, reason="third_party", created_by=headteacher)
    url = reverse("pastoral:sar_pack", args=[sar.code])
    with django_assert_max_num_queries(20):
        first = client.get(url)
    body = first.content.decode()
    assert first.status_code == 200 and "Later" in body
    assert AuditEntry.objects.filter(action="pastoral.sar.pack_viewed", actor=headteacher).count() == 1
    with django_assert_max_num_queries(20):
        later = client.get(url, {"after": str(first.context["page"].object_list[-1].code)})
    assert "Extra 59" in later.content.decode() or "Later" in later.content.decode()
    with django_assert_max_num_queries(20):
        client.get(url, {"area": "behaviour"})
    item = pack.items.get(title="Extra 0")
    with django_assert_max_num_queries(20):
        assert client.get(reverse("pastoral:sar_pack_item", args=[sar.code, item.code])).status_code == 200
    SarPackItem.objects.bulk_create(
        [
            SarPackItem(pack=pack, position=start + 100 + n, area="safeguarding", kind="safeguarding", title=f"SG {n}")
            for n in range(30)
        ]
    )
    as_user(dsl)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("pastoral:sar_pack_safeguarding", args=[sar.code]))
    assert page.status_code == 200 and "Later" in page.content.decode() and "Extra 0" not in page.content.decode()


def test_a_pastoral_assistant_who_is_a_deputy_dsl_reviews_safeguarding_records(
    school, headteacher, pupil, records, django_capture_on_commit_callbacks
):
    assistant = make_staff(school, Role.PASTORAL_ASSISTANT, "assistant")
    sar = _sar(headteacher, pupil)
    with django_capture_on_commit_callbacks(execute=True):
        pack = services.pack_request_build(actor=headteacher, request=sar)
    item = SarPack.objects.get(pk=pack.pk).items.get(area="safeguarding")
    services.pack_review_item(actor=assistant, item=item)
    other = pack.items.exclude(area="safeguarding").first()
    with pytest.raises(PermissionDenied):
        services.pack_withhold(actor=assistant, item=other, reason="third_party")


def test_a_range_of_characters_can_be_redacted_and_a_bad_range_is_refused(
    client, as_user, headteacher, pupil, records, django_capture_on_commit_callbacks
):
    as_user(headteacher)
    sar, pack = _built(client, django_capture_on_commit_callbacks, headteacher, pupil)
    note = pack.items.get(kind="contact log")
    url = reverse("pastoral:sar_pack_item_redact", args=[sar.code, note.code])
    data = {"redact-part": "title", "redact-start": 0, "redact-end": 999, "redact-reason": "other"}
    bad = client.post(url, data)
    assert bad.status_code == 400 and "Say which exemption applies" in bad.content.decode()
    bad = client.post(url, {**data, "redact-detail": "Police request"})
    assert bad.status_code == 400 and "range of characters within the title" in bad.content.decode()
    end = note.title.index(":")
    assert client.post(url, {**data, "redact-end": end, "redact-detail": "Police request"}).status_code == 302
    page = client.get(reverse("pastoral:sar_pack_item", args=[sar.code, note.code])).content.decode()
    assert "[Redacted: other: Police request]: Called mum about lunchtimes" in page
    redaction = SarRedaction.objects.get(item=note)
    remove = reverse("pastoral:sar_pack_redaction_remove", args=[sar.code, note.code, redaction.pk])
    assert client.post(remove).status_code == 302 and not SarRedaction.objects.filter(item=note).exists()
    assert AuditEntry.objects.filter(action="pastoral.sar.redaction_removed", actor=headteacher).count() == 1


class _R:
    def __init__(self, start, end, label="third-party data"):
        self.start, self.end, self.label = start, end, label


def test_overlapping_passages_become_one_marker():
    text = "Mum and Dad said Gran was there"
    assert apply(text, [_R(0, 3), _R(8, 11, "serious harm")]) == (
        "[Redacted: third-party data] and [Redacted: serious harm] said Gran was there"
    )
    assert apply(text, [_R(0, 7), _R(4, 11)]) == "[Redacted: third-party data] said Gran was there"
    assert apply(text, []) == text


@pytest.mark.django_db
def test_the_demo_has_a_pack_in_review_and_a_released_one():
    from pastoral import demo

    demo.seed_demo()
    school = School.objects.get(name="Northfield Academy")
    review = SarPack.objects.get(school=school, status=SarPack.Status.REVIEW)
    released = SarPack.objects.get(school=school, status=SarPack.Status.RELEASED)
    assert review.request.status == "open" and released.request.status == "completed"
    for pack in (review, released):
        assert len(set(pack.items.values_list("area", flat=True))) >= 3
        assert pack.items.filter(withheld=True).exists()
    assert services.awaiting_dsl(review).exists() and not services.awaiting_dsl(released).exists()
    assert SarRedaction.objects.filter(item__pack__school=school).exists()
    assert not AuditEntry.objects.filter(action__startswith="pastoral.sar.").exists()
