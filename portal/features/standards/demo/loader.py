"""Demo content for standards practice (demo data only)."""


def load_demo(sender=None, stdout=None, **kwargs):
    pass
