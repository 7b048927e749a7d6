"""Import a school export into this deployment, as a new school of a trust here.

Everything happens in one transaction: the archive is checked against its manifest first, rows are inserted in the
order of their foreign keys with new primary keys (the export's ids are mapped to the new ones as they go), files are
re-encrypted with this deployment's file key, and the result is read back and compared with the manifest before the
transaction commits. Any difference rolls the whole import back and removes the files it stored.
"""

import uuid
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.db import IntegrityError, transaction

from pastoral import audit

from . import placement
from .archive import (
    TransferError,
    by_id_or_code,
    file_member,
    file_sha256,
    mismatch,
    open_checked,
    read_rows,
    sha256_of,
)
from .exporter import migration_state, operator

BATCH = 2000

# Models whose rows point at a record by content type and id rather than by a foreign key: they are imported after
# every other row, so that the id can be mapped to the record's new one.
GENERIC = {"pastoral.AuditEntry": ("content_type", "object_id"), **placement.GRANTS}


@dataclass
class ImportResult:
    school: object = None
    trust: object = None
    trust_created: bool = False
    created: dict = field(default_factory=dict)  # label -> rows created
    matched: dict = field(default_factory=dict)  # label -> rows matched to ones already here
    files: int = 0
    missing_files: list = field(default_factory=list)
    unknown_fields: dict = field(default_factory=dict)  # label -> field names this version does not have
    users_created: list = field(default_factory=list)
    users_matched: list = field(default_factory=list)
    renamed_users: list = field(default_factory=list)  # (exported username, username given here)


@contextmanager
def keeping_timestamps(model):
    """Insert the exported created/updated times as they are: auto_now(_add) fields would stamp the import's."""
    changed = []
    for model_field in model._meta.concrete_fields:
        if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
            changed.append((model_field, model_field.auto_now, model_field.auto_now_add))
            model_field.auto_now = model_field.auto_now_add = False
    try:
        yield
    finally:
        for model_field, auto_now, auto_now_add in changed:
            model_field.auto_now, model_field.auto_now_add = auto_now, auto_now_add


def import_order(models):
    """The models in an order where every row's foreign keys point at rows already inserted, and the fields that
    must be set afterwards to get there (nullable foreign keys in a cycle, and a model's keys to itself)."""
    present = set(models)
    depends = {}
    deferred = set()
    for model in models:
        depends[model] = defaultdict(list)
        for relation in placement.relations(model):
            target = relation.related_model
            if target is model:
                deferred.add((model, relation.name))
            elif target in present:
                depends[model][target].append(relation)
    order = []
    remaining = set(models)
    generic = [m for m in models if placement.label(m) in GENERIC]
    remaining -= set(generic)
    while remaining:
        ready = sorted((m for m in remaining if not any(t in remaining for t in depends[m])), key=placement.label)
        if ready:
            order += ready
            remaining -= set(ready)
            continue
        for model in sorted(remaining, key=placement.label):
            waiting = [r for t, relations in depends[model].items() if t in remaining for r in relations]
            if all(r.null for r in waiting):
                for relation in waiting:
                    deferred.add((model, relation.name))
                    depends[model].pop(relation.related_model, None)
                break
        else:
            names = ", ".join(sorted(placement.label(m) for m in remaining))
            raise TransferError(f"The foreign keys of {names} form a cycle of required fields: they cannot be inserted")
    return order + sorted(generic, key=placement.label), deferred


