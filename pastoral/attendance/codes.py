"""The register codes (statutory rules §7.2), kept as data: the AttendanceCode rows a migration writes.

Each entry: code, meaning, group, counts, note required, first and last date it may be used.
"""

import datetime

from .models import CODES_2024_FROM, Counts

REGULATIONS_2024 = "Registration Regulations 2024"
BEFORE_2024 = "Registration Regulations 2006 (withdrawn)"
LAST_DAY_OF_OLD_CODES = CODES_2024_FROM - datetime.timedelta(days=1)

P, AEA, A, U, NC = Counts.PRESENT, Counts.ELSEWHERE, Counts.AUTHORISED, Counts.UNAUTHORISED, Counts.NOT_COUNTED
ELSEWHERE = "Attending a place other than the school"
LEAVE = "Leave of absence"
OTHER_AUTH = "Other authorised"
UNABLE = "Unable to attend, exceptional circumstances"

CODES_2024 = [
    ("/", "Present, morning session", "Present", P, False),
    ("\\", "Present, afternoon session", "Present", P, False),
    ("L", "Late, arrived before the register closed", "Present", P, False),
    ("K", "Attending education provision arranged by the local authority", ELSEWHERE, AEA, True),
    ("V", "Educational visit or trip arranged and supervised by the school", ELSEWHERE, AEA, False),
    ("P", "Approved sporting activity", ELSEWHERE, AEA, False),
    ("W", "Work experience", ELSEWHERE, AEA, False),
    ("B", "Other approved educational activity, off-site and supervised", ELSEWHERE, AEA, True),
    ("D", "Dual registered: attending a session at the other school", ELSEWHERE, NC, False),
    ("C1", "Regulated performance or employment abroad", LEAVE, A, False),
    ("M", "Medical or dental appointment", LEAVE, A, False),
    ("J1", "Interview for employment or admission to another institution", LEAVE, A, False),
    ("S", "Study leave", LEAVE, A, False),
    ("X", "Below compulsory school age, not required to attend this session", LEAVE, NC, False),
    ("C2", "Part-time timetable: not required to attend this session", LEAVE, A, False),
    ("C", "Leave for exceptional circumstances", LEAVE, A, False),
    ("T", "Parent travelling for occupational purposes", OTHER_AUTH, A, False),
    ("R", "Religious observance", OTHER_AUTH, A, False),
    ("I", "Illness (not appointments)", OTHER_AUTH, A, False),
    ("E", "Suspended or permanently excluded, no alternative provision made", OTHER_AUTH, A, False),
    ("Q", "Unable to attend: lack of access arrangements", UNABLE, NC, False),
    ("Y1", "Transport normally provided unavailable", UNABLE, NC, False),
    ("Y2", "Widespread disruption to travel", UNABLE, NC, False),
    ("Y3", "Part of the school premises unavoidably out of use", UNABLE, NC, False),
    ("Y4", "Whole school site unexpectedly closed", UNABLE, NC, False),
    ("Y5", "In criminal justice detention", UNABLE, NC, False),
    ("Y6", "Public health guidance or law prevents attendance", UNABLE, NC, False),
    ("Y7", "Any other unavoidable cause (record the cause)", UNABLE, NC, True),
    ("G", "Holiday not granted by the school", "Unauthorised", U, False),
    ("N", "Reason for absence not yet established", "Unauthorised", U, False),
    ("O", "Absent in other or unknown circumstances", "Unauthorised", U, False),
    ("U", "Arrived after the register closed", "Unauthorised", U, False),
    ("Z", "Prospective pupil not yet on the admission register", "Administrative", NC, False),
    ("#", "Planned whole or partial school closure", "Administrative", NC, False),
]

# Readable on marks before 19 Aug 2024, refused from that day.
WITHDRAWN = [
    ("H", "Holiday authorised by the school (withdrawn)", LEAVE, A),
    ("F", "Extended family holiday agreed (withdrawn)", LEAVE, A),
    ("J", "Interview (withdrawn: now J1)", ELSEWHERE, AEA),
    ("Y", "Exceptional circumstances (withdrawn: now Y1 to Y7)", UNABLE, NC),
]

# `-` is the MIS's "no mark yet": not a code, so an import skips it (and says how many it skipped).
NO_MARK = "-"


def rows():
    """Every AttendanceCode row as a dict, in display order."""
    out = []
    for order, (code, meaning, group, counts, note) in enumerate(CODES_2024, start=1):
        out.append(
            dict(
                code=code,
                meaning=meaning,
                group=group,
                counts=str(counts),
                note_required=note,
                valid_from=None,
                valid_to=None,
                list_version=REGULATIONS_2024,
                order=order,
            )
        )
    for order, (code, meaning, group, counts) in enumerate(WITHDRAWN, start=len(out) + 1):
        out.append(
            dict(
                code=code,
                meaning=meaning,
                group=group,
                counts=str(counts),
                note_required=False,
                valid_from=None,
                valid_to=LAST_DAY_OF_OLD_CODES,
                list_version=BEFORE_2024,
                order=order,
            )
        )
    return out


def ensure_codes():
    """Write the code rows if the table is empty (a database flushed after its migrations ran, as tests do)."""
    from .models import AttendanceCode

    if not AttendanceCode.objects.exists():
        AttendanceCode.objects.bulk_create([AttendanceCode(**row) for row in rows()], ignore_conflicts=True)
