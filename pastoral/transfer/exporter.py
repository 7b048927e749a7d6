"""Export one school: every row that belongs to it (placement.py), the files they name, and a manifest.

Rows are read in primary-key order, a chunk at a time, inside one REPEATABLE READ transaction, so the archive is one
consistent picture of the school even while the app is in use.
"""

import datetime
import getpass
import hashlib
import json
import os
import zipfile
from collections import defaultdict
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils import timezone

from pastoral import audit

from . import placement
from .archive import CHUNK, FORMAT, FORMAT_VERSION, MANIFEST, TransferError, data_member, file_member, file_sha256

ROWS_PER_CHUNK = 2000


class _HashingWriter:
    """Writes through to a zip member, counting and hashing the bytes."""

    def __init__(self, sink):
        self._sink = sink
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data):
        self.digest.update(data)
        self.size += len(data)
        self._sink.write(data)

    def result(self):
        return {"sha256": self.digest.hexdigest(), "bytes": self.size}


class ExportEncoder(DjangoJSONEncoder):
    """Django's JSON, except that times keep their microseconds (DjangoJSONEncoder cuts them to milliseconds, which
    an import would then lose)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def migration_state(using="default"):
    """{app label: [applied migration names]} for the project's apps and the ones they depend on."""
    state = defaultdict(list)
    for app_label, name in sorted(MigrationRecorder(connections[using]).applied_migrations()):
        state[app_label].append(name)
    return dict(state)


