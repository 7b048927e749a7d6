"""Writes for retention: the default rules, the nightly listing of records due, the lead's decisions (dispose of a
batch, keep some longer) and legal holds. One transaction each, audited without personal content."""

import datetime
import uuid

from django.core.exceptions import PermissionDenied
from django.db import connection, models, transaction
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Cast
from django.utils import timezone

from .. import audit
from ..accounts import access
from ..exceptions import PastoralError
from . import disposal, registry
from .models import DisposalCandidate, DisposalLogEntry, LegalHold, RetentionRule
from .permissions import MANAGE

HELD = "A legal hold covers this record."
BATCH_LIMIT = 500


class DueDate(models.Func):
    """basis + years, with 29 February → 1 March in a year without one (PostgreSQL alone would give 28 February)."""

    output_field = models.DateField()

    def __init__(self, expression, years):
        super().__init__(expression)
        self.years = int(years)

    def as_sql(self, compiler, connection_, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        later = f"(({sql}) + make_interval(years => {self.years}))::date"
        leap = f"CASE WHEN to_char({sql}, 'MMDD') = '0229' AND to_char({later}, 'MMDD') = '0228' THEN 1 ELSE 0 END"
        return f"({later} + {leap})", (*params, *params, *params)


def _require(actor, school):
    if not access.has_school_perm(actor, school, MANAGE):
        raise PermissionDenied


# Rules -------------------------------------------------------------------------


def ensure_default_rules():
    """One default rule (no trust) per registered record type; existing rows, maybe changed by the school, stay."""
    existing = set(RetentionRule.objects.filter(trust__isnull=True).values_list("record_type", flat=True))
    missing = [
        RetentionRule(
            record_type=t.key,
            basis=t.default.basis,
            years=t.default.years,
            action=t.default.action,
            source=t.default.source,
        )
        for t in registry.record_types()
        if t.key not in existing
    ]
    RetentionRule.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def rules_by_trust(key, trust_ids):
    """{rule: [trust ids]} for one record type: each trust's own rule, or the default."""
    rules = {r.trust_id: r for r in RetentionRule.objects.filter(record_type=key)}
    grouped = {}
    for trust_id in trust_ids:
        rule = rules.get(trust_id) or rules.get(None)
        if rule is not None:
            grouped.setdefault(rule, []).append(trust_id)
    return grouped


# The nightly listing -------------------------------------------------------------


def _list_type(record_type, rule, trust_ids, today):
    basis = record_type.basis_expression(rule.basis)
    if basis is None:
        return 0
    pupil = record_type.pupil_expression()
    rows = (
        record_type.rows()
        .filter(**{f"{record_type.school}__trust_id__in": trust_ids})
        .annotate(retention_basis=basis)
        .filter(retention_basis__lte=registry.cutoff(today, rule.years))
        .exclude(record_type.held())
        # Already listed (or kept longer): an anti-join on the candidates' unique index, so a night with nothing
        # new reads the due rows once and writes nothing.
        .exclude(
            Exists(
                DisposalCandidate.objects.filter(
                    record_type=record_type.key, object_id=Cast(OuterRef("pk"), models.CharField())
                )
            )
        )
        .values(
            r_type=Value(record_type.key, output_field=models.CharField()),
            r_object=Cast("pk", models.CharField()),
            r_school=F(record_type.school_path),
            r_pupil=pupil if pupil is not None else Cast(Value(None), models.BigIntegerField()),
            r_record_date=record_type.record_date_expression(),
            r_basis=F("retention_basis"),
            r_due=DueDate(F("retention_basis"), rule.years),
            r_rule=Cast(Value(rule.pk), models.BigIntegerField()),
        )
        .order_by()
    )
    sql, params = rows.query.sql_with_params()
    table = DisposalCandidate._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (code, record_type, object_id, school_id, pupil_id, record_date, basis_date, due_on,
                                 rule_id, status, blocked_reason, listed_at, extension_reason)
            SELECT gen_random_uuid(), q.r_type, q.r_object, q.r_school, q.r_pupil, q.r_record_date, q.r_basis,
                   q.r_due, q.r_rule, %s, '', %s, ''
            FROM ({sql}) q
            ON CONFLICT (record_type, object_id) DO NOTHING
            """,
            [str(DisposalCandidate.Status.AWAITING), timezone.now(), *params],
        )
        return cursor.rowcount


def _candidate_held():
    """Exists: an active hold covering the candidate (outer row)."""
    return Exists(
        LegalHold.objects.filter(released_at__isnull=True, school_id=OuterRef("school_id"))
        .filter(Q(record_type="") | Q(record_type=OuterRef("record_type")))
        .filter(Q(pupil__isnull=True) | Q(pupil_id=OuterRef("pupil_id")))
    )


def refresh_statuses(today, school_id=None):
    """Candidates kept longer come back on their new date; a hold blocks awaiting ones, its release frees them."""
    candidates = DisposalCandidate.objects.all()
    if school_id is not None:
        candidates = candidates.filter(school_id=school_id)
    statuses = DisposalCandidate.Status
    came_back = candidates.filter(status=statuses.EXTENDED, extended_to__lte=today).update(status=statuses.AWAITING)
    blocked = (
        candidates.filter(status=statuses.AWAITING)
        .filter(_candidate_held())
        .update(status=statuses.BLOCKED, blocked_reason=HELD)
    )
    freed = (
        candidates.filter(status=statuses.BLOCKED, blocked_reason=HELD)
        .exclude(_candidate_held())
        .update(status=statuses.AWAITING, blocked_reason="")
    )
    return came_back, blocked, freed


def list_due(today=None, *, audited=True):
    """List every record that has reached its date as a DisposalCandidate: one INSERT … SELECT per record type
    and rule, skipping held records and those already listed. Returns the number of new candidates."""
    from ..models import Trust

    today = today or timezone.localdate()
    ensure_default_rules()
    trust_ids = list(Trust.objects.values_list("pk", flat=True))
    listed = 0
    with transaction.atomic():
        for record_type in registry.record_types():
            for rule, trusts in rules_by_trust(record_type.key, trust_ids).items():
                listed += _list_type(record_type, rule, trusts, today)
        refresh_statuses(today)
        if audited:
            audit.record("pastoral.retention.listed", data={"listed": listed, "on": today.isoformat()})
    return listed


# The lead's decisions ------------------------------------------------------------


def _chosen(school, key, codes, status=DisposalCandidate.Status.AWAITING):
    record_type = registry.get(key)
    if record_type is None:
        raise PastoralError("Unknown record type.")
    if not codes:
        raise PastoralError("Choose at least one record.")
    candidates = list(
        DisposalCandidate.objects.select_for_update(of=("self",))
        .filter(school=school, record_type=key, code__in=list(codes)[:BATCH_LIMIT], status=status)
        .select_related("pupil", "rule")
        .order_by("id")
    )
    if not candidates:
        raise PastoralError("None of the chosen records is awaiting a decision.")
    return record_type, candidates


def _purge(record_type, pks, registered):
    try:
        with transaction.atomic():
            return disposal.purge(record_type.get_model(), pks, registered), set()
    except disposal.KeptByAnother:
        pass
    files, deleted, kept = [], {}, {}
    for pk in pks:
        try:
            with transaction.atomic():
                one_files, one_deleted = disposal.purge(record_type.get_model(), [pk], registered)
        except disposal.KeptByAnother as exc:
            kept[pk] = exc.label
            continue
        files.extend(one_files)
        for model, model_pks in one_deleted.items():
            deleted.setdefault(model, []).extend(model_pks)
    return (files, deleted), kept


def _withdraw_generated_files(school, pupil_codes, now):
    """Live exports and reports of the school made before the disposal may hold a copy of the records: they are
    withdrawn (file removed, row marked deleted), except those about another named pupil."""
    from ..files.exports import storage
    from ..models import GeneratedFile

    live = GeneratedFile.objects.select_for_update().filter(school=school, deleted_at__isnull=True, created_at__lte=now)
    live = live.filter(Q(parameters__pupil__isnull=True) | Q(parameters__pupil__in=list(pupil_codes)))
    files = [(storage(), name) for name in live.exclude(storage_name="").values_list("storage_name", flat=True)]
    count = live.update(deleted_at=now)
    return files, count


@transaction.atomic
def dispose(*, actor, school, record_type, codes):
    """Dispose of the chosen candidates: the records, their parts and files are removed, the disposal is logged
    without personal content, and audit entries about them lose their free text. Held records are blocked."""
    _require(actor, school)
    kind, candidates = _chosen(school, record_type, codes)
    today, now = timezone.localdate(), timezone.now()
    # Held now, whether or not the nightly listing has seen the hold: the record's own school and pupils decide.
    held_objects = {
        str(pk)
        for pk in kind.rows()
        .filter(pk__in=[c.object_id for c in candidates])
        .filter(kind.held())
        .values_list("pk", flat=True)
    }
    held_ids = {c.pk for c in candidates if c.object_id in held_objects}
    if held_ids:
        DisposalCandidate.objects.filter(pk__in=held_ids).update(
            status=DisposalCandidate.Status.BLOCKED, blocked_reason=HELD
        )
    candidates = [c for c in candidates if c.pk not in held_ids]
    model = kind.get_model()
    existing = model._base_manager.in_bulk([c.object_id for c in candidates])
    by_object = {str(pk): pk for pk in existing}
    registered = registry.models_registered()
    pks = [by_object[c.object_id] for c in candidates if c.object_id in by_object]
    extra_files = kind.files(pks) if kind.files else []
    (files, deleted), kept = _purge(kind, pks, registered)
    files.extend(f for f in extra_files if not kept)
    for candidate in candidates:
        pk = by_object.get(candidate.object_id)
        if pk in kept:
            candidate.status = DisposalCandidate.Status.BLOCKED
            candidate.blocked_reason = f"A {kept[pk].lower()} record still kept refers to it."[:200]
            candidate.save(update_fields=["status", "blocked_reason"])
    done = [c for c in candidates if by_object.get(c.object_id) not in kept]
    batch = uuid.uuid4()
    DisposalLogEntry.objects.bulk_create(
        DisposalLogEntry(
            batch=batch,
            school=school,
            record_type=kind.key,
            record_label=kind.label,
            object_id=c.object_id,
            pupil_reference=c.pupil.upn if c.pupil else "",
            record_date=c.record_date,
            basis_date=c.basis_date,
            due_on=c.due_on,
            rule=f"{c.rule.get_basis_display()} + {c.rule.years} years, then {c.rule.get_action_display().lower()}",
            rule_source=c.rule.source,
            authorised_by=actor,
            disposed_at=now,
            files_removed=0,
        )
        for c in done
    )
    disposal.redact_audit(deleted)
    pupil_codes = {str(c.pupil.code) for c in done if c.pupil}
    withdrawn_files, withdrawn = _withdraw_generated_files(school, pupil_codes, now) if done else ([], 0)
    DisposalCandidate.objects.filter(pk__in=[c.pk for c in done]).delete()
    audit.record(
        "pastoral.retention.disposed",
        actor=actor,
        school=school,
        data={
            "record_type": kind.key,
            "count": len(done),
            "blocked": len(held_ids) + len(kept),
            "files": len(files) + len(withdrawn_files),
            "exports_withdrawn": withdrawn,
            "batch": str(batch),
            "on": today.isoformat(),
        },
    )
    to_remove = files + withdrawn_files
    transaction.on_commit(lambda: disposal.remove_files(to_remove))
    return {"disposed": len(done), "blocked": len(held_ids) + len(kept), "batch": batch}


@transaction.atomic
def extend(*, actor, school, record_type, codes, keep_until, reason):
    """Keep the chosen records longer: they come back for review on `keep_until`."""
    _require(actor, school)
    if not reason.strip():
        raise PastoralError("Give the reason for keeping these records longer.")
    if keep_until <= timezone.localdate():
        raise PastoralError("Keep them until a date after today.")
    if keep_until > timezone.localdate() + datetime.timedelta(days=366 * 50):
        raise PastoralError("Choose a date within fifty years.")
    kind, candidates = _chosen(school, record_type, codes)
    now = timezone.now()
    DisposalCandidate.objects.filter(pk__in=[c.pk for c in candidates]).update(
        status=DisposalCandidate.Status.EXTENDED,
        extended_to=keep_until,
        extension_reason=reason,
        extended_by=actor,
        extended_at=now,
    )
    audit.record(
        "pastoral.retention.extended",
        actor=actor,
        school=school,
        data={"record_type": kind.key, "count": len(candidates), "until": keep_until.isoformat()},
    )
    return len(candidates)


# Legal holds -----------------------------------------------------------------------


@transaction.atomic
def set_hold(*, actor, school, reason, pupil=None, record_type=""):
    _require(actor, school)
    if pupil is not None and pupil.school_id != school.pk:
        raise PastoralError("Choose a pupil of this school.")
    if record_type and registry.get(record_type) is None:
        raise PastoralError("Unknown record type.")
    if not reason.strip():
        raise PastoralError("Give the reason for the hold.")
    hold = LegalHold.objects.create(school=school, pupil=pupil, record_type=record_type, reason=reason, set_by=actor)
    refresh_statuses(timezone.localdate(), school_id=school.pk)
    audit.record(
        "pastoral.retention.hold_set",
        actor=actor,
        obj=hold,
        pupil=pupil,
        school=school,
        data={"record_type": record_type, "whole_school": pupil is None and not record_type},
    )
    return hold


@transaction.atomic
def release_hold(*, actor, hold, reason):
    _require(actor, hold.school)
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if hold.released_at is not None:
        raise PastoralError("This hold has already been released.")
    if not reason.strip():
        raise PastoralError("Give the reason for releasing the hold.")
    hold.released_by, hold.released_at, hold.release_reason = actor, timezone.now(), reason
    hold.save(update_fields=["released_by", "released_at", "release_reason"])
    refresh_statuses(timezone.localdate(), school_id=hold.school_id)
    audit.record("pastoral.retention.hold_released", actor=actor, obj=hold, pupil=hold.pupil, school=hold.school_id)
    return hold
