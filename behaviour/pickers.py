"""Behaviour incidents (events) as a kind of the core picker (pastoral.pickers)."""

import datetime

from django.db.models import Q
from django.utils import timezone

from pastoral.pickers import TOO_MANY, MultiplePickerField, initials, parse_date


class IncidentKind:
    """Behaviour incidents (events): found by the pupil's name or UPN, the category, and a date."""

    noun, plural = "incident", "incidents"
    search_url_name = "behaviour:incident_picker"
    placeholder = "Type a pupil's name, a category or a date, then choose"
    hint = "Type a pupil's name, a category or a date (e.g. 3/12/2026), then choose from the matches"
    fallback_hint = "Or type a pupil's name or UPN and the date (e.g. Zoe Ainsworth 3/12/2026), one a line"
    refine = "Add the date (e.g. 3/12/2026), or more of the name"
    unknown = "Check the pupil's name and the date"

    def label(self, event):
        when = timezone.localtime(event.occurred_at)
        return f"{event.pupil.display_name} · {event.category.name} · {when:%-d %b %Y}"

    def full_names(self, event):
        return {self.label(event)}

    def prepare(self, queryset):
        return queryset.select_related("pupil", "category")

    def order(self, queryset):
        return queryset.order_by("-occurred_at", "-pk")

    def search(self, queryset, text):
        days, words = [], []
        for word in text.split()[:6]:
            day = parse_date(word)
            (days if day else words).append(day or word)
        if not days and not words:
            return queryset.none()
        found = Q()
        for day in days:
            start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
            found &= Q(occurred_at__gte=start, occurred_at__lt=start + datetime.timedelta(days=1))
        if words:
            by_pupil = Q(pupil__upn__istartswith=words[0])
            names = Q()
            for word in words:
                any_name = Q(category__name__icontains=word)
                for field in ("legal_first_name", "legal_last_name", "preferred_first_name", "preferred_last_name"):
                    any_name |= Q(**{f"pupil__{field}__unaccent__icontains": word})
                names &= any_name
            found &= names | by_pupil
        return self.order(self.prepare(queryset).filter(found))

    def matches(self, queryset, text):
        return list(self.search(queryset, text)[: TOO_MANY + 1])

    def options(self, events, school):
        return [
            {
                "code": event.code,
                "label": self.label(event),
                "name": event.pupil.display_name,
                "detail": f"{timezone.localtime(event.occurred_at):%-d %b %Y, %H:%M} · {event.category.name}",
                "photo": "",
                "initials": initials(event.pupil.first_name, event.pupil.last_name),
                "alert": "",
            }
            for event in events
        ]


INCIDENTS = IncidentKind()


def incidents_field(**kwargs):
    return MultiplePickerField(INCIDENTS, **kwargs)
