from django.apps import AppConfig


class DbConfig(AppConfig):
    name = "rmperf.db"
    label = "rmperf"
    verbose_name = "rmperf"
