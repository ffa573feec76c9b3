from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "portal.features.standards"
    label = "standards"
    verbose_name = "Standards in practice"

    def ready(self):
        from cms.demo.signals import demo_loaded
        from portal.core.notifications import kinds
        from portal.features.standards import clause_links, notifications, signals
        from portal.features.standards.demo.loader import load_demo

        for key, label in notifications.KINDS:
            kinds.register(key, label)
        signals.connect()
        clause_links.add_panels()
        demo_loaded.connect(load_demo, dispatch_uid="standards-demo")
