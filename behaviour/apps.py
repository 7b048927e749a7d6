from django.apps import AppConfig


class BehaviourConfig(AppConfig):
    name = "behaviour"
    verbose_name = "Behaviour and physical interventions"

    def ready(self):
        from pastoral.accounts import roles

        from .analytics import apps as analytics
        from .detentions import apps as detentions
        from .events import apps as events
        from .incidents import apps as incidents
        from .interventions import apps as interventions
        from .removals import apps as removals
        from .restorative import apps as restorative
        from .rules import apps as rules
        from .suspensions import apps as suspensions

        # Demo seeders run in this order: suspensions, then the rising-behaviour data, then incidents draw on the
        # events seeded before them; the rules last, over all of it. Dashboard panels of the same order also show in
        # this order.
        sub_areas = [events, removals, restorative, suspensions, analytics, incidents, interventions, detentions, rules]
        # Every sub-area's permissions come first: the report and trend registries check the names they are given.
        for area in sub_areas:
            roles.register_permissions(area.PERMISSIONS)
        from . import permission_labels

        permission_labels.register()
        for area in sub_areas:
            area.register()
        from . import retention

        retention.register()

        from . import paper

        paper.register()
