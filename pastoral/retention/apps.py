"""Retention's permissions and registrations, called from PastoralConfig.ready()."""

from .permissions import MANAGE

# The headteacher is the data-protection lead unless the school gives the work to another role.
PERMISSIONS = {"headteacher": {MANAGE}}


def register():
    from django.db.models.signals import post_migrate

    from pastoral import audit

    from . import core_types

    for action, sentence in {
        "pastoral.retention.disposed": "disposed of records past their retention date",
        "pastoral.retention.extended": "kept records past their retention date for longer",
        "pastoral.retention.hold_set": "set a legal hold on records",
        "pastoral.retention.hold_released": "released a legal hold",
        "pastoral.retention.listed": "listed the records due for disposal",
        "pastoral.retention.log_viewed": "read the disposal log",
        "pastoral.retention.rule_changed": "changed a retention rule",
    }.items():
        audit.describe(action, sentence)
    core_types.register()
    post_migrate.connect(_ensure_rules, dispatch_uid="pastoral.retention.ensure_default_rules")


def _ensure_rules(sender, **kwargs):
    """Default rules for every registered record type, after migrate and after each test flush."""
    from django.db import connection

    from .models import RetentionRule

    if sender.name != "pastoral" or RetentionRule._meta.db_table not in connection.introspection.table_names():
        return
    from .services import ensure_default_rules

    ensure_default_rules()
