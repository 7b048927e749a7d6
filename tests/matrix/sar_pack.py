"""Subject access packs: the data-protection lead's review (the headteacher by default) and the DSL team's review
of the safeguarding records in it."""

from datetime import date

from django.utils import timezone

from pastoral.sar.models import SarPack, SarPackItem, SubjectAccessRequest
from tests.matrix import POST_ONLY, statuses

LEAD = statuses(302, 403, 403, 403, 200, 403, 404)
DSL_TEAM = statuses(302, 403, 403, 200, 403, 403, 404)
EITHER = statuses(302, 403, 403, 200, 200, 403, 404)

ROWS = [
    ("pastoral:sar_pack", ("pack_sar",), LEAD),
    ("pastoral:sar_pack_build", ("pack_sar",), POST_ONLY),
    ("pastoral:sar_pack_release", ("pack_sar",), POST_ONLY),
    ("pastoral:sar_pack_files", ("pack_sar",), POST_ONLY),
    ("pastoral:sar_pack_safeguarding", ("pack_sar",), DSL_TEAM),
    # A safeguarding record: the lead and the DSL team both work on it.
    ("pastoral:sar_pack_item", ("pack_sar", "pack_item"), EITHER),
    ("pastoral:sar_pack_item_withhold", ("pack_sar", "pack_item"), POST_ONLY),
    ("pastoral:sar_pack_item_restore", ("pack_sar", "pack_item"), POST_ONLY),
    ("pastoral:sar_pack_item_redact", ("pack_sar", "pack_item"), POST_ONLY),
    ("pastoral:sar_pack_item_review", ("pack_sar", "pack_item"), POST_ONLY),
    ("pastoral:sar_pack_redaction_remove", ("pack_sar", "pack_item", "pack_redaction"), POST_ONLY),
]

KWARG_NAMES = {"pack_sar": "code", "pack_item": "item", "pack_redaction": "redaction"}


def build(objects, request):
    head = request.getfixturevalue("headteacher")
    sar = SubjectAccessRequest.objects.create(
        school=objects["school"],
        pupil=objects["pupil"],
        requester_name="A Parent",
        relationship="parent",
        received_on=date(2026, 11, 2),
        due_on=date(2026, 12, 2),
        created_by=head,
    )
    pack = SarPack.objects.create(
        request=sar, school=sar.school, requested_by=head, status=SarPack.Status.REVIEW, built_at=timezone.now()
    )
    item = SarPackItem.objects.create(
        pack=pack,
        position=1,
        area="safeguarding",
        kind="safeguarding",
        occurred_at=timezone.now(),
        title="Safeguarding concern: Neglect",
        text="Open",
        source="safeguarding:1",
    )
    redaction = item.redactions.create(start=0, end=2, reason="third_party", created_by=head)
    return {"pack_sar": sar.code, "pack_item": item.code, "pack_redaction": redaction.pk}
