"""The safeguarding team page and its cover rota: everyone who reads concerns sees it; the DSL team keeps the rota."""

import datetime

from django.utils import timezone

from safeguarding.models import CoverSlot, ExpectedFile
from tests.matrix import POST_ONLY, statuses

ROWS = [
    # The headteacher reads every concern, so sees the team; teachers and IT admins do not.
    ("safeguarding:team", (), statuses(302, 403, 403, 200, 200, 403, 200)),
    ("safeguarding:cover_cancel", ("cover",), POST_ONLY),
    # Expected CP files are the DSL team's case work, like uploading one that has come.
    ("safeguarding:expected_create", (), statuses(302, 403, 403, 200, 403, 403, 200)),
    ("safeguarding:expected_chase", ("expected",), POST_ONLY),
    ("safeguarding:expected_close", ("expected",), POST_ONLY),
]

KWARG_NAMES = {"cover": "code", "expected": "code"}


def build(objects, request):
    dsl = request.getfixturevalue("dsl")
    now = timezone.now()
    slot = CoverSlot.objects.create(
        school=objects["school"],
        starts_at=now,
        ends_at=now + datetime.timedelta(days=1),
        name="Out-of-hours team",
        phone="0300 000 0000",
        created_by=dsl,
    )
    expected = ExpectedFile.objects.create(
        school=objects["school"],
        pupil=objects["pupil"],
        from_school="Old Primary",
        expected_by=now.date(),
        created_by=dsl,
    )
    return {"cover": slot.code, "expected": expected.code}
