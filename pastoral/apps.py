from django.apps import AppConfig


class PastoralConfig(AppConfig):
    name = "pastoral"
    verbose_name = "Pastoral core"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import chronology, demo, signals
        from .chronology_core import pupil_milestones
        from .demo_activity import seed_contact_log

        chronology.register("pastoral", pupil_milestones)
        demo.register_seeder("pastoral.contact_log", seed_contact_log)
        signals.connect()
        post_migrate.connect(signals.sync_role_groups, sender=self)
