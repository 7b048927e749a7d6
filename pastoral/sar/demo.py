"""Demo subject access requests: one open with its pack in review (redactions made, a safeguarding record still
waiting for the DSL), one completed with its pack released. Runs after every other seeder, so the packs hold
the term's records from every area. Written straight to the tables: seeding writes nothing to the audit log."""

import datetime

from django.utils import timezone

from ..accounts import access
from ..accounts.roles import Role
from .building import gather, snapshot
from .models import Exemption, SarPack, SarPackItem, SarRedaction, SubjectAccessRequest, add_months
from .redaction import find_all

CANDIDATES = 25
THIRD_PARTY_WORDS = ("Mum", "mum", "Dad", "dad", "mother", "father", "Gran", "brother", "sister")


def _richest(reader, pupils, rng, count):
    """Of a sample of pupils, the `count` whose records span the most areas (safeguarding first)."""
    scored = []
    for pupil in rng.sample(list(pupils), k=min(CANDIDATES, len(pupils))):
        rows = gather(reader, pupil)
        areas = {row["area"] for row in rows}
        scored.append(("safeguarding" in areas, len(areas), len(rows), -pupil.pk, pupil, rows))
    scored.sort(key=lambda entry: entry[:4], reverse=True)
    return [(entry[4], entry[5]) for entry in scored[:count]]


def _redact(items, head, at):
    """Third-party redactions where a relative is named (or, failing that, the start of the longest record), and
    one record withheld for serious harm."""
    redactions = []

    def redact(item, part, spans):
        redactions.extend(
            SarRedaction(
                item=item, part=part, start=s, end=e, reason=Exemption.THIRD_PARTY, created_by=head, created_at=at
            )
            for s, e in spans
        )

    open_items = [item for item in items if item.area not in (SarPackItem.SAFEGUARDING, "attendance")]
    for item in open_items:
        for part, source in ((SarRedaction.Part.TITLE, item.title), (SarRedaction.Part.TEXT, item.text)):
            word = next((w for w in THIRD_PARTY_WORDS if f" {w} " in f" {source} "), None)
            if word:
                redact(item, part, [(s, e) for s, e in find_all(source, word) if source[s:e] == word])
        if len(redactions) >= 4:
            break
    longest = max(open_items, key=lambda item: len(item.text), default=None)
    if not redactions and longest is not None and longest.text:
        cut = longest.text.rfind(" ", 0, 40)
        redact(longest, SarRedaction.Part.TEXT, [(0, cut if cut > 0 else min(len(longest.text), 40))])
    SarRedaction.objects.bulk_create(redactions)
    plain = [item for item in open_items if item.text and item is not longest]
    if plain:
        withheld = plain[len(plain) // 2]
        withheld.withheld, withheld.withheld_reason = True, Exemption.SERIOUS_HARM
        withheld.withheld_by, withheld.withheld_at = head, at
        withheld.save(update_fields=["withheld", "withheld_reason", "withheld_by", "withheld_at"])


def seed_subject_access(school, staff_by_role, pupils, rng, term):
    heads = staff_by_role.get(Role.HEADTEACHER, [])
    dsls = staff_by_role.get(Role.DSL, []) + staff_by_role.get(Role.DEPUTY_DSL, [])
    if not heads or not dsls or len(pupils) < 2:
        return
    head, dsl = heads[0], dsls[0]
    today = timezone.localdate()
    now = timezone.now()
    reader = access.subject_access_reader(head, school)
    (review_pupil, review_rows), (released_pupil, released_rows) = _richest(reader, pupils, rng, 2)

    received = today - datetime.timedelta(days=12)
    open_sar = SubjectAccessRequest.objects.create(
        school=school,
        pupil=review_pupil,
        requester_name="Mrs J. Whitfield",
        relationship=SubjectAccessRequest.Relationship.PARENT,
        received_on=received,
        identity_checked_on=received + datetime.timedelta(days=1),
        identity_checked_how="Passport and a utility bill seen at reception",
        due_on=add_months(received, 1),
        created_by=head,
    )
    built = now - datetime.timedelta(days=8)
    pack = SarPack.objects.create(
        request=open_sar,
        school=school,
        requested_by=head,
        requested_at=built,
        status=SarPack.Status.REVIEW,
        attempts=1,
        started_at=built,
        built_at=built,
    )
    items = snapshot(pack, review_rows)
    _redact(items, head, built + datetime.timedelta(days=1))
    # With several safeguarding records, the DSL has reviewed the oldest; the newer ones wait for them.
    safeguarding = [item for item in items if item.area == SarPackItem.SAFEGUARDING]
    if len(safeguarding) > 1:
        first = safeguarding[0]
        first.dsl_reviewed_by, first.dsl_reviewed_at = dsl, built + datetime.timedelta(days=2)
        first.save(update_fields=["dsl_reviewed_by", "dsl_reviewed_at"])

    received = today - datetime.timedelta(days=45)
    closed_sar = SubjectAccessRequest.objects.create(
        school=school,
        pupil=released_pupil,
        requester_name="Mr D. Okonkwo",
        relationship=SubjectAccessRequest.Relationship.PARENT,
        received_on=received,
        identity_checked_on=received,
        identity_checked_how="Driving licence seen at reception",
        due_on=add_months(received, 1),
        status=SubjectAccessRequest.Status.COMPLETED,
        closed_on=received + datetime.timedelta(days=26),
        closing_note="Pack sent by secure email; the requester confirmed receipt.",
        created_by=head,
    )
    built = now - datetime.timedelta(days=40)
    released_at = now - datetime.timedelta(days=20)
    pack = SarPack.objects.create(
        request=closed_sar,
        school=school,
        requested_by=head,
        requested_at=built,
        status=SarPack.Status.RELEASED,
        attempts=1,
        started_at=built,
        built_at=built,
        released_by=head,
        released_at=released_at,
    )
    items = snapshot(pack, released_rows)
    _redact(items, head, built + datetime.timedelta(days=2))
    SarPackItem.objects.filter(pack=pack, area=SarPackItem.SAFEGUARDING).update(
        dsl_reviewed_by=dsl, dsl_reviewed_at=released_at - datetime.timedelta(days=1)
    )
