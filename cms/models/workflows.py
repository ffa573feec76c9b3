"""The organisations' moderation task: group approval with four eyes (``cms.four_eyes``)."""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask, TaskState

from cms import four_eyes


class FourEyesApprovalTask(AbstractGroupApprovalTask):
    """An organisation's publishers approve; where the organisation asks for four eyes, never
    the submission's authors, and the portal moderators when no other publisher is left."""

    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )

    admin_form_fields = AbstractGroupApprovalTask.admin_form_fields + ["organisation"]

    class Meta:
        verbose_name = "four-eyes approval task"
        verbose_name_plural = "four-eyes approval tasks"

    def four_eyes_applies(self) -> bool:
        return four_eyes.requires_four_eyes(self.organisation_id)

    def _may_approve(self, obj, user) -> bool:
        state = obj.current_workflow_state
        if state is None:
            return False
        # Per request, as Wagtail caches its group checks on the user.
        cache = getattr(user, "_four_eyes_checks", None)
        if cache is None:
            cache = {}
            user._four_eyes_checks = cache
        key = (self.pk, state.pk, state.current_task_state_id)
        if key not in cache:
            cache[key] = four_eyes.may_approve(self, state, user)
        return cache[key]

    def user_can_access_editor(self, obj, user):
        return self._may_approve(obj, user)

    def locked_for_user(self, obj, user):
        return not self._may_approve(obj, user)

    def user_can_lock(self, obj, user):
        return self._may_approve(obj, user)

    def get_actions(self, obj, user):
        if not self._may_approve(obj, user):
            return []
        return [("reject", _("Request changes"), True), ("approve", _("Approve"), False),
                ("approve", _("Approve with comment"), True)]

    def on_action(self, task_state, user, action_name, **kwargs):
        # The last line of defence, whichever view or code calls it.
        if not four_eyes.may_approve(self, task_state.workflow_state, user):
            raise PermissionDenied("The authors of a submission may not decide on it.")
        return super().on_action(task_state, user, action_name, **kwargs)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS).select_related(
            "workflow_state")
        return self.task_states.filter(pk__in=[
            state.pk for state in states
            if four_eyes.may_approve(self, state.workflow_state, user)])

    @classmethod
    def get_description(cls):
        return ("The organisation's publishers approve; with four eyes, never the submission's "
                "authors, and the portal moderators when no other publisher is left.")

