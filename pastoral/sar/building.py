"""Building a subject access pack, in the worker: every record about the pupil, snapshotted into SarPackItem rows.

The records come from the chronology registry (each duty area's provider, read through its own selectors) and
from the core's meetings and attendance, all read as `access.subject_access_reader`, a copy of the data-protection
lead that holds every permission in the pupil's school and nowhere else, since the response must hold everything
the school keeps about the pupil. The core names no duty app: what an area holds is what its provider gives.

The task is idempotent and survives a killed worker: the build runs under a session advisory lock, all the rows
are written in one transaction, and a pack left "building" by a dead worker is either taken over by the
redelivered task (the lock is free) or failed by the periodic sweep (`fail_stuck_packs`) so it can be built again.
"""

import logging
from collections import Counter
from dataclasses import replace
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .. import audit, chronology, locks
from ..accounts import access
from ..locks import SessionLock
from ..models import export_stale_after
from .models import SarPack, SarPackItem, SubjectAccessRequest
from .permissions import MANAGE

log = logging.getLogger(__name__)

PAGE = 500
# A pack still waiting after this long lost its task; a building one is judged by export_stale_after().
STUCK_AFTER = timedelta(hours=2)
BUILD_LOCK_WAIT_SECONDS = 5


class Refused(Exception):
    pass


def _chronology_items(reader, pupil):
    """Every chronology item about the pupil, page by page through the keyset cursor."""
    window = chronology.Window(limit=PAGE)
    rows = []
    while True:
        page = chronology.chronology_page(reader, pupil, window)
        for item in page.items:
            stream, pk = item.key
            provider = stream.split(".", 1)[0]
            rows.append(
                {
                    "area": chronology.area_of(provider) if provider else item.area,
                    "kind": item.area,
                    "occurred_at": item.when,
                    "title": item.title,
                    "text": "\n\n".join(part for part in (item.summary, item.detail) if part),
                    "source": f"{stream}:{pk}" if stream else "marker",
                    "source_url": item.url,
                }
            )
        if not page.has_older:
            return rows
        window = replace(window, older_than=chronology.Cursor.parse(page.older_cursor))


def _meeting_items(reader, pupil):
    from ..meetings.selectors import meetings_visible_to

    rows = []
    meetings = meetings_visible_to(reader).filter(pupil=pupil).prefetch_related("actions")
    for meeting in meetings.order_by("held_on", "id"):
        parts = []
        if meeting.others:
            parts.append(f"Others attending: {meeting.others}")
        if meeting.contribution:
            parts.append(f"The school's contribution: {meeting.contribution}")
        if meeting.minutes:
            parts.append(f"Minutes: {meeting.minutes}")
        for action in meeting.actions.all():
            parts.append(f"Action: {action}")
        rows.append(
            {
                # Child protection conferences, core groups and strategy meetings are safeguarding records: the
                # DSL reviews them before release.
                "area": SarPackItem.SAFEGUARDING if meeting.is_cp else "pastoral",
                "kind": "meetings",
                "occurred_at": chronology.as_datetime(meeting.held_on),
                "title": meeting.get_kind_display(),
                "text": "\n".join(parts),
                "source": f"meeting:{meeting.pk}",
                "source_url": "",
            }
        )
    return rows


def _attendance_items(reader, pupil):
    """Absences, late marks and marks with a note (a present mark with nothing to say is left out), and
    part-time timetables."""
    from django.db.models import Q

    from ..attendance.models import ABSENT
    from ..attendance.selectors import marks_visible_to, part_time_visible_to

    rows = []
    marks = marks_visible_to(reader).filter(pupil=pupil)
    marks = marks.filter(Q(counts__in=ABSENT) | Q(minutes_late__isnull=False) | ~Q(note=""))
    for mark in marks.order_by("date", "session"):
        late = f", {mark.minutes_late} minutes late" if mark.minutes_late else ""
        rows.append(
            {
                "area": "attendance",
                "kind": "attendance",
                "occurred_at": chronology.as_datetime(mark.date),
                "title": f"Attendance mark {mark.code} ({mark.get_counts_display().lower()}), "
                f"{mark.get_session_display()}{late}",
                "text": mark.note,
                "source": f"attendance_mark:{mark.pk}",
                "source_url": "",
            }
        )
    for timetable in part_time_visible_to(reader).filter(pupil=pupil).order_by("start", "id"):
        rows.append(
            {
                "area": "attendance",
                "kind": "part-time timetable",
                "occurred_at": chronology.as_datetime(timetable.start),
                "title": f"{timetable} to {timetable.end:%d/%m/%Y}",
                "text": timetable.reason,
                "source": f"part_time:{timetable.pk}",
                "source_url": "",
            }
        )
    return rows


