"""The editor's notifications: a submission awaits its approvers; its author hears the decision.

Registered from ``CmsConfig.ready``. A title names the item only for a recipient the access
policy lets see it under the submitted revision's label; anyone else (a TLP:RED item's
publishers, a portal moderator outside the community) reads that "an item" needs them, and the
link checks again when followed.
"""

from django.dispatch import receiver
from django.urls import reverse
from wagtail.models import TaskState, WorkflowState
from wagtail.signals import (
    task_approved,
    task_rejected,
    task_submitted,
    workflow_approved,
    workflow_rejected,
    workflow_submitted,
)

from cms import four_eyes
from cms.access import item_policy
from portal.core import access
from portal.core.notifications.sending import notify

SUBMITTED = "cms.submission_awaiting"
DECIDED = "cms.submission_decided"


def register_kinds():
    from portal.core.notifications import kinds

    kinds.register(SUBMITTED, "Submissions awaiting your approval")
    kinds.register(DECIDED, "Decisions on your submissions")


# Wagtail emails moderation events itself (wagtail.admin.signal_handlers): the page's title to
# the task's groups and every superuser, outside people's preferences and the access rule.
# These receivers take the dispatch ids Wagtail connects its emailers under; cms comes before
# wagtail.admin in INSTALLED_APPS, so Wagtail's later connect finds them taken
# (tests/test_four_eyes.py checks that no such email goes out).
WAGTAIL_EMAILERS = [
    (task_submitted, TaskState, "group_approval_task_submitted_email_notification"),
    (workflow_submitted, WorkflowState, "workflow_state_submitted_email_notification"),
    (workflow_rejected, WorkflowState, "workflow_state_rejected_email_notification"),
    (workflow_approved, WorkflowState, "workflow_state_approved_email_notification"),
]


def _told_by_the_portal(sender, **kwargs):
    """Stands where Wagtail's emailer would: the receivers below tell these people."""


def replace_wagtail_emails():
    for signal, sender, uid in WAGTAIL_EMAILERS:
        signal.connect(_told_by_the_portal, sender=sender, dispatch_uid=uid, weak=False)


def _item_for(task_state):
    """The submitted revision as a page (its label, recipients and title), or None."""
    from cms.models import ItemPage

    revision = task_state.revision or task_state.workflow_state.content_object.get_latest_revision()
    page = revision.as_object() if revision is not None else None
    return page if isinstance(page, ItemPage) else None


def _may_see(user, page) -> bool:
    return page is not None and item_policy.can_view(access.principal_for_user(user), page)


def _edit_url(task_state):
    return reverse("wagtailadmin_pages:edit", args=[task_state.workflow_state.object_id])


def _is_four_eyes_task(task_state):
    from cms.models import FourEyesApprovalTask

    return isinstance(task_state.task.specific, FourEyesApprovalTask)


@receiver(task_submitted)
def tell_approvers(sender, instance, user=None, **kwargs):
    if not _is_four_eyes_task(instance):
        return
    task = instance.task.specific
    people, moderators = four_eyes.approvers(task, instance.workflow_state)
    page = _item_for(instance)
    source = task.organisation.name if task.organisation else "an organisation"
    for person in people:
        what = f"“{page.title}”" if _may_see(person, page) else f"An item of {source}"
        suffix = " (no other publisher there)" if moderators else ""
        notify([person], SUBMITTED, f"{what} awaits your approval{suffix}",
               _edit_url(instance))


def _tell_author(task_state, decided_by, verb):
    if not _is_four_eyes_task(task_state):
        return
    author = task_state.workflow_state.requested_by
    if author is None or author == decided_by:
        return
    page = _item_for(task_state)
    if _may_see(author, page):
        # The reviewer's comment is about the item: only with its title.
        title = f"“{page.title}” was {verb}"
        if task_state.comment:
            title += f": {task_state.comment}"
    else:
        title = f"Your submission was {verb}"
    notify([author], DECIDED, title, _edit_url(task_state))


@receiver(task_approved)
def tell_author_approved(sender, instance, user=None, **kwargs):
    _tell_author(instance, user, "approved")


@receiver(task_rejected)
def tell_author_rejected(sender, instance, user=None, **kwargs):
    _tell_author(instance, user, "sent back for changes")
