def load(sender=None, stdout=None, **kwargs):
    """Filled in below."""