class Exporter:
    def __init__(self, school, *, using="default"):
        self.school = school
        self.using = using
        self.placements = placement.plan()
        self.order = placement.export_order(self.placements)
        self.selected = {}  # model -> queryset of its exported rows
        self.exported = defaultdict(set)  # model -> exported primary keys
        self.references = defaultdict(set)  # model -> primary keys that exported rows point at
        self.referenced_by = defaultdict(set)  # model -> "label.field" of the rows that point at it
        self.counts = {}
        self.members = []
        self.files = {}  # (storage name) -> manifest entry
        self.missing_files = []
        self._natural = {}
        self._to_pk = {}

    # Selection ---------------------------------------------------------------------------------------------------

    def queryset(self, model):
        kind = self.placements[model].kind
        manager = model._base_manager.using(self.using)
        if kind == "school":
            return manager.filter(pk=self.school.pk)
        if kind == "scoped":
            condition = Q()
            for path in self.placements[model].paths:
                if path.related_model is self.school.__class__:
                    condition |= Q(**{path.attname: self.school.pk})
                else:
                    condition |= Q(**{f"{path.attname}__in": self.selected[path.related_model].values("pk")})
            return manager.filter(condition)
        if kind in ("trust_level", "reference", "users"):
            return manager.filter(pk__in=sorted(self.references[model]))
        if kind == "trust":
            return manager.filter(pk=self.school.trust_id)
        raise AssertionError(kind)

    def grants(self, model, content_type_field, object_field):
        """Per-record grants whose record is in the export."""
        from django.contrib.contenttypes.models import ContentType

        manager = model._base_manager.using(self.using)
        condition = Q()
        for target, pks in self.exported.items():
            if not pks:
                continue
            content_type = ContentType.objects.db_manager(self.using).get_for_model(target)
            ids = self.selected[target].annotate(_pk_text=Cast("pk", CharField())).values("_pk_text")
            condition |= Q(**{content_type_field: content_type, f"{object_field}__in": ids})
        return manager.filter(condition) if condition else manager.none()

    # Serialising ---------------------------------------------------------------------------------------------------

    def natural_key(self, model, pk):
        key = (model, pk)
        if key not in self._natural:
            obj = model._default_manager.db_manager(self.using).get(pk=pk)
            if placement.label(model) == "contenttypes.ContentType":
                self._natural[key] = [obj.app_label, obj.model]
            else:  # auth.Permission
                self._natural[key] = [obj.content_type.app_label, obj.content_type.model, obj.codename]
        return self._natural[key]

    def fields_of(self, model):
        left_out = set()
        if self.placements[model].kind == "users":
            left_out = placement.USER_SECRET_FIELDS
        if self.placements[model].kind == "trust":
            return [model._meta.get_field("code"), model._meta.get_field("name")]
        return [f for f in model._meta.concrete_fields if not f.primary_key and f.name not in left_out]

    def m2m_of(self, model):
        if self.placements[model].kind in ("users", "trust", "reference"):
            return []
        return placement.many_to_many(model)

    def write_model(self, archive, model):
        name = placement.label(model)
        fields = self.fields_of(model)
        m2m = self.m2m_of(model)
        files = {f.attname for f in placement.file_fields(model)}
        attnames = [f.attname for f in fields]
        queryset = self.selected[model].order_by("pk")
        count = 0
        with archive.open(data_member(name), "w", force_zip64=True) as sink:
            writer = _HashingWriter(sink)
            last = None
            while True:
                chunk = queryset.filter(pk__gt=last) if last is not None else queryset
                rows = list(chunk.values_list("pk", *attnames)[:ROWS_PER_CHUNK])
                if not rows:
                    break
                last = rows[-1][0]
                links = self.links(model, m2m, [row[0] for row in rows])
                lines = []
                for row in rows:
                    pk, values = row[0], row[1:]
                    record = {}
                    for field, value in zip(fields, values, strict=True):
                        record[field.name] = self.value(model, field, value, pk, files)
                    for field in m2m:
                        targets = links[field.name].get(pk, [])
                        record[field.name] = targets
                        self.refer(model, field, targets)
                    self.exported[model].add(pk)
                    lines.append(json.dumps({"model": name, "id": pk, "fields": record}, cls=ExportEncoder))
                writer.write(("\n".join(lines) + "\n").encode())
                count += len(rows)
        self.counts[name] = count
        self.members.append({"member": data_member(name), "model": name, **writer.result()})

    def links(self, model, m2m, pks):
        """{field name: {pk: [target pks]}} for a chunk of rows."""
        found = {}
        for field in m2m:
            through = field.remote_field.through
            source = field.m2m_field_name()
            target = field.m2m_reverse_name()
            pairs = defaultdict(list)
            rows = (
                through._default_manager.using(self.using)
                .filter(**{f"{source}__in": pks})
                .order_by(target)
                .values_list(source, target)
            )
            for source_pk, target_pk in rows:
                pairs[source_pk].append(target_pk)
            found[field.name] = pairs
        return found

    def refer(self, model, field, pks):
        target = field.related_model
        if placement.label(target) in placement.NATURAL_KEYS:
            return
        for pk in pks:
            if pk is not None:
                self.references[target].add(pk)
                self.referenced_by[target].add(f"{placement.label(model)}.{field.name}")

    def value(self, model, field, value, pk, files):
        if field.is_relation:
            if value is None:
                return None
            if placement.label(field.related_model) in placement.NATURAL_KEYS:
                return self.natural_key(field.related_model, value)
            if not field.target_field.primary_key:
                value = self.pk_for(field, value)
            self.refer(model, field, [value])
            return value
        if field.attname in files and value:
            self.files.setdefault(value, {"model": placement.label(model), "field": field.name, "id": pk})
        return value

    def pk_for(self, field, value):
        """A foreign key to another field than the primary key (to_field) is exported as the row's id too."""
        if field not in self._to_pk:
            target = field.related_model._base_manager.using(self.using)
            self._to_pk[field] = dict(target.values_list(field.target_field.attname, "pk"))
        return self._to_pk[field][value]

    def write_files(self, archive):
        for name, source in sorted(self.files.items()):
            field = apps.get_model(source["model"])._meta.get_field(source["field"])
            try:
                handle = field.storage.open(name, "rb")
            except FileNotFoundError:
                self.missing_files.append({"name": name, **source})
                continue
            member = file_member("media", name)
            with handle, archive.open(member, "w", force_zip64=True) as sink:
                writer = _HashingWriter(sink)
                while chunk := handle.read(CHUNK):
                    writer.write(chunk)
            self.members.append({"member": member, "name": name, **source, **writer.result()})

    # The whole export ---------------------------------------------------------------------------------------------

    def check_closed(self):
        """Every row the export points at is in it: otherwise an import could not rebuild the links."""
        problems = []
        for target, pks in sorted(self.references.items(), key=lambda item: placement.label(item[0])):
            missing = pks - self.exported[target]
            if missing:
                problems.append(
                    f"{len(missing)} {placement.label(target)} rows referred to by "
                    f"{', '.join(sorted(self.referenced_by[target]))} are not in the export "
                    f"(ids {sorted(missing)[:5]})"
                )
        if problems:
            raise TransferError(
                "The export would not be complete:\n" + "\n".join(f"- {p}" for p in problems) + "\n"
                "Give each of those models a path to the school in pastoral/transfer/placement.py."
            )

    def run(self, output):
        output = Path(output)
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(f".{output.name}.partial")
        try:
            connection = connections[self.using]
            outermost = not connection.in_atomic_block
            with transaction.atomic(using=self.using):
                if outermost:  # one snapshot for every query of the export
                    with connection.cursor() as cursor:
                        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                with open(partial, "wb") as handle:
                    os.chmod(partial, 0o600)
                    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
                        for model in self.order:
                            kind = self.placements[model].kind
                            if kind == "granted":
                                fields = placement.GRANTS[placement.label(model)]
                                self.selected[model] = self.grants(model, *fields)
                            else:
                                self.selected[model] = self.queryset(model)
                            self.write_model(archive, model)
                        self.check_closed()
                        self.write_files(archive)
                        manifest = self.manifest()
                        archive.writestr(MANIFEST, json.dumps(manifest, indent=1, sort_keys=True))
                    handle.flush()
                    os.fsync(handle.fileno())
            os.replace(partial, output)
        finally:
            if partial.exists():
                partial.unlink()
        archive_sha256 = file_sha256(output)
        audit.record(
            "pastoral.school.exported",
            school=self.school,
            obj=self.school,
            actor_label=operator(),
            data={
                "archive": output.name,
                "sha256": archive_sha256,
                "rows": sum(self.counts.values()),
                "files": len(self.files) - len(self.missing_files),
            },
        )
        return manifest

    def manifest(self):
        trust = self.school.trust
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "school": {"id": self.school.pk, "code": str(self.school.code), "name": self.school.name},
            "trust": {"id": trust.pk, "code": str(trust.code), "name": trust.name},
            "app": {
                "django": django.get_version(),
                "apps": list(placement.PROJECT_APPS),
                "migrations": migration_state(self.using),
            },
            "order": [placement.label(m) for m in self.order],
            "counts": self.counts,
            "members": self.members,
            "missing_files": self.missing_files,
            "time_zone": settings.TIME_ZONE,
        }


def operator():
    """Who ran the command, for the audit log: the operating-system account (there is no signed-in user)."""
    try:
        name = getpass.getuser()
    except Exception:
        name = "unknown"
    return f"manage.py ({name})"[:200]


def export_school(school, output, *, using="default"):
    """Write the archive for `school` to `output` and return its manifest."""
    return Exporter(school, using=using).run(output)
