from django.apps import AppConfig


class MedicalConfig(AppConfig):
    name = "medical"
    verbose_name = "Medical care"

    def ready(self):
        from pastoral.accounts import roles

        from .conditions import apps as conditions

        sub_areas = [conditions]
        # Every sub-area's permissions come first: the report and trend registries check the names they are given.
        for area in sub_areas:
            roles.register_permissions(area.PERMISSIONS)
        for area in sub_areas:
            area.register()
