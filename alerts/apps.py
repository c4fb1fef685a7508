from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = "Email alerts"

    def ready(self):
        from . import receivers  # noqa: F401 (connects the signals alerts are made from)
