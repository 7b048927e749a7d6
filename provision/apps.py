from django.apps import AppConfig


class ProvisionConfig(AppConfig):
    name = "provision"
    verbose_name = "Support plans and alternative provision"

    def ready(self):
        from pastoral.accounts import roles

        from .ap import apps as ap
        from .interventions import apps as interventions
        from .keywork import apps as keywork
        from .outcomes import apps as outcomes
        from .plans import apps as plans

        sub_areas = [plans, ap, keywork, interventions, outcomes]
        # Every sub-area's permissions come first: the report and trend registries check the names they are given.
        for area in sub_areas:
            roles.register_permissions(area.PERMISSIONS)
        from . import permission_labels

        permission_labels.register()
        for area in sub_areas:
            area.register()
        from . import retention

        retention.register()
