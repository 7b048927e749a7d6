"""Reads for behaviour points: one `<thing>_visible_to(user)` per model, used by every list, search, export and
task; and the rewards page's rankings."""

import datetime

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from pastoral.accounts import access
from pastoral.models import Pupil, YearGroup

from ..selectors import PUPIL_FIELDS, _pupil_row, academic_year_start
from .models import BehaviourCategory, BehaviourEvent, BehaviourPhrase, Location, RewardMilestone

SENSITIVE_PERM = "behaviour.view_sensitive_event"


def events_visible_to(user):
    """The events of the schools where the user reads behaviour, less the sensitive ones they may not read.

    An event of a sensitive category is read by those whose role carries behaviour.view_sensitive_event
    in its school (the pastoral and safeguarding teams), and by whoever recorded it; to anyone else it is
    absent from every list, export, chronology and figure built on this selector.
    """
    school_ids = access.schools_with_perm(user, "behaviour.view_event")
    events = BehaviourEvent.objects.filter(school_id__in=school_ids)
    readers = set(access.schools_with_perm(user, SENSITIVE_PERM))
    restricted = [school_id for school_id in school_ids if school_id not in readers]
    if not restricted:
        return events
    recorders = set(access.schools_with_perm(user, "behaviour.record_event"))
    may_have_recorded = [school_id for school_id in restricted if school_id in recorders]
    never_recorded = [school_id for school_id in restricted if school_id not in recorders]
    # Where the user cannot log behaviour (a trust leader, say) the category alone decides, which keeps the
    # analytics' counts index-only: the live-events index holds the category but not the recorder.
    if never_recorded:
        events = events.exclude(category_id__in=_sensitive_categories(never_recorded))
    if may_have_recorded:
        hidden = Q(category_id__in=_sensitive_categories(may_have_recorded)) & ~Q(recorded_by_id=user.pk)
        events = events.exclude(hidden)
    return events


def _sensitive_categories(school_ids):
    return BehaviourCategory.objects.filter(school_id__in=school_ids, sensitive=True).values("pk")


def may_read_event(user, event):
    """The same rule as events_visible_to, for one event already fetched (its category loaded)."""
    return (
        not event.category.sensitive
        or event.recorded_by_id == user.pk
        or access.has_school_perm(user, event.school_id, SENSITIVE_PERM)
    )


def categories_for(school, *, active_only=False):
    categories = BehaviourCategory.objects.filter(school=school)
    return categories.filter(active=True) if active_only else categories


def locations_for(school, *, active_only=False):
    locations = Location.objects.filter(school=school)
    return locations.filter(active=True) if active_only else locations


def get_event_for_user(user, code):
    """The event, or 404 if the user has no way to know it exists, or 403 if their role stops them."""
    events = BehaviourEvent.objects.select_related(
        "pupil", "school", "category", "location", "recorded_by", "voided_by"
    )
    event = access.get_or_refuse(events, user, code, "behaviour.view_event", "event")
    if not may_read_event(user, event):
        # A sensitive event is absent for those who may not read it, as on every list.
        access.refuse(user, event, code, None, allowed_to_know=False, noun="event")
    return event


def phrases_for(school, *, active_only=False):
    phrases = BehaviourPhrase.objects.filter(school=school).select_related("category")
    return phrases.filter(active=True) if active_only else phrases


def forms_in(school):
    """The school's form / class names, for filtering by form."""
    names = Pupil.objects.filter(school=school).exclude(form="").order_by("form").values_list("form", flat=True)
    return list(names.distinct())


def milestones_for(school, *, active_only=False):
    milestones = RewardMilestone.objects.filter(school=school)
    return milestones.filter(active=True) if active_only else milestones


def week_so_far(today=None):
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=today.weekday()), today


def _positive_events(user, school, start, end):
    """The school's positive, non-voided events on days start..end that the user may see."""
    return events_visible_to(user).filter(
        school=school,
        voided_at__isnull=True,
        category__kind=BehaviourCategory.Kind.POSITIVE,
        occurred_at__date__gte=start,
        occurred_at__date__lte=end,
    )


