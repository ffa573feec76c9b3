"""The features layer: what the portal does with its library (digests, ...).

Features may import the core, cms and search; only the project shell imports features.
"""
