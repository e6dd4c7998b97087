from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "coopgov.api"
    verbose_name = "API"