def gather(reader, pupil):
    """Every record about the pupil as plain dicts, oldest first (undated ones first of all)."""
    rows = _chronology_items(reader, pupil) + _meeting_items(reader, pupil) + _attendance_items(reader, pupil)
    undated = [row for row in rows if row["occurred_at"] is None]
    dated = sorted((row for row in rows if row["occurred_at"] is not None), key=lambda row: row["occurred_at"])
    return undated + dated


def snapshot(pack, rows):
    """The gathered rows saved as the pack's items, numbered in order."""
    return SarPackItem.objects.bulk_create(
        [
            SarPackItem(
                pack=pack,
                position=index,
                area=row["area"][:40],
                kind=row["kind"][:60],
                occurred_at=row["occurred_at"],
                title=row["title"][:300],
                text=row["text"] or "",
                source=row["source"][:120],
                source_url=(row["source_url"] or "")[:300],
            )
            for index, row in enumerate(rows, start=1)
        ]
    )


def _claim(pack_id):
    """Move a queued pack (or one whose earlier build died: the caller holds its lock) to building."""
    with transaction.atomic():
        pack = (
            SarPack.objects.select_for_update()
            .select_related("request__pupil__school", "requested_by", "school")
            .filter(pk=pack_id)
            .first()
        )
        if pack is None:
            return None, "missing"
        if pack.status not in (SarPack.Status.QUEUED, SarPack.Status.BUILDING):
            return None, f"not waiting ({pack.status})"
        pack.status = SarPack.Status.BUILDING
        pack.attempts += 1
        pack.started_at = timezone.now()
        pack.error = ""
        pack.save(update_fields=["status", "attempts", "started_at", "error"])
        return pack, "claimed"


def mark_failed(pack_id, message):
    SarPack.objects.filter(pk=pack_id, status__in=[SarPack.Status.QUEUED, SarPack.Status.BUILDING]).update(
        status=SarPack.Status.FAILED, error=message[:300]
    )


def build(pack_id):
    """The body of the build_sar_pack task. Transient errors propagate so Celery retries."""
    with SessionLock(locks.SAR_PACK_BUILD, pack_id, wait_seconds=BUILD_LOCK_WAIT_SECONDS) as held:
        if not held:
            return "running elsewhere"
        return _build(pack_id)


def _build(pack_id):
    from ..files.exports import is_transient

    pack, outcome = _claim(pack_id)
    if pack is None:
        return outcome
    actor, sar = pack.requested_by, pack.request
    pupil = sar.pupil
    try:
        if not actor.is_active or not access.has_school_perm(actor, pack.school_id, MANAGE):
            raise Refused("The person who asked for the pack no longer handles subject access requests here.")
        if sar.status != SubjectAccessRequest.Status.OPEN:
            raise Refused("The request is closed.")
        rows = gather(access.subject_access_reader(actor, pack.school_id), pupil)
    except Refused as exc:
        mark_failed(pack_id, str(exc))
        return "refused"
    except Exception as exc:
        if is_transient(exc):
            SarPack.objects.filter(pk=pack_id).update(status=SarPack.Status.QUEUED)
            raise
        log.exception("subject access pack %s failed", pack_id)
        mark_failed(pack_id, "The pack could not be built because of an unexpected error. Build it again.")
        return "failed"
    with transaction.atomic():
        locked = SarPack.objects.select_for_update().get(pk=pack_id)
        if locked.status != SarPack.Status.BUILDING:
            return f"not building ({locked.status})"
        locked.items.all().delete()
        snapshot(locked, rows)
        locked.status, locked.built_at = SarPack.Status.REVIEW, timezone.now()
        locked.save(update_fields=["status", "built_at"])
        areas = dict(Counter(row["area"] for row in rows))
        audit.record(
            "pastoral.sar.pack_built",
            actor=actor,
            obj=sar,
            pupil=pupil,
            data={"items": len(rows), "areas": areas},
        )
    return "built"


def fail_stuck_packs(now=None):
    """Fail packs whose build will never finish, so the page offers "Build again"."""
    now = now or timezone.now()
    never_started = SarPack.objects.filter(status=SarPack.Status.QUEUED, requested_at__lte=now - STUCK_AFTER)
    died = SarPack.objects.filter(status=SarPack.Status.BUILDING, started_at__lte=now - export_stale_after())
    count = never_started.update(status=SarPack.Status.FAILED, error="The build did not start in time. Build again.")
    return count + died.update(status=SarPack.Status.FAILED, error="The build stopped before it finished. Build again.")
