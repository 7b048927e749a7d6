"""Safeguarding rows. The concern is raised by a separate reporter, so teacher and pastoral staff are
other staff who must never read it; reporter, deputy, trust DSL and superuser cases are in
safeguarding/tests/test_access.py."""

import datetime
import io
import uuid

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from tests.matrix import POST_ONLY, statuses

READERS = statuses(302, 403, 403, 200, 200, 403, 404)
CASE_WORK = statuses(302, 403, 403, 200, 403, 403, 404)
SCHOOL_LEADS = statuses(302, 403, 403, 200, 200, 403, 200)
SCHOOL_CASE = statuses(302, 403, 403, 200, 403, 403, 200)
RAISERS = statuses(302, 200, 200, 200, 200, 403, 200)
C = ("concern",)

ROWS = [
    ("safeguarding:dashboard", (), SCHOOL_LEADS),
    ("safeguarding:concern_create", (), RAISERS),
    ("safeguarding:pupil_picker", (), RAISERS),
    ("safeguarding:my_concerns", (), RAISERS),
    ("safeguarding:concern_list", (), SCHOOL_LEADS),
    ("safeguarding:concern_detail", C, READERS),
    ("safeguarding:concern_receipt", C, statuses(302, 403, 403, 403, 403, 403, 404)),
    ("safeguarding:attachment", ("concern", "sg_attachment"), READERS),
    ("safeguarding:concern_assign", C, POST_ONLY),
    ("safeguarding:concern_triage", C, POST_ONLY),
    ("safeguarding:action_add", C, POST_ONLY),
    ("safeguarding:action_complete", ("concern", "sg_action"), POST_ONLY),
    ("safeguarding:note_add", C, POST_ONLY),
    ("safeguarding:concern_link", C, POST_ONLY),
    ("safeguarding:concern_close", C, POST_ONLY),
    ("safeguarding:concern_amend", C, POST_ONLY),
    ("safeguarding:concern_share", C, POST_ONLY),
    ("safeguarding:concern_unshare", ("concern", "sg_user"), POST_ONLY),
    ("safeguarding:referral_create", C, POST_ONLY),
    ("safeguarding:referral_list", (), SCHOOL_LEADS),
    ("safeguarding:referral_detail", ("referral",), READERS),
    ("safeguarding:pupil_chronology", ("pupil",), READERS),
    ("safeguarding:transfer_list", (), SCHOOL_LEADS),
    ("safeguarding:transfer_create", (), SCHOOL_CASE),
    ("safeguarding:transfer_detail", ("transfer",), READERS),
    ("safeguarding:transfer_sent", ("transfer",), POST_ONLY),
    ("safeguarding:transfer_receipt", ("transfer",), POST_ONLY),
    ("safeguarding:incoming_upload", (), SCHOOL_CASE),
    ("safeguarding:incoming_download", ("incoming",), READERS),
    ("safeguarding:category_list", (), SCHOOL_CASE),
    ("safeguarding:escalation_settings", (), SCHOOL_CASE),
    ("safeguarding:category_create", (), SCHOOL_CASE),
    ("safeguarding:category_edit", ("sg_category",), statuses(302, 403, 403, 200, 403, 403, 404)),
]

KWARG_NAMES = {
    "concern": "code",
    "sg_attachment": "attachment_code",
    "sg_action": "action_code",
    "sg_user": "user_code",
    "referral": "code",
    "transfer": "code",
    "incoming": "code",
    "sg_category": "code",
}


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name="mark.png")


def build(objects, request):
    from conftest import make_staff
    from pastoral.accounts.roles import Role
    from safeguarding.models import Attachment, CaseAction, Concern, FileTransfer, IncomingFile, Referral
    from safeguarding.services import categories_ensure

    school, pupil = objects["school"], objects["pupil"]
    dsl = request.getfixturevalue("dsl")
    reporter = make_staff(school, Role.TEACHER, "reporter")
    category = categories_ensure(school).first()
    concern = Concern.objects.create(
        school=school,
        reporter=reporter,
        category=category,
        occurred_at=timezone.now(),
        account="Bruise seen on the forearm",
        submission_key=uuid.uuid4(),
    )
    concern.pupils.add(pupil)
    attachment = Attachment(concern=concern, name="mark.png", content_type="image/png", size=70, uploaded_by=reporter)
    attachment.file.save("mark.png", _png(), save=False)
    attachment.save()
    action = CaseAction.objects.create(
        concern=concern, description="Check in", owner=dsl, due_on=datetime.date.today(), created_by=dsl
    )
    referral = Referral.objects.create(
        school=school, concern=concern, pupil=pupil, agency="csc", referred_on=datetime.date.today(), made_by=dsl
    )
    transfer = FileTransfer.objects.create(
        school=school,
        pupil=pupil,
        kind="in_year",
        leave_date=datetime.date.today(),
        due_by=datetime.date.today() + datetime.timedelta(days=7),
        destination="Moor End High",
        created_by=dsl,
    )
    incoming = IncomingFile(
        school=school,
        pupil=pupil,
        from_school="Old Primary",
        received_on=datetime.date.today(),
        name="cp.png",
        content_type="image/png",
        size=70,
        uploaded_by=dsl,
    )
    incoming.file.save("cp.png", _png(), save=False)
    incoming.save()
    return {
        "concern": concern.code,
        "sg_attachment": attachment.code,
        "sg_action": action.code,
        "sg_user": reporter.code,
        "referral": referral.code,
        "transfer": transfer.code,
        "incoming": incoming.code,
        "sg_category": category.code,
    }
