"""Every URL name against every role: the status each must get.

302 = sent to sign in, 403 = their role stops them, 404 = the record is in a
school they cannot see, 405 = GET on a POST-only action.
"""

import importlib
import io
import pkgutil
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse
from PIL import Image

from behaviour.models import Removal, RestorativeMeeting, RewardMilestone
from behaviour.tests.factories import BehaviourCategoryFactory, BehaviourEventFactory
from conftest import verified_client
from pastoral.models import AcademicYear, PupilNote, Term
from pastoral.tests.factories import FamilyContactFactory, MembershipFactory, ProfessionalFactory
from tests.matrix import POST_ONLY, ROLES, statuses

# Each duty area adds its URLs in tests/matrix/<area>.py: ROWS, KWARG_NAMES and
# build(objects, request) returning the codes its rows need. Separate files keep
# the areas from editing one list.
AREAS = [
    importlib.import_module(f"tests.matrix.{m.name}")
    for m in pkgutil.iter_modules([str(Path(__file__).parent / "matrix")])
]


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def world(request, school, pupil, teacher, pastoral_staff, dsl, headteacher, it_admin, other_school_dsl):
    pupil.photo = png()
    pupil.save()
    contact = FamilyContactFactory(pupil=pupil)
    professional = ProfessionalFactory(pupil=pupil, kind="school_nurse")  # social-care kinds need the flags
    membership = MembershipFactory(school=school, role="teacher")
    note = PupilNote.objects.create(pupil=pupil, kind="phone_call", summary="Called mum", author=dsl)
    category = BehaviourCategoryFactory(school=school)
    event = BehaviourEventFactory(pupil=pupil, category=category, recorded_by=teacher)
    removal = Removal.objects.create(
        school=school,
        pupil=pupil,
        event=event,
        reason="Shouting",
        removed_to="Reflection room",
        duration_minutes=30,
        recorded_by=teacher,
    )
    meeting = RestorativeMeeting.objects.create(
        school=school, agreed="Apologised and shook hands", repair_happened="yes", recorded_by=teacher
    )
    meeting.incidents.add(event)
    meeting.pupils.add(pupil)
    milestone = RewardMilestone.objects.create(school=school, name="Bronze certificate", points=25)
    year = AcademicYear.objects.create(school=school, name="2026/27", start=date(2026, 9, 1), end=date(2027, 8, 31))
    term = Term.objects.create(academic_year=year, name="Autumn", start=date(2026, 9, 3), end=date(2026, 12, 18))
    world = {
        "pupil": pupil.code,
        "contact": contact.code,
        "professional": professional.code,
        "member": membership.user.code,
        "membership": membership.code,
        "note": note.code,
        "category": category.code,
        "event": event.code,
        "removal": removal.code,
        "meeting": meeting.code,
        "term": term.code,
        "milestone": milestone.code,
        "users": {
            "teacher": teacher,
            "pastoral_staff": pastoral_staff,
            "dsl": dsl,
            "headteacher": headteacher,
            "it_admin": it_admin,
            "other_school_dsl": other_school_dsl,
        },
    }
    objects = {"school": school, "pupil": pupil, "event": event, "category": category, "term": term}
    for area in AREAS:
        built = area.build(objects, request)
        # Two areas naming an object alike would silently point one area's rows at the other's record.
        clash = set(built) & set(world)
        assert not clash, f"{area.__name__} reuses the object names {sorted(clash)}"
        world.update(built)
    return world


P = ("pupil",)
ALL_STAFF_OK = statuses(302, 200, 200, 200, 200, 200, 200)
PUPIL_READ = statuses(302, 200, 200, 200, 200, 403, 404)
PUPIL_WRITE = statuses(302, 403, 200, 200, 200, 403, 404)
STAFF_ADMIN = statuses(302, 403, 403, 403, 200, 200, 403)
PUBLIC = statuses(200, 200, 200, 200, 200, 200, 200)

