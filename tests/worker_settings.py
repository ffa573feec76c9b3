"""Settings for a Celery worker that a test runs in a subprocess (so that it can be killed):
the test settings, with real queues rather than eager tasks, and real SMTP to the server the
test gives in EMAIL_HOST and EMAIL_PORT."""

import os

from tests.settings import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_DEFAULT_QUEUE = os.environ["PORTAL_TEST_QUEUE"]
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
