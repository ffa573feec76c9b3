"""The training app's objects bound to their rules in ``portal.core.access``. Views, exports
and the calendar feed ask only these policies."""

from django.db import models

from portal.core.access import (
    AccessPolicy,
    event_registration_rule,
    training_event_rule,
    training_lead_rule,
    training_programme_rule,
    training_record_rule,
    training_session_rule,
)

ORG = {"organisation": models.ForeignKey}
RECORD = {"user": models.ForeignKey, "organisation": models.ForeignKey}

# The programme: members see what their organisation asks of them ...
acceptable_behaviour_policy = AccessPolicy("training.BehaviourPolicy",
                                          rule=training_programme_rule, fields=ORG)
assignment_policy = AccessPolicy("training.Assignment", rule=training_programme_rule,
                                 fields=ORG)
# ... and its admins and training leads run it.
managed_assignment_policy = AccessPolicy("training.Assignment", rule=training_lead_rule,
                                         fields=ORG)

acknowledgement_policy = AccessPolicy("training.Acknowledgement", rule=training_record_rule,
                                      fields=RECORD)
completion_policy = AccessPolicy("training.Completion", rule=training_record_rule,
                                 fields=RECORD)
run_policy = AccessPolicy("training.SelfPacedRun", rule=training_record_rule, fields=RECORD)

session_policy = AccessPolicy("training.Session", rule=training_session_rule, fields={
    "facilitator": models.ForeignKey, "participants": models.ManyToManyField, **ORG})

event_policy = AccessPolicy("training.TrainingEvent", rule=training_event_rule,
                            fields={"tlp": models.CharField})
registration_policy = AccessPolicy("training.EventRegistration",
                                   rule=event_registration_rule, fields=RECORD)


def runs_programme(principal, organisation) -> bool:
    """Does ``principal`` run ``organisation``'s training (admin or training lead)? Asked of
    the policy as "may they see an assignment of that organisation"."""
    from portal.features.training.models import Assignment

    return managed_assignment_policy.can_view(principal, Assignment(organisation=organisation))
