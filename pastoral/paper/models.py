"""The paper fallback: blank forms printed with a reference, and the record of a form entered from paper.
Imported by pastoral.models so the tables belong to the core app.

A `PaperFormSheet` is one printed sheet: its reference is reserved when the pad is printed, and it is used once,
by the record entered from it. A `PaperEntry` says which record came from which sheet, when and by whom it was
written on paper, who typed it in and when, and keeps the scanned page (encrypted at rest like every upload).
"""

import secrets
import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from ..files.uploads import stored_name

# No 0/O, 1/I/L or U/V pairs to misread from handwriting or a smudged print.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"


def new_reference(rng=None):
    """A short code a person can read out and type: P-7K3M-Q2 (29^6, about 600 million). `rng` (a
    random.Random) only for the demo data, which is the same on every run."""
    chars = "".join((rng or secrets).choice(ALPHABET) for _ in range(6))
    return f"P-{chars[:4]}-{chars[4:]}"


def normalise_reference(text):
    """What staff type, as stored: case, spaces and dashes do not matter ("p 7k3m q2" → "P-7K3M-Q2")."""
    chars = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    if chars.startswith("P") and len(chars) == 7:
        chars = chars[1:]
    if len(chars) != 6:
        return (text or "").strip().upper()[:20]
    return f"P-{chars[:4]}-{chars[4:]}"


class PaperFormSheet(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("pastoral.School", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("form", max_length=40)
    reference = models.CharField(max_length=12, unique=True)
    # The sheets printed together, built into one PDF.
    batch = models.UUIDField(db_index=True)
    printed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    printed_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField("entered at", null=True, blank=True)

    class Meta:
        ordering = ["-printed_at", "-id"]
        default_permissions = ()
        permissions = [("view_paper_sheets", "See the school's printed paper forms and which were entered")]
        indexes = [
            models.Index(fields=["school", "-printed_at", "-id"], name="pastoral_paper_sheet_list"),
            models.Index(
                fields=["school", "-printed_at", "-id"],
                condition=models.Q(used_at__isnull=True),
                name="pastoral_paper_sheet_unused",
            ),
        ]

    def __str__(self):
        return f"Paper form {self.reference}"

    @property
    def used(self):
        return self.used_at is not None


def _scan_path(instance, filename):
    return f"paper/{instance.school_id}/{stored_name(instance.scan_type)}"


class PaperEntry(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("pastoral.School", on_delete=models.PROTECT, related_name="+")
    sheet = models.OneToOneField(PaperFormSheet, on_delete=models.PROTECT, related_name="entry")
    # The record typed in from the sheet (a concern, an accident...): the core knows it only by type and id.
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    written_at = models.DateTimeField("written on paper at")
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="written by"
    )
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)
    scan = models.FileField("scanned page", upload_to=_scan_path, max_length=200)
    scan_name = models.CharField(max_length=200)
    scan_type = models.CharField(max_length=40)
    scan_size = models.PositiveIntegerField()

    class Meta:
        ordering = ["-entered_at", "-id"]
        default_permissions = ()
        verbose_name_plural = "paper entries"
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="pastoral_paper_entry_one_per_record")
        ]

    def __str__(self):
        return f"Entered from paper form {self.sheet.reference}"

    @property
    def reference(self):
        return self.sheet.reference

    def is_for(self, obj):
        return self.object_id == obj.pk and self.content_type_id == ContentType.objects.get_for_model(obj).pk
