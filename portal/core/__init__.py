"""The core layer: TLP labels, the access policy, accounts and organisations.

Everything above (cms, search, features, the project shell) may import from here; nothing here
imports from above. When the core must tell a higher layer something, it sends a signal.
"""
