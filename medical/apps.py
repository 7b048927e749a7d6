from django.apps import AppConfig


class MedicalConfig(AppConfig):
    name = "medical"
    verbose_name = "Medical care"

    def ready(self):
        from pastoral import dashboard
        from pastoral.accounts import roles
        from pastoral.files import digest, reports

        from .conditions import apps as conditions
        from .emergency import apps as emergency
        from .first_aid import apps as first_aid
        from .medication import apps as medication
        from .panels import medical_digest_lines, medical_panel
        from .plans import apps as plans
        from .report_sections import build_medical

        sub_areas = [conditions, plans, medication, first_aid, emergency]
        # Every sub-area's permissions come first: the report and trend registries check the names they are given.
        for area in sub_areas:
            roles.register_permissions(area.PERMISSIONS)
        from . import permission_labels

        permission_labels.register()
        for area in sub_areas:
            area.register()
        from . import retention

        retention.register()
        dashboard.register("medical", medical_panel, order=25)
        from . import paper

        paper.register()
        reports.register_section(
            "medical", build_medical, order=60, permission="medical.view_counts", title="Medical care"
        )
        digest.register("medical", medical_digest_lines)
