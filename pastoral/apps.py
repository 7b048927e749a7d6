from django.apps import AppConfig


class PastoralConfig(AppConfig):
    name = "pastoral"
    verbose_name = "Pastoral core"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import audit, chronology, dashboard, demo, signals
        from .accounts import role_catalogue, roles
        from .chronology_core import pupil_milestones
        from .demo.activity import seed_contact_log
        from .demo.exports import seed_scheduled_reports
        from .demo.mfa import seed_mfa_reset_request
        from .demo.roles import seed_role_permission_request, seed_role_request
        from .files.export_kinds import register_kinds

        chronology.register("pastoral", pupil_milestones)
        demo.register_seeder("pastoral.contact_log", seed_contact_log)
        demo.register_seeder("pastoral.scheduled_reports", seed_scheduled_reports)
        demo.register_seeder("pastoral.role_request", seed_role_request)
        demo.register_seeder("pastoral.role_permission_request", seed_role_permission_request)
        demo.register_seeder("pastoral.mfa_reset_request", seed_mfa_reset_request)
        from .demo.breakglass import seed_break_glass

        demo.register_seeder("pastoral.break_glass", seed_break_glass)
        from .demo.retention import seed_retention

        demo.register_seeder("pastoral.retention", seed_retention)
        signals.connect()
        from .accounts.signin import apply_mfa_throttle_cap

        apply_mfa_throttle_cap()
        register_kinds()
        from .files import reports

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
            "pastoral.membership.approved": "approved a role",
            "pastoral.membership.declined": "declined a role",
            "pastoral.membership.lead_dsl_handed_over": "handed over the lead DSL role (the old lead stays deputy)",
            "pastoral.role_permission.requested": "asked to change what a role may do (awaiting approval)",
            "pastoral.role_permission.removed": "took a permission away from a role",
            "pastoral.role_permission.approved": "approved a change to what a role may do",
            "pastoral.role_permission.declined": "declined a change to what a role may do",
            "auth.mfa.reset_requested": "asked for a two-factor reset (awaiting approval)",
            "auth.mfa.reset_approved": "approved a two-factor reset",
            "auth.mfa.reset_declined": "declined a two-factor reset",
            "pastoral.trust.created": "set up the trust",
            "pastoral.school.added": "added a school to the trust",
        }.items():
            audit.describe(action, sentence)
        # Headteachers and DSLs approve safeguarding roles in their school; a trust DSL approves TRUST_DSL requests.
        roles.register_permissions(
            {role: {"pastoral.approve_roles"} for role in roles.SCHOOL_APPROVERS | roles.TRUST_APPROVERS}
        )
        role_catalogue.register_core_areas()
        from .accounts.staff_views import role_approvals_panel, role_approvals_probe

        dashboard.register("pastoral_role_approvals", role_approvals_panel, order=1, probe=role_approvals_probe)
        from . import breakglass
        from .breakglass_views import break_glass_panel, break_glass_probe
        from .files import weekly_trend

        breakglass.describe()
        audit.describe("pastoral.records_sent.logged", "logged records sent to a leaver's new school")
        dashboard.register("pastoral_break_glass", break_glass_panel, order=2, probe=break_glass_probe)
        weekly_trend.register(
            "break_glass", weekly_trend.break_glass_lines, order=45, permission="pastoral.review_break_glass"
        )
        from .attendance import apps as attendance
        from .meetings import apps as meetings
        from .paper import apps as paper
        from .retention import apps as retention
        from .sar import apps as sar

        for area in (attendance, meetings, sar, retention, paper):
            roles.register_permissions(area.PERMISSIONS)
        for area in (attendance, meetings, sar, retention, paper):
            area.register()
        post_migrate.connect(signals.sync_role_groups, sender=self)
        from django.db.backends.signals import connection_created

        from . import database

        post_migrate.connect(database.grant_runtime_privileges, sender=self)
        connection_created.connect(database.refuse_superuser)
