"""The notification kinds of organisations and their membership (registered in ``apps``)."""

JOIN_REQUESTED = "organisations.join_requested"
JOIN_DECIDED = "organisations.join_decided"
REGISTRATION_REQUESTED = "organisations.registration_requested"
REGISTRATION_DECIDED = "organisations.registration_decided"
INVITATION_ACCEPTED = "organisations.invitation_accepted"
ROLE_CHANGED = "organisations.role_changed"
MEMBER_REMOVED = "organisations.member_removed"
SUSPENSION_CHANGED = "organisations.suspension_changed"


def register_kinds():
    from portal.core.notifications import kinds

    kinds.register(JOIN_REQUESTED, "Requests to join an organisation you administer")
    kinds.register(JOIN_DECIDED, "Answers to your requests to join an organisation")
    kinds.register(REGISTRATION_REQUESTED,
                   "Organisations asking to join the portal (portal moderators)")
    kinds.register(REGISTRATION_DECIDED, "Approval or rejection of an organisation you registered")
    kinds.register(INVITATION_ACCEPTED, "Invitations accepted into an organisation you administer")
    kinds.register(ROLE_CHANGED, "Changes to your role in an organisation")
    kinds.register(MEMBER_REMOVED, "Your removal from an organisation")
    kinds.register(SUSPENSION_CHANGED,
                   "Suspension or reinstatement of an organisation you belong to")