# (url name, kwargs taken from the world, expected status by role)
MATRIX = [
    ("pastoral:home", (), ALL_STAFF_OK),
    ("pastoral:switch_school", (), POST_ONLY),
    ("pastoral:pupil_list", (), statuses(302, 200, 200, 200, 200, 403, 200)),
    ("pastoral:pupil_search", (), statuses(302, 200, 200, 200, 200, 403, 200)),
    ("pastoral:pupil_import", (), statuses(302, 403, 403, 403, 200, 403, 403)),
    ("pastoral:pupil_import_template", (), statuses(302, 403, 403, 403, 200, 403, 403)),
    ("pastoral:pupil_detail", P, PUPIL_READ),
    ("pastoral:pupil_photo", P, PUPIL_READ),
    ("pastoral:pupil_cards", P, PUPIL_READ),
    ("pastoral:pupil_edit", P, PUPIL_WRITE),
    ("pastoral:contact_create", P, PUPIL_WRITE),
    ("pastoral:contact_edit", ("pupil", "contact"), PUPIL_WRITE),
    ("pastoral:contact_delete", ("pupil", "contact"), POST_ONLY),
    ("pastoral:professional_create", P, PUPIL_WRITE),
    ("pastoral:professional_edit", ("pupil", "professional"), PUPIL_WRITE),
    ("pastoral:professional_delete", ("pupil", "professional"), POST_ONLY),
    ("pastoral:note_create", P, PUPIL_WRITE),
    ("pastoral:note_detail", ("pupil", "note"), PUPIL_READ),
    ("pastoral:note_void", ("pupil", "note"), POST_ONLY),
    ("pastoral:calendar", (), statuses(302, 403, 403, 403, 200, 200, 403)),
    ("pastoral:term_edit", ("term",), statuses(302, 403, 403, 403, 200, 200, 403)),
    ("pastoral:audit_log", (), statuses(302, 403, 403, 200, 200, 403, 200)),
    ("pastoral:staff_list", (), STAFF_ADMIN),
    ("pastoral:staff_create", (), STAFF_ADMIN),
    ("pastoral:staff_detail", ("member",), STAFF_ADMIN),
    ("pastoral:staff_deactivate", ("member",), POST_ONLY),
    ("pastoral:staff_reactivate", ("member",), POST_ONLY),
    ("pastoral:staff_reset_mfa", ("member",), POST_ONLY),
    ("pastoral:membership_end", ("member", "membership"), POST_ONLY),
    ("behaviour:event_list", (), statuses(302, 200, 200, 200, 200, 403, 200)),
    ("behaviour:quick_log", (), statuses(302, 200, 200, 200, 200, 403, 200)),
    ("behaviour:pupil_picker", (), statuses(302, 200, 200, 200, 200, 403, 200)),
    ("behaviour:event_detail", ("event",), statuses(302, 200, 200, 200, 200, 403, 404)),
    # The event was recorded by the teacher: the recorder and the leads correct it, not other colleagues.
    ("behaviour:event_edit", ("event",), statuses(302, 200, 403, 200, 200, 403, 404)),
    ("behaviour:event_void", ("event",), POST_ONLY),
    ("behaviour:removal_list", (), statuses(302, 200, 200, 200, 200, 403, 200)),
    ("behaviour:removal_create", (), statuses(302, 200, 200, 200, 200, 403, 200)),
    ("behaviour:removal_detail", ("removal",), statuses(302, 200, 200, 200, 200, 403, 404)),
    ("behaviour:removal_void", ("removal",), POST_ONLY),
    ("behaviour:removal_parents_told", ("removal",), POST_ONLY),
    ("behaviour:restorative_list", (), statuses(302, 200, 200, 200, 200, 403, 200)),
    ("behaviour:restorative_create", (), statuses(302, 200, 200, 200, 200, 403, 200)),
    ("behaviour:restorative_detail", ("meeting",), statuses(302, 200, 200, 200, 200, 403, 404)),
    ("behaviour:restorative_void", ("meeting",), POST_ONLY),
    ("behaviour:category_list", (), statuses(302, 403, 403, 403, 200, 403, 403)),
    ("behaviour:category_create", (), statuses(302, 403, 403, 403, 200, 403, 403)),
    ("behaviour:category_edit", ("category",), statuses(302, 403, 403, 403, 200, 403, 403)),
    ("behaviour:rewards", (), statuses(302, 200, 200, 200, 200, 403, 200)),
    ("behaviour:milestone_list", (), statuses(302, 403, 403, 403, 200, 403, 403)),
    ("behaviour:milestone_create", (), statuses(302, 403, 403, 403, 200, 403, 403)),
    ("behaviour:milestone_edit", ("milestone",), statuses(302, 403, 403, 403, 200, 403, 403)),
    ("accounts:login", (), statuses(200, 302, 302, 302, 302, 302, 302)),
    ("accounts:logout", (), statuses(405, 405, 405, 405, 405, 405, 405)),
    ("accounts:mfa_verify", (), statuses(302, 302, 302, 302, 302, 302, 302)),
    ("accounts:mfa_setup", (), statuses(302, 302, 302, 302, 302, 302, 302)),
    ("accounts:backup_codes", (), POST_ONLY),
    ("accounts:password_reset", (), PUBLIC),
    ("accounts:password_reset_done", (), PUBLIC),
    ("accounts:password_reset_confirm", ("uid", "token"), PUBLIC),
    ("accounts:password_reset_complete", (), PUBLIC),
]
for _area in AREAS:
    MATRIX += _area.ROWS

KWARG_NAMES = {
    "pupil": "code",
    "contact": "contact_code",
    "professional": "professional_code",
    "member": "code",
    "membership": "membership_code",
    "note": "note_code",
    "term": "term_code",
    "category": "code",
    "event": "code",
    "removal": "code",
    "meeting": "code",
    "milestone": "code",
    "uid": "uidb64",
    "token": "token",
}
for _area in AREAS:
    KWARG_NAMES.update(_area.KWARG_NAMES)


def url_for(name, keys, world):
    values = {"uid": "MQ", "token": "set-password", **world}
    return reverse(name, kwargs={KWARG_NAMES[key]: values[key] for key in keys})


@pytest.mark.parametrize("name,keys,expected", MATRIX, ids=[row[0] for row in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_it_gives_each_role_the_right_status(client, world, name, keys, expected, role):
    if role != "anonymous":
        verified_client(client, world["users"][role])
    response = client.get(url_for(name, keys, world))
    assert response.status_code == expected[role], f"{role} GET {name}"
    if expected[role] == 302 and role == "anonymous" and not name.startswith("accounts:"):
        assert response.url.startswith(reverse("accounts:login"))


def test_it_covers_every_named_url():
    resolver = get_resolver()
    named = set()
    for namespace, (_prefix, sub_resolver) in resolver.namespace_dict.items():
        if namespace == "admin":
            continue  # Django's own admin, for superusers; not ours to enumerate
        named |= {f"{namespace}:{name}" for name in sub_resolver.reverse_dict if isinstance(name, str)}
    assert named == {row[0] for row in MATRIX}
