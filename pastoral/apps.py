from django.apps import AppConfig


class PastoralConfig(AppConfig):
    name = "pastoral"
    verbose_name = "Pastoral core"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import audit, chronology, demo, signals
        from .chronology_core import pupil_milestones
        from .demo_activity import seed_contact_log
        from .demo_exports import seed_scheduled_reports
        from .export_kinds import register_kinds

        chronology.register("pastoral", pupil_milestones)
        demo.register_seeder("pastoral.contact_log", seed_contact_log)
        demo.register_seeder("pastoral.scheduled_reports", seed_scheduled_reports)
        signals.connect()
        register_kinds()
        from . import dashboard, reports, roles

        # The termly report: headteachers for their school; trust leaders also for the trust roll-up.
        roles.register_permissions(
            {
                roles.Role.HEADTEACHER: {reports.VIEW},
                roles.Role.TRUST_LEADER: {reports.VIEW, reports.VIEW_TRUST},
            }
        )
        reports.register_kind()
        dashboard.register("termly_reports", reports.termly_report_panel, order=8)
        for action, sentence in {
            "pastoral.export.requested": "asked for an export",
            "pastoral.export.retried": "asked for a failed export again",
            "pastoral.export.downloaded": "downloaded an export",
            "pastoral.scheduled_report.created": "scheduled a report",
            "pastoral.scheduled_report.stopped": "stopped a scheduled report",
            "pastoral.termly_report.generated": "generated a termly report",
        }.items():
            audit.describe(action, sentence)
        post_migrate.connect(signals.sync_role_groups, sender=self)
