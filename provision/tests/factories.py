"""Support plans made through the services, as staff would make them."""

import datetime

from django.utils import timezone

from provision.plans import services
from provision.plans.kinds import Kind

BSP_CONTENT = {
    "behaviours": "Leaves the room when work is hard",
    "triggers": "Reading aloud",
    "early_signs": "Hood up",
    "proactive": "Offer a choice of two tasks",
    "deescalation": "Few words, time",
    "avoid": "Raising your voice",
    "techniques": "none",
    "post_incident": "Calm room",
    "with_parents": True,
    "with_pupil": True,
    "professionals": "",
}


def make_plan(author, pupil, kind=Kind.BSP, *, content=None, title="Support plan"):
    return services.plan_create(
        actor=author, pupil=pupil, kind=kind, title=title, content=content if content is not None else BSP_CONTENT
    )


def make_active(author, pupil, kind=Kind.BSP, *, content=None, title="Support plan", review_in_days=60):
    plan = make_plan(author, pupil, kind, content=content, title=title)
    return services.plan_activate(
        actor=author,
        plan=plan,
        agreed_on=timezone.localdate(),
        agreed_with="Mum, pupil and keyworker",
        parents_part="Mum added the triggers",
        pupil_part="Chose the strategies",
        review_date=timezone.localdate() + datetime.timedelta(days=review_in_days),
    )
