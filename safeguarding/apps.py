from django.apps import AppConfig

RAISE = {"safeguarding.raise_concern"}
READ_ALL = RAISE | {"safeguarding.view_concerns", "safeguarding.see_record_marker"}
CASE_WORK = READ_ALL | {"safeguarding.manage_concerns"}


class SafeguardingConfig(AppConfig):
    name = "safeguarding"
    verbose_name = "Safeguarding"

    def ready(self):
        from pastoral import audit, chronology, dashboard, demo
        from pastoral.accounts import roles

        from .adults import apps as adults
        from .chronology import concerns_for_chronology
        from .dashboard import safeguarding_panel
        from .demo import seed_safeguarding
        from .signals import seed_categories_for_new_school

        R = roles.Role
        roles.register_permissions(
            {
                R.DSL: CASE_WORK,
                R.DEPUTY_DSL: CASE_WORK,
                R.PASTORAL_ASSISTANT: CASE_WORK,
                R.TRUST_DSL: CASE_WORK - RAISE,
                # Oversight: the head reads every concern but the case work stays with the DSL team.
                # A head who is also a deputy DSL holds that role as well and gets the case work from it.
                R.HEADTEACHER: READ_ALL,
                R.PASTORAL_LEAD: RAISE | {"safeguarding.see_record_marker"},
                R.SENCO: RAISE | {"safeguarding.see_record_marker"},
                R.PASTORAL_STAFF: RAISE,
                R.MEDICAL_LEAD: RAISE,
                R.AP_COORDINATOR: RAISE,
                R.TEACHER: RAISE,
            }
        )
        # Concerns and allegations about adults: a sub-area with its own permissions (see adults/apps.py).
        roles.register_permissions(adults.PERMISSIONS)
        adults.register()
        from . import retention

        retention.register()
        from . import permission_labels

        permission_labels.register(CASE_WORK)
        for action, sentence in {
            "safeguarding.concern.raised": "raised a safeguarding concern",
            "safeguarding.concern.viewed": "read a safeguarding concern",
            "safeguarding.concern.escalated": "escalated an urgent concern nobody had opened",
            "safeguarding.escalation.changed": "changed how long an urgent concern may stay unopened",
            "safeguarding.concern.receipt_viewed": "looked at the receipt for their concern",
            "safeguarding.concern.assigned": "assigned a safeguarding concern",
            "safeguarding.concern.triaged": "recorded a triage decision",
            "safeguarding.concern.linked": "linked two safeguarding concerns",
            "safeguarding.pupil.linked": "linked a pupil to a safeguarding concern",
            "safeguarding.concern.closed": "closed a safeguarding concern",
            "safeguarding.concern.amended": "amended a safeguarding concern",
            "safeguarding.concern.shared": "shared a safeguarding concern with a member of staff",
            "safeguarding.concern.unshared": "withdrew a member of staff's access to a safeguarding concern",
            "safeguarding.concern.emailed": "was emailed about a safeguarding concern",
            "safeguarding.action.added": "added a safeguarding action",
            "safeguarding.action.completed": "completed a safeguarding action",
            "safeguarding.note.added": "added a case note",
            "safeguarding.attachment.viewed": "opened a safeguarding attachment",
            "safeguarding.referral.made": "recorded a referral to an agency",
            "safeguarding.referral.updated": "updated a referral",
            "safeguarding.referral.viewed": "read a referral",
            "safeguarding.chronology.viewed": "read a pupil's safeguarding chronology",
            "safeguarding.dashboard.viewed": "opened the safeguarding dashboard",
            "safeguarding.concerns.listed": "opened the list of safeguarding concerns",
            "safeguarding.referrals.listed": "opened the list of referrals",
            "safeguarding.transfers.listed": "opened the list of child-protection file transfers",
            "safeguarding.transfer.created": "started a child-protection file transfer",
            "safeguarding.transfer.viewed": "read a child-protection file transfer",
            "safeguarding.transfer.pack_downloaded": "downloaded a child-protection file pack",
            "safeguarding.transfer.sent": "recorded sending a child-protection file",
            "safeguarding.transfer.receipted": "recorded receipt of a child-protection file",
            "safeguarding.incoming.uploaded": "uploaded a child-protection file from another school",
            "safeguarding.incoming.viewed": "opened a child-protection file from another school",
            "safeguarding.categories.seeded": "added the default safeguarding categories",
            "safeguarding.category.created": "added a safeguarding category",
            "safeguarding.category.changed": "changed a safeguarding category",
            "safeguarding.concern.refused": "was refused a safeguarding concern",
            "safeguarding.receipt.refused": "was refused a concern receipt",
            "safeguarding.referral.refused": "was refused a referral",
            "safeguarding.transfer.refused": "was refused a child-protection file transfer",
            "safeguarding.incoming.refused": "was refused a child-protection file from another school",
            "safeguarding.chronology.refused": "was refused a safeguarding chronology",
            "safeguarding.cover.added": "added safeguarding cover to the rota",
            "safeguarding.expected.created": "noted a child-protection file expected from a previous school",
            "safeguarding.expected.chased": "chased a child-protection file from a previous school",
            "safeguarding.expected.closed": "recorded that no child-protection file is coming",
            "safeguarding.cover.cancelled": "cancelled safeguarding cover on the rota",
        }.items():
            audit.describe(action, sentence)
        # Its tab is for readers of concerns and those shown that a record exists, not everyone who may raise one.
        from .models import Concern

        chronology.register(
            "safeguarding",
            concerns_for_chronology,
            permissions=("safeguarding.view_concerns", "safeguarding.see_record_marker"),
            sources=[(Concern.pupils.through, "pupil")],
        )
        dashboard.register("safeguarding", safeguarding_panel, order=5)
        from pastoral import profile_summary

        from .summary import open_case_actions_figure

        profile_summary.register(
            "safeguarding_actions",
            open_case_actions_figure,
            order=35,
            sources=[(Concern.pupils.through, "pupil")],
        )
        demo.register_seeder("safeguarding", seed_safeguarding)
        from .report_sections import register as register_report_sections

        register_report_sections()
        from django.db.models.signals import post_save

        from pastoral.models import School

        post_save.connect(seed_categories_for_new_school, sender=School, dispatch_uid="safeguarding_seed_categories")

        from .exports import register_exports

        register_exports()
        from .weekly_trend import register_lines as register_weekly_trend_lines

        register_weekly_trend_lines()
        from . import paper

        paper.register()
