"""Paper forms: the page that prints pads and lists the school's sheets, and a record entered from paper with its
scan (here a safeguarding concern, so only its readers get through; the IT admin, a member of the school, is told
"not allowed", another school's DSL "not found")."""

import io
import uuid

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from tests.matrix import statuses

READERS_SCAN = statuses(302, 403, 403, 200, 200, 403, 404)
READERS_RECORD = statuses(302, 403, 403, 302, 302, 403, 404)

ROWS = [
    # Whoever may create one of the records prints its form; the IT admin creates none of them.
    ("pastoral:paper_home", (), statuses(302, 200, 200, 200, 200, 403, 200)),
    ("pastoral:paper_record", ("paper_entry",), READERS_RECORD),
    ("pastoral:paper_scan", ("paper_entry",), READERS_SCAN),
]

KWARG_NAMES = {"paper_entry": "code"}


def build(objects, request):
    from pastoral.models import PaperEntry, PaperFormSheet
    from pastoral.paper.models import new_reference
    from safeguarding.models import Concern
    from safeguarding.services import categories_ensure

    school, pupil = objects["school"], objects["pupil"]
    teacher = request.getfixturevalue("teacher")
    dsl = request.getfixturevalue("dsl")
    concern = Concern.objects.create(
        school=school,
        reporter=dsl,
        category=categories_ensure(school).first(),
        occurred_at=timezone.now(),
        account="Written on paper during the power cut",
        submission_key=uuid.uuid4(),
    )
    concern.pupils.add(pupil)
    sheet = PaperFormSheet.objects.create(
        school=school,
        kind="safeguarding.concern",
        reference=new_reference(),
        batch=uuid.uuid4(),
        printed_by=teacher,
        used_at=timezone.now(),
    )
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    entry = PaperEntry(
        school=school,
        sheet=sheet,
        content_type_id=_content_type(Concern),
        object_id=concern.pk,
        written_at=timezone.now(),
        written_by=teacher,
        entered_by=dsl,
        scan_name="scan.png",
        scan_type="image/png",
        scan_size=len(buffer.getvalue()),
    )
    entry.scan.save("scan.png", ContentFile(buffer.getvalue()), save=False)
    entry.save()
    return {"paper_entry": entry.code}


def _content_type(model):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model).pk
