"""Edit history shared by behaviour records: what one edit changed, shown on the record's page."""

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone

from pastoral.models import User


class Revision(models.Model):
    """What one edit changed, as {field: [old, new]}, shown on the record's page.

    A subclass names the record with a foreign key and sets `revised_model` (for field labels) and
    `labels` (for fields whose form label differs from the model's).
    """

    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    changes = models.JSONField(default=dict)
    # Why the record was changed, as the person changing it wrote it (required by the edit forms).
    reason = models.TextField(blank=True)

    revised_model = None
    labels = {}

    class Meta:
        abstract = True
        ordering = ["changed_at"]
        default_permissions = ()

    def rows(self):
        """(label, old, new) for each changed field, labelled as the form labels them."""
        result = []
        for name, (old, new) in self.changes.items():
            try:
                label = self.labels.get(name) or self.revised_model._meta.get_field(name).verbose_name
            except FieldDoesNotExist:
                label = name
            label = str(label)
            result.append((label[:1].upper() + label[1:], old, new))
        return result