def pupil_points(user, school, start, end, *, year_group=None, form="", limit=50):
    """The pupils with the most positive points between start and end, highest first."""
    events = _positive_events(user, school, start, end)
    if year_group is not None:
        events = events.filter(pupil__year_group=year_group)
    if form:
        events = events.filter(pupil__form=form)
    totals = (
        events.values(*PUPIL_FIELDS)
        .annotate(points=Sum("category__points"), events=Count("pk"))
        .order_by("-points", "pupil__legal_last_name", "pupil__legal_first_name", "pupil__code")[:limit]
    )
    return [{**_pupil_row(values), "points": values["points"], "events": values["events"]} for values in totals]


def form_points(user, school, start, end):
    """Positive points per form / class, highest first."""
    totals = (
        _positive_events(user, school, start, end)
        .values("pupil__year_group", "pupil__form")
        .annotate(points=Sum("category__points"), pupils=Count("pupil", distinct=True))
        .order_by("-points", "pupil__year_group", "pupil__form")
    )
    return [
        {
            "year_group": YearGroup(values["pupil__year_group"]).label,
            "form": values["pupil__form"] or "No form",
            "points": values["points"],
            "pupils": values["pupils"],
        }
        for values in totals
    ]


def house_points(user, school, start, end):
    """Positive points per house, highest first."""
    totals = (
        _positive_events(user, school, start, end)
        .values("pupil__house")
        .annotate(points=Sum("category__points"), pupils=Count("pupil", distinct=True))
        .order_by("-points", "pupil__house")
    )
    return [
        {"house": values["pupil__house"] or "No house", "points": values["points"], "pupils": values["pupils"]}
        for values in totals
    ]


def milestones_crossed(school, user, start, end):
    """Pupils whose running total for the year went from below a milestone before `start` to reach it by `end`.

    The year's running total counts from the start of the academic year that `start` falls in. The database
    sums each pupil's points before and through the window; pairing those few rows with the school's handful
    of milestones is left to Python.
    """
    milestones = list(milestones_for(school, active_only=True))
    if not milestones:
        return []
    since = academic_year_start(school, start)
    before_start = Q(occurred_at__date__lt=start)
    totals = (
        _positive_events(user, school, since, end)
        .values(*PUPIL_FIELDS)
        .annotate(
            before=Coalesce(Sum("category__points", filter=before_start), 0),
            through=Sum("category__points"),
        )
        # Only pupils who earned points in the window can have crossed anything.
        .filter(through__gt=F("before"), through__gte=milestones[0].points)
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "pupil__code")
    )
    rows = []
    for values in totals:
        for milestone in milestones:
            if values["before"] < milestone.points <= values["through"]:
                rows.append(
                    {
                        **_pupil_row(values),
                        "milestone": milestone.name,
                        "threshold": milestone.points,
                        "before": values["before"],
                        "points": values["through"],
                    }
                )
    rows.sort(key=lambda row: -row["threshold"])
    return rows


def reward_periods(school, data):
    """The rewards page's two periods: the filters' dates, or this academic year and this week so far."""
    today = timezone.localdate()
    week_start, week_end = week_so_far(today)
    return {
        "start": data.get("start") or academic_year_start(school, today),
        "end": data.get("end") or today,
        "crossed_start": data.get("crossed_start") or week_start,
        "crossed_end": data.get("crossed_end") or week_end,
    }


def reward_rows(user, school, section, data, periods):
    """One section of the rewards page: top pupils, forms, houses or milestones crossed."""
    start, end = periods["start"], periods["end"]
    if section == "pupils":
        filters = {"year_group": data.get("year_group"), "form": data.get("form") or ""}
        return pupil_points(user, school, start, end, **filters)
    if section == "forms":
        return form_points(user, school, start, end)
    if section == "houses":
        return house_points(user, school, start, end)
    return milestones_crossed(school, user, periods["crossed_start"], periods["crossed_end"])
