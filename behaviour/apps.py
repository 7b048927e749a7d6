from django.apps import AppConfig


class BehaviourConfig(AppConfig):
    name = "behaviour"
    verbose_name = "Behaviour and physical interventions"
