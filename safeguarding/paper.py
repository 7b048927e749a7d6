"""The safeguarding concern on paper: its blank form and "enter from paper" (see pastoral/paper).

A concern written on paper is raised when it is entered: the DSL team is notified then, exactly as for one typed
in. Its "reported at" is the time written on the sheet, so the chronology and lists show when it was really
reported; the clocks that measure the DSL team's response (escalation of an unopened urgent concern, "waiting"
for an owner) count from when it was entered, the first moment the team could know of it (`paper.known_at`).
"""

from django.urls import reverse

from pastoral.paper.apps import register_kind

KIND = "safeguarding.concern"


def _stamp(concern, written_at):
    from .models import Concern

    Concern.objects.filter(pk=concern.pk).update(reported_at=written_at)
    concern.reported_at = written_at


def _blank_form(user, school):
    from .forms import ConcernForm

    return ConcernForm(user=user, school=school)


def register():
    from .models import Concern
    from .selectors import RAISE, concerns_visible_to

    register_kind(
        KIND,
        title="Safeguarding concern",
        permission=RAISE,
        model=Concern,
        visible=concerns_visible_to,
        url=lambda concern: reverse("safeguarding:concern_detail", args=[concern.code]),
        blank_form=_blank_form,
        skip=("submission_key", "attachments", "fallback_side", "fallback_region", "fallback_note"),
        extra_after=(
            (
                "Marks or injuries seen (body map)",
                "For each mark: front or back, the part of the body, and what you saw. Never photograph a child's "
                "injury.",
                "paragraph",
            ),
        ),
        stamp=_stamp,
        create_url="safeguarding:concern_create",
        event_field="occurred_at",
        sensitive=True,
    )
