"""Support plans: the pastoral team writes; teachers read what is shared with them; IT admins see nothing."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from provision.plans.kinds import Kind
from provision.plans.models import PlanShare, StoryImage
from provision.tests.factories import make_active, make_plan
from tests.matrix import POST_ONLY, statuses

WRITERS = statuses(302, 403, 200, 200, 200, 403, 404)
PLAN = ("plan",)
ROWS = [
    ("provision:plan_list", (), statuses(302, 200, 200, 200, 200, 403, 200)),
    ("provision:plan_start", (), statuses(302, 403, 200, 200, 200, 403, 200)),
    ("provision:plan_settings", (), statuses(302, 403, 403, 403, 200, 403, 403)),
    ("provision:plan_from_suspension", ("suspension",), WRITERS),
    # The plan is not shared with the teacher: the plan itself is for the pastoral team and those it is shared with.
    ("provision:plan_detail", PLAN, WRITERS),
    ("provision:plan_edit", PLAN, WRITERS),
    ("provision:plan_activate", ("draft_plan",), WRITERS),
    ("provision:plan_review", PLAN, WRITERS),
    ("provision:plan_versions", PLAN, WRITERS),
    ("provision:plan_end", PLAN, POST_ONLY),
    ("provision:plan_share", PLAN, POST_ONLY),
    ("provision:plan_unshare", ("plan", "share"), POST_ONLY),
    ("provision:plan_acknowledge", PLAN, POST_ONLY),
    ("provision:story_image", ("story", "story_image"), WRITERS),
]
KWARG_NAMES = {
    "plan": "code",
    "draft_plan": "code",
    "share": "share_code",
    "story": "code",
    "story_image": "image_code",
}


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(buffer, "PNG")
    return SimpleUploadedFile("page.png", buffer.getvalue(), content_type="image/png")


def build(objects, request):
    dsl = request.getfixturevalue("dsl")
    pupil = objects["pupil"]
    plan = make_active(dsl, pupil)
    draft = make_plan(dsl, pupil, Kind.REGULATION, content={})
    story = make_plan(dsl, pupil, Kind.SOCIAL_STORY, content={})
    image = StoryImage(plan=story, content_type="image/png", uploaded_by=dsl)
    image.file.save("page.png", _png(), save=False)
    image.save()
    share = PlanShare.objects.create(plan=plan, role="senco", shared_by=dsl)
    return {
        "plan": plan.code,
        "draft_plan": draft.code,
        "share": share.code,
        "story": story.code,
        "story_image": image.code,
    }
