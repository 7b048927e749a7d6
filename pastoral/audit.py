"""The one writer of the audit log.

Call `record(...)` inside the same transaction as the change it describes, so
either both are saved or neither is. The requester's IP comes from the
request context set by `RequestContextMiddleware`; tasks have none.
"""

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType

from .middleware import current_ip

SECRET_KEYS = {"password", "password1", "password2", "token", "otp_token", "secret", "key"}

# A sentence for each action, shown in audit timelines. Apps add theirs with `describe`.
ACTIONS = {
    "auth.login.succeeded": "signed in",
    "auth.login.failed": "failed to sign in",
    "auth.login.locked_out": "was locked out after repeated failed sign-ins",
    "auth.logout": "signed out",
    "auth.mfa.enrolled": "set up two-factor authentication",
    "auth.mfa.verified": "passed two-factor authentication",
    "auth.mfa.failed": "entered a wrong two-factor code",
    "auth.mfa.backup_codes_issued": "generated new backup codes",
    "auth.mfa.reset": "reset two-factor authentication",
    "auth.password_reset.requested": "asked for a password reset",
    "auth.password_reset.limited": "asked for a password reset past the limit (nothing was sent)",
    "auth.password.changed": "changed their password",
    "pastoral.pupil.viewed": "viewed the pupil profile",
    "pastoral.pupil.changed": "changed pupil details",
    "pastoral.pupil.searched": "searched pupils",
    "pastoral.pupil.exported": "exported pupils",
    "pastoral.pupils.imported": "imported pupils",
    "pastoral.contact.created": "added a family contact",
    "pastoral.contact.changed": "changed a family contact",
    "pastoral.contact.deleted": "removed a family contact",
    "pastoral.professional.created": "added a professional",
    "pastoral.professional.changed": "changed a professional",
    "pastoral.professional.deleted": "removed a professional",
    "pastoral.note.created": "logged a contact or note",
    "pastoral.note.voided": "voided a contact log entry",
    "pastoral.calendar.changed": "changed the school calendar",
    "pastoral.closure.created": "added a school closure day",
    "pastoral.closure.changed": "changed a school closure day",
    "pastoral.closure.removed": "removed a school closure day",
    "pastoral.closure.bank_holidays_added": "added the bank holidays to the school calendar",
    "pastoral.staff.created": "created a staff account",
    "pastoral.staff.deactivated": "deactivated a staff account",
    "pastoral.staff.left_school": "ended a leaver's roles in one school (they keep roles elsewhere)",
    "pastoral.staff.reactivated": "reactivated a staff account",
    "pastoral.membership.granted": "granted a role",
    "pastoral.membership.ended": "ended a role",
    "pastoral.permission.granted": "granted access to a record",
    "pastoral.permission.revoked": "revoked access to a record",
    "pastoral.audit.viewed": "read the audit log",
    "pastoral.school.exported": "exported the whole school to an archive (manage.py export_school)",
    "pastoral.school.imported": "imported the school from another deployment's archive (manage.py import_school)",
    "pastoral.export.refused": "was refused someone else's export",
}


def describe(action, sentence):
    ACTIONS[action] = sentence


# Actions (by prefix) left out of the school's audit log page: records so confidential that the fact of a read
# or of who raised them must not reach everyone who reads the log. The area that registers them shows their
# trail on the record's own page instead.
PRIVATE_PREFIXES = set()


def keep_private(prefix):
    PRIVATE_PREFIXES.add(prefix)


def _mask(data):
    if not data:
        return {}
    return {key: ("***" if key in SECRET_KEYS else value) for key, value in data.items()}


def record(action, *, actor=None, obj=None, pupil=None, school=None, data=None, actor_label=""):
    from .models import AuditEntry, Pupil

    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}; add it with audit.describe()")
    if pupil is None and isinstance(obj, Pupil):
        pupil = obj
    if school is None:
        school = getattr(obj, "school", None) or getattr(pupil, "school", None)
    entry = AuditEntry(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=actor_label or (actor.get_username() if actor is not None and actor.is_authenticated else ""),
        # A School or its id: a caller grouping rows by school_id need not load the schools.
        school_id=getattr(school, "pk", school),
        action=action,
        pupil=pupil,
        data=_mask(data),
        ip_address=current_ip(),
    )
    if obj is not None:
        entry.content_type = ContentType.objects.get_for_model(obj)
        entry.object_id = str(obj.pk)
        entry.object_repr = str(obj)[:200]
    entry.save()
    return entry


def record_refusal(action, *, actor, obj=None, code=None, status):
    """A refused read (403 or 404) of a sensitive record, written before the refusal is raised.

    It goes in the log of the record's school, whose auditors may see that the record exists; never in the
    asker's, and the asker's response is unchanged. A code that matches nothing is written too (with no school),
    so a probe is logged and a refusal costs the same whether or not the record exists. No pupil link and no
    name: a refusal does not belong on a pupil's timeline, only the ids are kept.
    """
    from .models import AuditEntry

    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}; add it with audit.describe()")
    entry = AuditEntry(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=actor.get_username() if actor is not None and actor.is_authenticated else "",
        school_id=getattr(obj, "school_id", None),
        action=action,
        data={"status": status, "code": str(code) if code is not None else str(getattr(obj, "code", ""))},
        ip_address=current_ip(),
    )
    if obj is not None:
        entry.content_type = ContentType.objects.get_for_model(obj)
        entry.object_id = str(obj.pk)
    entry.save()
    return entry


def changes(form):
    """The changed fields of a bound form as {field: new value}, JSON-safe."""
    result = {}
    for name in form.changed_data:
        value = form.cleaned_data.get(name)
        if hasattr(value, "pk"):
            value = str(value)
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        elif hasattr(value, "name") and hasattr(value, "read"):
            value = getattr(value, "name", "file")
        elif not isinstance(value, (str, int, float, bool, type(None), list, dict)):
            value = str(value)
        result[name] = value
    return result


@dataclass
class AuditLine:
    """One line of the audit page: an entry, and how many times in a row the same person did the same to the
    same record within a few minutes (every read is still stored; the page folds the repeats)."""

    entry: object
    times: int = 1
    earliest: object = None

    @property
    def sentence(self):
        return ACTIONS.get(self.entry.action, self.entry.action)


def collapse(entries, minutes=5):
    """AuditLines from entries newest first, folding repeats of one action on one record by one person."""
    lines = []
    window = datetime.timedelta(minutes=minutes)
    for entry in entries:
        last = lines[-1] if lines else None
        if (
            last is not None
            and last.entry.actor_id == entry.actor_id
            and last.entry.actor_label == entry.actor_label
            and last.entry.action == entry.action
            and last.entry.content_type_id == entry.content_type_id
            and last.entry.object_id == entry.object_id
            and last.entry.pupil_id == entry.pupil_id
            and (last.earliest or last.entry.at) - entry.at <= window
        ):
            last.times += 1
            last.earliest = entry.at
            continue
        lines.append(AuditLine(entry))
    return lines
