"""Detention types, sessions and detentions for tests, made directly (the services are tested on their own)."""

import datetime

from django.utils import timezone

from behaviour.detentions.models import Detention, DetentionSession, DetentionType


def make_type(school, name="After-school detention", kind="after_school", **fields):
    values = {
        "start_time": datetime.time(15, 20),
        "duration_minutes": 60,
        "capacity": 10,
        "location": "Library",
        "notice_required": kind == "after_school",
    }
    values.update(fields)
    return DetentionType.objects.create(school=school, name=name, kind=kind, **values)


def make_session(detention_type, day, start=None, **fields):
    values = {
        "start_time": start or detention_type.start_time,
        "duration_minutes": detention_type.duration_minutes,
        "capacity": detention_type.capacity,
        "location": detention_type.location,
        "run_by": detention_type.run_by,
    }
    values.update(fields)
    return DetentionSession.objects.create(school=detention_type.school, type=detention_type, date=day, **values)


def make_detention(session, pupil, set_by, **fields):
    return Detention.objects.create(
        school=session.school,
        pupil=pupil,
        session=session,
        starts_at=session.starts_at,
        set_by=set_by,
        notice_required=session.type.notice_required,
        reason=fields.pop("reason", "Repeated lateness"),
        **fields,
    )


def days_ahead(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
