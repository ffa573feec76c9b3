"""The notification kinds of organisations and their membership (registered in ``apps``)."""

JOIN_REQUESTED = "organisations.join_requested"
JOIN_DECIDED = "organisations.join_decided"


def register_kinds():
    from portal.core.notifications import kinds

    kinds.register(JOIN_REQUESTED, "Requests to join an organisation you administer")
    kinds.register(JOIN_DECIDED, "Answers to your requests to join an organisation")
