"""What disposing of records removes: the rows, every part of them (rows that point at them and are not records
of their own), their uploaded files, and the free text of the audit entries about them."""

from django.db import connection, models
from django.db.models.deletion import PROTECT, RESTRICT

MAX_DEPTH = 6


class KeptByAnother(Exception):
    """A record of another type that is still kept refers to one being disposed of."""

    def __init__(self, label):
        super().__init__(label)
        self.label = label


def purge(model, pks, registered, depth=0):
    """Delete rows `pks` of `model` and their parts, deepest first.

    Returns (files, deleted): the uploaded files to remove once the transaction commits, as (storage, name), and
    the rows deleted, as {model: [pk, ...]}. Raises KeptByAnother when a row of another registered record type
    protects one of them (that record is kept, so this one must be too).
    """
    files, deleted = [], {}
    pks = list(pks)
    if not pks:
        return files, deleted
    if depth > MAX_DEPTH:
        raise KeptByAnother(model._meta.verbose_name)
    file_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
    if file_fields:
        rows = model._base_manager.filter(pk__in=pks).values_list(*[f.attname for f in file_fields])
        for values in rows:
            files.extend((f.storage, value) for f, value in zip(file_fields, values, strict=True) if value)
    for relation in model._meta.related_objects:
        if relation.many_to_many or relation.on_delete not in (PROTECT, RESTRICT, models.CASCADE):
            continue
        related = relation.related_model
        child_pks = list(
            related._base_manager.filter(**{f"{relation.field.name}__in": pks}).values_list("pk", flat=True)
        )
        if not child_pks:
            continue
        if related in registered:
            # A record of its own, never disposed of as a part: unless it goes in this same batch, this one stays.
            if related is model and set(child_pks) <= set(pks):
                continue
            raise KeptByAnother(registered[related].label)
        child_files, child_deleted = purge(related, child_pks, registered, depth + 1)
        files.extend(child_files)
        for child_model, deleted_pks in child_deleted.items():
            deleted.setdefault(child_model, []).extend(deleted_pks)
    files.extend(_paper_entries(model, pks, deleted))
    model._base_manager.filter(pk__in=pks).delete()
    deleted.setdefault(model, []).extend(pks)
    return files, deleted


def _paper_entries(model, pks, deleted):
    """A record entered from paper keeps its sheet's entry and scan by type and id (no foreign key): they go with
    it. The printed sheet stays, marked used, so the pad's numbering still adds up."""
    from django.contrib.contenttypes.models import ContentType

    from ..paper.models import PaperEntry

    entries = PaperEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id__in=pks)
    rows = list(entries.values_list("pk", "scan"))
    if not rows:
        return []
    entries.delete()
    deleted.setdefault(PaperEntry, []).extend(pk for pk, _scan in rows)
    storage = PaperEntry._meta.get_field("scan").storage
    return [(storage, scan) for _pk, scan in rows if scan]


def redact_audit(deleted):
    """Audit entries about the deleted rows keep who, what and when, and lose their free text (see migration
    0027: the runtime role may not update the log; the owner's function changes only these two columns)."""
    from django.contrib.contenttypes.models import ContentType

    with connection.cursor() as cursor:
        for model, pks in deleted.items():
            content_type = ContentType.objects.get_for_model(model)
            label = f"{model._meta.verbose_name} (disposed)"[:200]
            cursor.execute(
                "SELECT pastoral_audit_redact(%s, %s, %s)", [content_type.pk, [str(pk) for pk in pks], label]
            )


def remove_files(files):
    for storage, name in files:
        try:
            storage.delete(name)
        except OSError:  # already gone
            pass
