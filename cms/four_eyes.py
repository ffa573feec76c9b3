"""Four-eyes publishing: a submission is approved by someone other than its authors.

Where an organisation asks for it (``Organisation.four_eyes``, on by default):

- nobody but a superuser publishes its pages directly (``FourEyesPermissionTester``); every
  publication goes through its workflow, whose task (``cms.models.FourEyesApprovalTask``)
  refuses the submission's authors on every path: the workflow actions, the editor, the
  dashboard;
- the authors of a submission are the person who submitted it and everyone who saved a
  revision of the page since it was last published;
- its approvers are the organisation's publishers who are not authors; when there are none
  (a single person able to publish), the portal moderators who are not authors.

Without four eyes the same task behaves as Wagtail's group approval, and publishers publish
directly.
"""

from django.contrib.auth import get_user_model
from wagtail.models import PagePermissionTester, Revision, TaskState

from portal.core.accounts.moderators import is_moderator, moderators
from portal.core.organisations.models import Organisation


def requires_four_eyes(organisation_id) -> bool:
    return organisation_id is not None and Organisation.objects.filter(
        pk=organisation_id, four_eyes=True).exists()


def authors(workflow_state) -> set[int]:
    """Who wrote the submission: its submitter and the authors of the page's revisions since
    it was last published."""
    found = {workflow_state.requested_by_id}
    page = workflow_state.content_object
    revisions = Revision.page_revisions.filter(object_id=str(workflow_state.object_id))
    if page is not None and page.last_published_at is not None:
        revisions = revisions.filter(created_at__gt=page.last_published_at)
    found.update(revisions.values_list("user_id", flat=True))
    return found - {None}


def _active_users():
    return get_user_model().objects.filter(is_active=True)


def approvers(task, workflow_state):
    """The people who may approve this submission at ``task``, and whether they are the
    portal moderators (no publisher of the organisation but its authors)."""
    excluded = authors(workflow_state)
    publishers = (_active_users().filter(groups__in=task.groups.all())
                  .exclude(pk__in=excluded).distinct())
    if not task.four_eyes_applies() or publishers.exists():
        return publishers, False
    return moderators().exclude(pk__in=excluded), True


def may_approve(task, workflow_state, user) -> bool:
    if not user.is_active:
        return False
    if not task.four_eyes_applies():
        return user.is_superuser or task._user_in_groups(user)
    if user.pk in authors(workflow_state):
        return False
    return user.is_superuser or approvers(task, workflow_state)[0].filter(pk=user.pk).exists()


def pages_awaiting_review_by(user) -> set[int]:
    """Ids of pages a moderator may see in the admin because a submission of theirs awaits the
    moderator's approval (an organisation with no second publisher)."""
    if not user.is_authenticated or user.is_superuser or not is_moderator(user):
        return set()  # a site admin sees every page anyway
    if hasattr(user, "_pages_awaiting_review"):  # asked for each id of an admin request
        return user._pages_awaiting_review
    from cms.models import FourEyesApprovalTask

    states = (TaskState.objects.filter(status=TaskState.STATUS_IN_PROGRESS,
                                       task__in=FourEyesApprovalTask.objects.all())
              .select_related("workflow_state"))
    tasks = {task.pk: task for task in FourEyesApprovalTask.objects.filter(
        pk__in=states.values("task_id"))}
    user._pages_awaiting_review = {
        int(state.workflow_state.object_id) for state in states
        if may_approve(tasks[state.task_id], state.workflow_state, user)}
    return user._pages_awaiting_review


class FourEyesPermissionTester(PagePermissionTester):
    """Wagtail's page permissions, except that in an organisation with four eyes nobody but a
    superuser publishes directly (the edit view's publish button, bulk publish, the admin
    API's publish action, publishing on create or copy): approval is the only way live."""

    def _direct_publishing_refused(self):
        if self.user.is_superuser:
            return False
        if not hasattr(self, "_four_eyes"):
            self._four_eyes = requires_four_eyes(self.page.four_eyes_organisation_id())
        return self._four_eyes

    def can_publish(self):
        return super().can_publish() and not self._direct_publishing_refused()

    def can_publish_subpage(self):
        return super().can_publish_subpage() and not self._direct_publishing_refused()


class FourEyesPublishing:
    """For pages of an organisation: their permissions follow its four-eyes setting."""

    def four_eyes_organisation_id(self):
        raise NotImplementedError

    def permissions_for_user(self, user):
        return FourEyesPermissionTester(user, self)

