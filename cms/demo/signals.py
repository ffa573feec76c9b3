"""``demo_loaded``: sent by ``load_demo_data`` once the site, organisations, people and library
are in place, so that features above the CMS add their own demo content (idempotently) without
the CMS importing them. Receivers get ``stdout`` to report what they created."""

from django.dispatch import Signal

demo_loaded = Signal()
