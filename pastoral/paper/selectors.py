"""Reads for the paper fallback: the sheets a user may list, the check of a reference typed in, the entry behind
a record, and "when could the school first know" for records entered from paper."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest

from ..accounts import access
from .models import PaperEntry, PaperFormSheet, normalise_reference
from .permissions import VIEW_SHEETS


def sheets_visible_to(user):
    return PaperFormSheet.objects.filter(school_id__in=access.schools_with_perm(user, VIEW_SHEETS))


def printable_kinds(user, school):
    from .kinds import all_kinds

    return [kind for kind in all_kinds() if access.has_school_perm(user, school, kind.permission)]


def sheet_problem(school, kind_key, reference, *, lock=False):
    """(sheet, None) when `reference` is an unused sheet of this form printed for this school; else (None, why).
    Another school's sheet reads as unknown: its existence is not this school's business."""
    reference = normalise_reference(reference)
    sheets = PaperFormSheet.objects.filter(reference=reference, school=school)
    if lock:
        sheets = sheets.select_for_update()
    sheet = sheets.first()
    if sheet is None:
        return None, f"No paper form {reference} was printed for this school. Check the reference on the sheet."
    if sheet.kind != kind_key:
        from .kinds import get_kind

        other = get_kind(sheet.kind)
        return None, f"{reference} is a {other.title.lower() if other else 'different'} form, not this one."
    if sheet.used_at is not None:
        return None, f"{reference} has already been entered. Each paper form is entered once."
    return sheet, None


def entry_for(obj):
    """The paper entry a record came from, or None."""
    if obj is None or obj.pk is None:
        return None
    content_type = ContentType.objects.get_for_model(obj)
    return (
        PaperEntry.objects.filter(content_type=content_type, object_id=obj.pk)
        .select_related("sheet", "written_by", "entered_by")
        .first()
    )


def entered_at_subquery(model):
    """When each row of `model` was entered from paper (NULL for records typed straight in)."""
    content_type = ContentType.objects.get_for_model(model)
    entries = PaperEntry.objects.filter(content_type=content_type, object_id=OuterRef("pk"))
    return Subquery(entries.values("entered_at")[:1])


def known_at(model, field):
    """The moment the school could first know of a record: its own time (`field`), or, when it was written on
    paper and typed in later, the time it was entered. Clocks that measure how quickly staff responded count from
    here, so a record entered late is not shown as ignored for the hours it sat on paper."""
    return Greatest(F(field), Coalesce(entered_at_subquery(model), F(field)))
