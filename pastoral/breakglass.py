"""Break-glass: a headteacher or trust DSL opens, in an emergency, a record they are not on the access list of.

Some records are read by fewer people than the whole school's leadership: a pupil's keywork notes (the keyworker
and the leads), support plans and medical records for a trust DSL, and so on. When a child is at risk and the
people on the list cannot be reached, a headteacher or trust DSL (permission `pastoral.break_glass`) may open one
such record by giving a reason:

- the grant covers that one record for GRANT_MINUTES minutes (a `BreakGlassAccess` row), read-only;
- the opening is written to the audit log (`pastoral.break_glass`), and every read made through the grant too
  (`pastoral.break_glass.read`);
- the school's DSL and deputy DSLs get an in-app notice at once and an email through the outbox that names no
  child; the use appears in the review list (`/break-glass/`) of the DSL team and of the data-protection lead
  (the headteacher, until the trust names one: permission `pastoral.review_break_glass`), and in the weekly
  email.

A superuser with no role, an IT admin and every other role cannot break glass: they are refused as before.

Duty apps register each record kind from their `AppConfig.ready()`:

    breakglass.register(
        "provision.keywork_session",
        label="keywork session",
        find=lambda code: KeyworkSession.objects.select_related("pupil").filter(code=code).first(),
        school_id=lambda session: session.school_id,
        pupil=lambda session: session.pupil,
        can_read=lambda user, session: ...,   # without any grant
        url=lambda session: reverse(...),
    )

and keep their selectors the one "visible to this user" place: `sessions_visible_to(user)` adds
`breakglass.granted(user, KIND)` (a subquery, no query of its own), and the fetch helper refuses through
`breakglass.refuse(..., kind_name=KIND)`, which offers the emergency page instead of a bare 403, and calls
`breakglass.note_read` after a read so that a read through the grant is audited as such.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from . import audit, outbox
from .accounts import access
from .accounts.roles import Role
from .exceptions import PastoralError

BREAK = "pastoral.break_glass"
REVIEW = "pastoral.review_break_glass"
# How long one opening lasts. An hour covers an emergency; after it, a second opening needs a second reason.
GRANT_MINUTES = 60
# A reason short enough to be "urgent" tells a reviewer nothing.
REASON_MIN_LENGTH = 20
# Who is told at once: the school's DSL team (the headteacher reviews through the list).
NOTIFIED_ROLES = [Role.DSL, Role.DEPUTY_DSL]


@dataclass(frozen=True)
class RecordKind:
    name: str
    label: str
    find: object  # find(code) -> record or None, not scoped to any user
    school_id: object  # school_id(record) -> int
    pupil: object  # pupil(record) -> Pupil or None
    can_read: object  # can_read(user, record) -> bool, through the app's own rules, without any grant
    url: object  # url(record) -> the record's page


_KINDS = {}


def register(name, *, label, find, school_id, pupil, can_read, url):
    _KINDS[name] = RecordKind(name, label, find, school_id, pupil, can_read, url)


def kind(name):
    return _KINDS.get(name)


def kinds():
    return dict(_KINDS)


def label_of(name):
    spec = _KINDS.get(name)
    return spec.label if spec else name


class BreakGlassOffer(PermissionDenied):
    """A 403 whose page offers "Open in an emergency" (see views.permission_denied)."""

    def __init__(self, kind_name, code):
        super().__init__("Not on this record's access list")
        self.kind = kind_name
        self.code = code

    @property
    def url(self):
        return reverse("pastoral:break_glass_open", args=[self.kind, self.code])


def may_break_glass(user, school_id):
    return access.has_school_perm(user, school_id, BREAK)


def _current_grants(user, kind_name, schools):
    from .models import BreakGlassAccess

    return BreakGlassAccess.objects.filter(
        user_id=user.pk, kind=kind_name, school_id__in=schools, expires_at__gt=timezone.now()
    )


def granted(user, kind_name, field="code"):
    """Q for the records of `kind_name` the user holds a current grant on, in schools where they may still break
    glass: a subquery inside the caller's query. None for everyone who may not break glass, so their selectors
    stay as they were (no query either way)."""
    schools = access.schools_with_perm(user, BREAK)
    if not schools:
        return None
    return Q(**{f"{field}__in": _current_grants(user, kind_name, schools).values("record_code")})


def holds(user, kind_name, record):
    """True while the user holds a current grant on this one record (one query; none for most users)."""
    schools = access.schools_with_perm(user, BREAK)
    if not schools:
        return False
    return _current_grants(user, kind_name, schools).filter(record_code=record.code).exists()


def offer_or_none(user, kind_name, record):
    """The offer to raise instead of a 403, or None when the user may not break glass for this record."""
    spec = _KINDS.get(kind_name)
    if spec is None or record is None or not may_break_glass(user, spec.school_id(record)):
        return None
    return BreakGlassOffer(kind_name, record.code)


def refuse(user, record, code, refused_action, *, allowed_to_know, noun, kind_name, offered=None):
    """`access.refuse`, except that a headteacher or trust DSL of the record's school is offered the emergency
    opening on the 403 page (the refusal is audited the same way). `offered` is the record the opening is for,
    when it is not `record` itself (a session of a pupil's keywork notes: the notes)."""
    if allowed_to_know:
        offer = offer_or_none(user, kind_name, offered if offered is not None else record)
        if offer is not None:
            if refused_action:
                audit.record_refusal(refused_action, actor=user, obj=record, code=code, status=403)
            raise offer
    access.refuse(user, record, code, refused_action, allowed_to_know=allowed_to_know, noun=noun)


def note_read(user, kind_name, record):
    """Audit a read made through a grant (called by the app's fetch helper after a read it allowed)."""
    spec = _KINDS[kind_name]
    school_id = spec.school_id(record)
    if not may_break_glass(user, school_id) or spec.can_read(user, record):
        return False
    audit.record(
        "pastoral.break_glass.read",
        actor=user,
        obj=record,
        pupil=spec.pupil(record),
        school=school_id,
        data={"kind": kind_name, "record": str(record.code)},
    )
    return True


def find_for_opening(user, kind_name, code):
    """(spec, record) for the emergency page: 404 unless the user may break glass in the record's school, or is
    already on the record's access list (the page then sends them to it)."""
    from django.http import Http404

    spec = _KINDS.get(kind_name)
    record = spec.find(code) if spec is not None else None
    if record is None:
        raise Http404("No such record")
    school_id = spec.school_id(record)
    if may_break_glass(user, school_id) or spec.can_read(user, record):
        return spec, record
    if access.is_member_of(user, school_id):
        raise PermissionDenied
    raise Http404("No such record")


@transaction.atomic
def break_glass_open(*, actor, kind_name, record, reason):
    """Grant `actor` one record for GRANT_MINUTES, audit it, notify the DSL team in the app and by email."""
    from .models import BreakGlassAccess, BreakGlassNotice
    from .selectors import staff_holding

    spec = _KINDS[kind_name]
    school_id = spec.school_id(record)
    if not may_break_glass(actor, school_id):
        raise PermissionDenied
    if spec.can_read(actor, record):
        raise PastoralError("You can already read this record: no emergency opening is needed.")
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN_LENGTH:
        raise PastoralError(f"Give the reason in at least {REASON_MIN_LENGTH} characters.")
    now = timezone.now()
    pupil = spec.pupil(record)
    use = BreakGlassAccess.objects.create(
        user=actor,
        kind=kind_name,
        record_code=record.code,
        school_id=school_id,
        pupil=pupil,
        reason=reason,
        at=now,
        expires_at=now + datetime.timedelta(minutes=GRANT_MINUTES),
    )
    audit.record(
        "pastoral.break_glass",
        actor=actor,
        obj=record,
        pupil=pupil,
        school=school_id,
        data={"kind": kind_name, "record": str(record.code), "reason": reason, "minutes": GRANT_MINUTES},
    )
    from .models import School

    recipients = staff_holding(School(pk=school_id), NOTIFIED_ROLES).exclude(pk=actor.pk)
    BreakGlassNotice.objects.bulk_create(
        [BreakGlassNotice(access=use, recipient=user, created_at=now) for user in recipients],
        ignore_conflicts=True,
    )
    outbox.enqueue("pastoral.tasks.break_glass_notify_task", use.pk)
    return use


# --- the review list ----------------------------------------------------------------------------------------


def uses_visible_to(user):
    """Every break-glass use in the schools where the user reviews them."""
    from .models import BreakGlassAccess

    return BreakGlassAccess.objects.filter(school_id__in=access.schools_with_perm(user, REVIEW))


def unseen_notices(user):
    from .models import BreakGlassNotice

    return BreakGlassNotice.objects.filter(
        recipient_id=user.pk, seen_at__isnull=True, access__school_id__in=access.schools_with_perm(user, REVIEW)
    )


def get_use_for_reviewer(user, code):
    from .models import BreakGlassAccess

    use = BreakGlassAccess.objects.select_related("school").filter(code=code).first()
    if use is not None and access.has_school_perm(user, use.school_id, REVIEW):
        return use
    access.refuse(
        user,
        use,
        code,
        None,
        allowed_to_know=use is not None and access.is_member_of(user, use.school_id),
        noun="record",
    )


@transaction.atomic
def break_glass_review(*, actor, use, note):
    if not access.has_school_perm(actor, use.school_id, REVIEW):
        raise PermissionDenied
    if use.user_id == actor.pk:
        raise PastoralError("Someone else reviews your own emergency opening.")
    if use.reviewed_at is not None:
        raise PastoralError("This emergency opening has already been reviewed.")
    use.reviewed_at = timezone.now()
    use.reviewed_by = actor
    use.review_note = (note or "").strip()
    use.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
    audit.record(
        "pastoral.break_glass.reviewed",
        actor=actor,
        obj=use,
        pupil=use.pupil,
        school=use.school_id,
        data={"note": use.review_note},
    )
    return use


def mark_notices_seen(user, uses):
    from .models import BreakGlassNotice

    BreakGlassNotice.objects.filter(recipient_id=user.pk, seen_at__isnull=True, access__in=uses).update(
        seen_at=timezone.now()
    )


def uses_between(user, school, start, end):
    return uses_visible_to(user).filter(school=school, at__gte=start, at__lt=end)


def describe():
    audit.describe("pastoral.break_glass", "opened a record in an emergency (break-glass), giving a reason")
    audit.describe("pastoral.break_glass.read", "read a record through an emergency (break-glass) opening")
    audit.describe("pastoral.break_glass.reviewed", "reviewed an emergency (break-glass) opening of a record")
