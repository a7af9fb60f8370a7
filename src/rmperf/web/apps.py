from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "rmperf.web"
    label = "rmperf_web"
    verbose_name = "rmperf web"

    def ready(self) -> None:
        from rmperf.services import permissions
        from rmperf.web import security
        from rmperf.web.people import grant_policy

        permissions.install(grant_policy)
        security.connect()  # the security events into the audit log
