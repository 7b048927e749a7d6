from django.apps import AppConfig


class PastoralConfig(AppConfig):
    name = "pastoral"
    verbose_name = "Pastoral core"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import chronology, signals
        from .chronology_core import pupil_milestones

        chronology.register("pastoral", pupil_milestones)
        signals.connect()
        post_migrate.connect(signals.sync_role_groups, sender=self)
