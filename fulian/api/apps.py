from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "fulian.api"
    label = "api"