class Importer:
    def __init__(self, path, *, trust=None, using="default"):
        self.path = Path(path)
        self.trust_option = trust
        self.using = using
        self.placements = placement.plan()
        self.result = ImportResult()
        self.mapping = defaultdict(dict)  # label -> {exported id: id here}
        self.later = []  # (model, new pk, field, exported target id): deferred foreign keys
        self.links = []  # (m2m field, new pk, [exported target ids])
        self.stored = []  # names of the files saved, removed again if the import fails
        self.stored_checks = []  # (storage, name here, manifest entry)
        self._natural = {}

    # Checks before anything is written ----------------------------------------------------------------------------

    def check_migrations(self, manifest):
        here = migration_state(self.using)
        problems = []
        installed = {config.label for config in apps.get_app_configs()}
        for app_label, names in sorted(manifest["app"]["migrations"].items()):
            if app_label not in installed:
                continue  # an app this deployment does not run: its tables are not in the export either
            missing = sorted(set(names) - set(here.get(app_label, [])))
            if missing:
                problems.append(f"{app_label}: {', '.join(missing)}")
        if problems:
            raise TransferError(
                mismatch(
                    "The archive was written by a newer version of the app; this deployment lacks these migrations "
                    "(upgrade it and run manage.py migrate first)",
                    problems,
                )
            )

    def models_of(self, manifest):
        models = []
        for name in manifest["counts"]:
            try:
                model = apps.get_model(name)
            except LookupError:
                raise TransferError(
                    f"The archive holds rows of {name}, which this version of the app does not have"
                ) from None
            if model not in self.placements:
                raise TransferError(f"The archive holds rows of {name}, which this version of the app does not import")
            models.append(model)
        return models

    def refuse_present_school(self, manifest):
        school_model = apps.get_model("pastoral", "School")
        code = manifest["school"]["code"]
        existing = school_model._base_manager.using(self.using).filter(code=code).first()
        if existing is not None:
            raise TransferError(
                f"The school {existing.name!r} (code {code}) is already in this deployment (id {existing.pk}): an "
                "import never makes a second copy of a school. To import it again, remove the school here first."
            )

    # Looking things up ---------------------------------------------------------------------------------------------

    def natural_pk(self, model, key):
        key = tuple(key)
        cache_key = (placement.label(model), key)
        if cache_key not in self._natural:
            if placement.label(model) == "contenttypes.ContentType":
                found = ContentType.objects.db_manager(self.using).get_by_natural_key(*key)
            else:
                from django.contrib.auth.models import Permission

                found = Permission.objects.db_manager(self.using).get_by_natural_key(key[2], key[0], key[1])
            self._natural[cache_key] = found.pk
        return self._natural[cache_key]

    def mapped(self, model, exported_id):
        try:
            return self.mapping[placement.label(model)][exported_id]
        except KeyError:
            raise TransferError(
                f"A row refers to {placement.label(model)} id {exported_id}, which the archive does not hold"
            ) from None

    def target_value(self, model_field, pk):
        """What the foreign key column holds for the row `pk`: the row's to_field value when it is not the key."""
        if model_field.target_field.primary_key:
            return pk
        key = (model_field, pk)
        if key not in self._natural:
            manager = model_field.related_model._base_manager.using(self.using)
            self._natural[key] = manager.values_list(model_field.target_field.attname, flat=True).get(pk=pk)
        return self._natural[key]

    def resolve_trust(self, manifest):
        trust_model = apps.get_model("pastoral", "Trust")
        manager = trust_model._base_manager.using(self.using)
        exported = manifest["trust"]
        if self.trust_option:
            option = str(self.trust_option)
            found = by_id_or_code(manager.all(), option)
            if found is None:
                matches = list(manager.filter(name__iexact=option)[:2])
                if len(matches) > 1:
                    raise TransferError(f"More than one trust is called {option!r}: give its id or code")
                found = matches[0] if matches else None
            if found is None:
                raise TransferError(f"No trust {option!r} in this deployment (give its id, code or exact name)")
            self.result.trust = found
        else:
            code = exported["code"]
            if manager.filter(code=code).exists():
                code = uuid.uuid4()
            self.result.trust = manager.create(code=code, name=exported["name"])
            self.result.trust_created = True
        self.mapping["pastoral.Trust"][exported["id"]] = self.result.trust.pk

    # Rows ----------------------------------------------------------------------------------------------------------

    def build(self, model, row, deferred, archive):
        """The model instance for one exported row, its foreign keys mapped to the rows here."""
        name = placement.label(model)
        values = {}
        for field_name, value in row["fields"].items():
            try:
                model_field = model._meta.get_field(field_name)
            except Exception:
                self.result.unknown_fields.setdefault(name, set()).add(field_name)
                continue
            if model_field.many_to_many:
                if value:
                    self.links.append((model_field, row["id"], value))
                continue
            if model_field.is_relation:
                target = model_field.related_model
                if value is None:
                    values[model_field.attname] = None
                elif placement.label(target) in placement.NATURAL_KEYS:
                    values[model_field.attname] = self.natural_pk(target, value)
                elif (model, model_field.name) in deferred:
                    self.later.append((model, row["id"], model_field, value))
                    values[model_field.attname] = None
                else:
                    values[model_field.attname] = self.target_value(model_field, self.mapped(target, value))
            elif model_field.get_internal_type() in ("FileField", "ImageField") and value:
                values[model_field.attname] = self.store_file(model_field, value, archive)
            else:
                values[model_field.attname] = model_field.to_python(value)
        generic = GENERIC.get(name)
        if generic:
            content_type_field, object_field = generic
            values[object_field] = self.generic_id(values.get(f"{content_type_field}_id"), values.get(object_field))
        return model(**values)

    def generic_id(self, content_type_id, exported_id):
        """The id here of the record a generic reference names, or "" when it is not in the import."""
        if not content_type_id or not exported_id:
            return exported_id or ""
        content_type = ContentType.objects.db_manager(self.using).get_for_id(content_type_id)
        target = content_type.model_class()
        if target is None:
            return ""
        label = placement.label(target)
        try:
            return str(self.mapping[label][int(exported_id)])
        except (KeyError, ValueError):
            return ""

    def store_file(self, model_field, name, archive):
        entry = self.file_entries.get(name)
        if entry is None:  # missing at export: the row keeps the name, the summary says so
            self.result.missing_files.append(name)
            return name
        with archive.open(file_member("media", name)) as source:
            stored_name = model_field.storage.save(name, File(source, name=Path(name).name))
        self.stored.append((model_field.storage, stored_name))
        self.stored_checks.append((model_field.storage, stored_name, entry))
        return stored_name

    def insert(self, model, instances, exported_ids):
        manager = model._base_manager.db_manager(self.using)
        with keeping_timestamps(model):
            created = manager.bulk_create(instances, batch_size=BATCH)
        for exported_id, instance in zip(exported_ids, created, strict=True):
            self.mapping[placement.label(model)][exported_id] = instance.pk
        name = placement.label(model)
        self.result.created[name] = self.result.created.get(name, 0) + len(created)

    def import_rows(self, model, archive, deferred):
        name = placement.label(model)
        kind = self.placements[model].kind
        if kind == "trust":
            return  # resolved before: every row of the school points at the trust here
        if kind == "users":
            return self.import_users(model, archive)
        if kind == "reference":
            return self.import_reference(model, archive)
        reusable = kind == "trust_level" or self.under_trust_level(model)
        batch, ids = [], []
        for row in read_rows(archive, name):
            instance = self.build(model, row, deferred, archive)
            if reusable and self.reuse(model, instance, row["id"]):
                continue
            batch.append(instance)
            ids.append(row["id"])
            if len(batch) >= BATCH:
                self.insert(model, batch, ids)
                batch, ids = [], []
        if batch:
            self.insert(model, batch, ids)

    def under_trust_level(self, model):
        return any(self.placements[a].kind == "trust_level" for a in placement.ancestors(self.placements, model))

    def reuse(self, model, instance, exported_id):
        """A trust-level row (or one of its children) already here with the same code and parents: use it."""
        code_field = next((f for f in model._meta.concrete_fields if f.name == "code" and f.unique), None)
        if code_field is None:
            return False
        existing = model._base_manager.using(self.using).filter(code=instance.code).first()
        if existing is None:
            return False
        parents = [f for f in placement.relations(model) if f.name in ("trust", "provider")]
        parents += self.placements[model].paths
        if all(getattr(existing, f.attname) == getattr(instance, f.attname) for f in parents):
            self.mapping[placement.label(model)][exported_id] = existing.pk
            name = placement.label(model)
            self.result.matched[name] = self.result.matched.get(name, 0) + 1
            return True
        instance.code = uuid.uuid4()  # the same code belongs to another trust's row here
        return False

    def import_reference(self, model, archive):
        name = placement.label(model)
        natural = self.placements[model].natural
        manager = model._base_manager.using(self.using)
        for row in read_rows(archive, name):
            instance = self.build(model, row, set(), archive)
            existing = manager.filter(**{f: getattr(instance, f) for f in natural}).first()
            if existing is not None:
                self.mapping[name][row["id"]] = existing.pk
                self.result.matched[name] = self.result.matched.get(name, 0) + 1
            else:
                self.insert(model, [instance], [row["id"]])

    def import_users(self, model, archive):
        """Staff matched by email keep their account here (and gain the school's memberships); the rest are created
        without a password or two-factor device: they set a password and enrol an authenticator on first use."""
        name = placement.label(model)
        manager = model._base_manager.using(self.using)
        batch, ids = [], []
        for row in read_rows(archive, name):
            fields = row["fields"]
            existing = manager.filter(email__iexact=fields["email"]).first()
            if existing is not None:
                self.mapping[name][row["id"]] = existing.pk
                self.result.matched[name] = self.result.matched.get(name, 0) + 1
                self.result.users_matched.append(existing.email)
                continue
            user = self.build(model, row, set(), archive)
            user.set_unusable_password()
            user.is_superuser = False
            user.is_staff = False
            if manager.filter(code=user.code).exists():
                user.code = uuid.uuid4()
            wanted = user.username
            taken = {u.lower() for u in manager.filter(username__istartswith=wanted).values_list("username", flat=True)}
            taken |= {u.username.lower() for u in batch}
            suffix = 1
            while user.username.lower() in taken:
                suffix += 1
                user.username = f"{wanted}-{suffix}"
            if user.username != wanted:
                self.result.renamed_users.append((wanted, user.username))
            self.result.users_created.append(user.email)
            batch.append(user)
            ids.append(row["id"])
        if batch:
            self.insert(model, batch, ids)

    def finish_deferred(self):
        for model, exported_id, model_field, target_id in self.later:
            new_pk = self.mapped(model, exported_id)
            model._base_manager.using(self.using).filter(pk=new_pk).update(
                **{
                    model_field.attname: self.target_value(
                        model_field, self.mapped(model_field.related_model, target_id)
                    )
                }
            )

    def finish_links(self):
        grouped = defaultdict(list)
        for model_field, exported_id, targets in self.links:
            grouped[model_field].append((exported_id, targets))
        for model_field, rows in grouped.items():
            through = model_field.remote_field.through
            source = through._meta.get_field(model_field.m2m_field_name()).attname
            target = through._meta.get_field(model_field.m2m_reverse_field_name()).attname
            owner = model_field.model
            links = [
                through(**{source: self.mapped(owner, exported_id), target: self.mapped(model_field.related_model, t)})
                for exported_id, targets in rows
                for t in targets
            ]
            through._base_manager.db_manager(self.using).bulk_create(links, batch_size=BATCH)

    # Verification --------------------------------------------------------------------------------------------------

    def verify(self, manifest, models):
        problems = []
        for model in models:
            name = placement.label(model)
            expected = manifest["counts"][name]
            mapped = self.mapping[name]
            if self.placements[model].kind == "trust":
                continue
            if len(mapped) != expected:
                problems.append(f"{name}: {len(mapped)} rows imported, {expected} in the manifest")
            pks = sorted(set(mapped.values()))
            found = 0
            manager = model._base_manager.using(self.using)
            for start in range(0, len(pks), 10000):
                found += manager.filter(pk__in=pks[start : start + 10000]).count()
            if found != len(pks):
                problems.append(f"{name}: {found} of the {len(pks)} imported rows are in the database")
        for storage, name, entry in self.stored_checks:
            with storage.open(name, "rb") as handle:
                digest, size = sha256_of(handle)
            if (digest, size) != (entry["sha256"], entry["bytes"]):
                problems.append(f"file {entry['name']} (stored as {name}): SHA-256 or size differs from the manifest")
        if problems:
            raise TransferError(mismatch("The imported school does not match the archive's manifest", problems))

    # The whole import ----------------------------------------------------------------------------------------------

    def run(self):
        archive, manifest = open_checked(self.path)
        with archive:
            self.check_migrations(manifest)
            models = self.models_of(manifest)
            self.refuse_present_school(manifest)
            self.file_entries = {e["name"]: e for e in manifest["members"] if e["member"].startswith("files/")}
            order, deferred = import_order(models)
            try:
                with transaction.atomic(using=self.using):
                    self.resolve_trust(manifest)
                    for model in order:
                        self.import_rows(model, archive, deferred)
                    self.finish_deferred()
                    self.finish_links()
                    self.verify(manifest, models)
                    school_pk = self.mapping["pastoral.School"][manifest["school"]["id"]]
                    self.result.school = (
                        apps.get_model("pastoral", "School")._base_manager.using(self.using).get(pk=school_pk)
                    )
                    self.result.files = len(self.stored_checks)
                    self.record(manifest)
            except IntegrityError as error:
                self.remove_stored()
                raise TransferError(f"The import was refused by the database and nothing was kept: {error}") from error
            except BaseException:
                self.remove_stored()
                raise
        return self.result

    def remove_stored(self):
        for storage, name in self.stored:
            try:
                storage.delete(name)
            except OSError:
                pass

    def record(self, manifest):
        """The audit entry, in this deployment's log (audit.record's shape, on the database imported into)."""
        entry_model = apps.get_model("pastoral", "AuditEntry")
        school = self.result.school
        action = "pastoral.school.imported"
        if action not in audit.ACTIONS:
            raise AssertionError(action)
        entry_model._base_manager.db_manager(self.using).create(
            actor=None,
            actor_label=operator(),
            school_id=school.pk,
            action=action,
            content_type=ContentType.objects.db_manager(self.using).get_for_model(school),
            object_id=str(school.pk),
            object_repr=str(school)[:200],
            data={
                "archive": self.path.name,
                "sha256": file_sha256(self.path),
                "exported_at": manifest["created_at"],
                "source_school_code": manifest["school"]["code"],
                "source_trust": manifest["trust"]["name"],
                "rows": sum(self.result.created.values()),
                "files": self.result.files,
                "users_created": len(self.result.users_created),
                "users_matched": len(self.result.users_matched),
            },
        )


def import_school(path, *, trust=None, using="default"):
    """Import the archive at `path`; returns an ImportResult. Raises TransferError (nothing written) on any problem."""
    if not settings.FILE_ENCRYPTION_KEYS:
        raise TransferError("PASTORAL_FILE_KEYS is not set: imported files are encrypted with it")
    return Importer(path, trust=trust, using=using).run()
