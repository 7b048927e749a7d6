"""Known data for the termly report tests: a spring and a summer term, with records in both and elsewhere."""

import datetime
import uuid

from django.utils import timezone

from behaviour.models import BehaviourCategory, Location, Suspension
from behaviour.tests.factories import BehaviourCategoryFactory, BehaviourEventFactory, RemovalFactory
from behaviour.tests.interventions_helpers import make_intervention, make_training
from pastoral.files import exports
from pastoral.models import AcademicYear, Pupil, Term
from pastoral.tests.factories import PupilFactory
from pastoral.tests.pdftext import pdf_text
from safeguarding.models import Concern, FileTransfer, Referral
from safeguarding.services import categories_ensure

SPRING = (datetime.date(2026, 1, 5), datetime.date(2026, 3, 27))
SUMMER = (datetime.date(2026, 4, 13), datetime.date(2026, 7, 22))


def at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def calendar(school):
    year = AcademicYear.objects.create(
        school=school, name="2025/26", start=datetime.date(2025, 9, 1), end=datetime.date(2026, 8, 31)
    )
    spring = Term.objects.create(academic_year=year, name="Spring", start=SPRING[0], end=SPRING[1])
    summer = Term.objects.create(academic_year=year, name="Summer", start=SUMMER[0], end=SUMMER[1])
    return spring, summer


def seed(school, recorder, headteacher, *, events=5):
    """Records in the summer term, fewer in the spring term; returns the pupils."""
    pupils = {
        "amy": PupilFactory(school=school, sen_status=Pupil.SEN.SUPPORT, pupil_premium=True, year_group=8),
        "ben": PupilFactory(school=school, looked_after=True, year_group=9, child_protection_plan=True),
        "cal": PupilFactory(school=school, year_group=10, child_in_need=True),
        "dee": PupilFactory(school=school, year_group=7),
    }
    disruption = BehaviourCategoryFactory(school=school, name="Disruption", kind=BehaviourCategory.Kind.NEGATIVE)
    homework = BehaviourCategoryFactory(school=school, name="Homework", kind=BehaviourCategory.Kind.POSITIVE, points=3)
    corridor = Location.objects.create(school=school, name="Corridor")
    summer_day, spring_day = SUMMER[0] + datetime.timedelta(days=2), SPRING[0] + datetime.timedelta(days=3)
    for n in range(events):
        BehaviourEventFactory(
            pupil=pupils["amy" if n % 2 else "ben"],
            category=disruption,
            location=corridor,
            occurred_at=at(summer_day + datetime.timedelta(days=n)),
            recorded_by=recorder,
        )
    for n in range(3):
        BehaviourEventFactory(
            pupil=pupils["dee"], category=homework, occurred_at=at(summer_day, 11 + n), recorded_by=recorder
        )
    for _ in range(2):
        BehaviourEventFactory(
            pupil=pupils["cal"], category=disruption, occurred_at=at(spring_day), recorded_by=recorder
        )
    voided = BehaviourEventFactory(pupil=pupils["cal"], category=disruption, occurred_at=at(summer_day))
    voided.voided_at, voided.voided_by, voided.void_reason = timezone.now(), recorder, "Wrong pupil"
    voided.save()
    RemovalFactory(pupil=pupils["amy"], removed_at=at(summer_day), recorded_by=recorder)
    RemovalFactory(pupil=pupils["ben"], removed_at=at(summer_day), recorded_by=recorder)

    def suspension(pupil, kind, units, day, **fields):
        return Suspension.objects.create(
            school=school,
            pupil=pupil,
            kind=kind,
            status=fields.pop("status", Suspension.Status.FINALISED),
            start_date=day,
            length_units=units,
            summary="Assault on a member of staff",
            recorded_by=headteacher,
            decided_by=headteacher,
            decided_at=at(day),
            **fields,
        )

    suspension(pupils["amy"], Suspension.Kind.SUSPENSION, 2, SUMMER[0] + datetime.timedelta(days=7))
    suspension(pupils["amy"], Suspension.Kind.SUSPENSION, 3, SUMMER[0] + datetime.timedelta(days=21))
    suspension(pupils["ben"], Suspension.Kind.LUNCHTIME, 1, SUMMER[0] + datetime.timedelta(days=8))
    suspension(pupils["cal"], Suspension.Kind.PERMANENT, None, SUMMER[0] + datetime.timedelta(days=30))
    suspension(pupils["dee"], Suspension.Kind.SUSPENSION, 4, SUMMER[0] + datetime.timedelta(days=9), status="draft")
    suspension(pupils["dee"], Suspension.Kind.SUSPENSION, 2, SPRING[0] + datetime.timedelta(days=9))

    staff_day = SUMMER[0] + datetime.timedelta(days=3)
    make_training(
        school, recorder, headteacher, completed_on=datetime.date(2025, 1, 1), expires_on=datetime.date(2027, 1, 1)
    )
    make_intervention(
        school,
        pupils["ben"],
        recorder,
        occurred_on=staff_day,
        injuries=True,
        injury_details="Graze",
        parent_reported_at=at(staff_day, 15),
        pupil_debrief_on=staff_day,
        duration_minutes=7,
    )
    make_intervention(school, pupils["ben"], headteacher, occurred_on=staff_day + datetime.timedelta(days=1))

    categories = {category.name: category for category in categories_ensure(school)}
    concerns = []
    for name in ("Physical abuse", "Physical abuse", "Neglect"):
        concern = Concern.objects.create(
            school=school,
            reporter=recorder,
            category=categories[name],
            occurred_at=at(summer_day),
            reported_at=at(summer_day),
            account="Saw a mark on the arm",
            child_words="It was my brother",
            submission_key=uuid.uuid4(),
        )
        concern.pupils.set([pupils["ben"]])
        concerns.append(concern)
    Referral.objects.create(
        school=school,
        concern=concerns[0],
        pupil=pupils["ben"],
        agency=Referral.Agency.choices[0][0],
        referred_on=summer_day,
        made_by=headteacher,
    )
    FileTransfer.objects.create(
        school=school,
        pupil=pupils["cal"],
        kind=FileTransfer.Kind.choices[0][0],
        leave_date=summer_day,
        due_by=summer_day + datetime.timedelta(days=7),
        destination="Hill School",
        created_by=headteacher,
        sent_at=at(summer_day + datetime.timedelta(days=3)),
        sent_by=headteacher,
    )
    return pupils


def termly_pdf(owner, school, parameters):
    """Ask for the report through the export path; returns (file, text)."""
    generated_file = exports.request_export(
        actor=owner, kind_name="pastoral.termly_report", school=school, parameters=parameters
    )
    exports.generate(generated_file.pk)  # what the queued task runs (on commit, outside a test transaction)
    generated_file.refresh_from_db()
    assert generated_file.status == "done", generated_file.error
    return generated_file, pdf_text(exports.read_stored(generated_file))


def summer(school):
    return {"school": str(school.code), "start": SUMMER[0].isoformat(), "end": SUMMER[1].isoformat()}
