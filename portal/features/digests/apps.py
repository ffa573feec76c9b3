from django.apps import AppConfig


class DigestsConfig(AppConfig):
    name = "portal.features.digests"
    label = "digests"
    verbose_name = "Subscriptions and digests"

    def ready(self):
        from cms.following import digest_readers_from
        from portal.features.digests.building import digest_readers

        # Followers who chose their digest for changes hear of them there, if they get one.
        digest_readers_from(digest_readers)
