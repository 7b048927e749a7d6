from django.apps import AppConfig


class MedicalConfig(AppConfig):
    name = "medical"
    verbose_name = "Medical care"
