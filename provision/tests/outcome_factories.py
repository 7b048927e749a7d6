"""Outcome readings, SDQs and pupil voice made through the services."""

import datetime

from django.utils import timezone

from provision.outcomes import services
from provision.outcomes.stars import MY_STAR
from provision.voice.services import voice_record

AREAS = [key for key, _label in MY_STAR.edition("1").areas]


def my_star(actor, pupil, scores, *, days_ago=0, star="my_star", edition="1"):
    if isinstance(scores, int):
        scores = dict.fromkeys(AREAS, scores)
    return services.star_reading_record(
        actor=actor,
        pupil=pupil,
        star=star,
        edition=edition,
        taken_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        completed_with="collaborative",
        scores=scores,
        notes={AREAS[0]: "Talked about sleep"},
    )


def teacher_sdq(actor, pupil, items, *, days_ago=0, informant="teacher"):
    return services.sdq_record(
        actor=actor,
        pupil=pupil,
        informant=informant,
        completed_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        items=items,
        difficulties="no",
    )


def all_items(value):
    """Every difficulty item at `value` (0..2) as scored: the reversed items ticked the other way."""
    items = [value] * 25
    for number in (7, 11, 14, 21, 25):
        items[number - 1] = 2 - value
    return items


def voice(actor, pupil, said="I like the quiet room", *, days_ago=0, ehcp=True):
    return voice_record(
        actor=actor,
        pupil=pupil,
        said=said,
        how="conversation",
        with_whom="Keyworker",
        gathered_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        for_ehcp_review=ehcp,
    )
