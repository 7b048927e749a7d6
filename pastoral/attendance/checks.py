"""Cross-checks of the marks against the part-time timetables kept here (suspensions come through expectations)."""

from django.db.models import Exists, OuterRef

from .models import AttendanceMark, PartTimeTimetable


def c2_outside_timetable(school, start, end):
    """C2 marks not covered by an agreed part-time timetable: outside its dates, or on a session the pupil attends.

    Marks with no agreed timetable over their date are found in the database; the few that fall inside one are
    checked against its sessions here.
    """
    agreed = PartTimeTimetable.objects.filter(
        pupil_id=OuterRef("pupil_id"), agreed_with_parents=True, start__lte=OuterRef("date"), end__gte=OuterRef("date")
    )
    marks = (
        AttendanceMark.objects.filter(school=school, code="C2", date__gte=start, date__lte=end)
        .annotate(agreed=Exists(agreed))
        .select_related("pupil")
        .order_by("date", "session", "pupil_id")
    )
    marks = list(marks)
    inside = {mark.pupil_id for mark in marks if mark.agreed}
    timetables = {}
    for timetable in PartTimeTimetable.objects.filter(pupil_id__in=inside, agreed_with_parents=True):
        timetables.setdefault(timetable.pupil_id, []).append(timetable)
    found = []
    for mark in marks:
        if not mark.agreed:
            found.append((mark, "No agreed part-time timetable covers this day"))
        elif not any(t.covers(mark.date, mark.session) for t in timetables.get(mark.pupil_id, [])):
            found.append((mark, "The agreed timetable has the pupil in school this session"))
    return found


def overdue_reviews(timetables, today):
    return timetables.filter(review_on__lt=today, end__gte=today)
