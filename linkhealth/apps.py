from django.apps import AppConfig


class LinkHealthConfig(AppConfig):
    name = "linkhealth"
    verbose_name = "Link health"
