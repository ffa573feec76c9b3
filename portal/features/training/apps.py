from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "portal.features.training"
    label = "training"
    verbose_name = "Training programmes"

    def ready(self):
        from cms.demo.signals import demo_loaded
        from portal.core.notifications import kinds
        from portal.features.training import demo

        kinds.register(REMINDERS, "Training reminders and overdue summaries")
        demo_loaded.connect(demo.load, dispatch_uid="training-demo")


REMINDERS = "training_reminders"
