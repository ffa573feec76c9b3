from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "portal.features.reporting"
    label = "reporting"
    verbose_name = "Confidential reporting"

    def ready(self):
        from cms.demo.signals import demo_loaded
        from portal.core.notifications import kinds
        from portal.features.reporting import deadlines, demo, readers

        readers.connect()
        kinds.register(deadlines.REMINDER, "Confidential report deadlines")
        kinds.register(deadlines.ESCALATION, "Missed deadlines of confidential reports")
        demo_loaded.connect(demo.load, dispatch_uid="reporting-demo")
