"""What approving an organisation sets up in the CMS, and how roles become Wagtail permissions.

The core announces approval (``organisation_approved``) and membership changes (model
signals); the receivers in ``cms.signals`` call this module. Each approved organisation gets a
page under the organisation directory (its contributions live below it), a document collection,
a contributors group and a publishers group with permissions on that subtree only, and a
moderation workflow in which its publishers approve what its contributors submit (with four
eyes: never their own submissions; ``cms.four_eyes``).
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from cms.models import FourEyesApprovalTask, OrganisationIndexPage, OrganisationPage
from portal.core.accounts.moderators import MODERATORS_GROUP
from portal.core.organisations.models import Membership, Organisation, Role

CONTRIBUTOR_PAGE_PERMS = ["add_page", "change_page"]
PUBLISHER_PAGE_PERMS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
DOCUMENT_PERMS = ["add_document", "change_document", "choose_document"]


def _perm(app_label, codename):
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _org_group(name):
    group, _ = Group.objects.get_or_create(name=name[:150])
    group.permissions.add(_perm("wagtailadmin", "access_admin"))
    return group


@transaction.atomic
def provision(organisation: Organisation) -> None:
    """Idempotently create everything an approved organisation needs."""
    contributors = organisation.contributors_group or _org_group(
        f"{organisation.name}: contributors"
    )
    publishers = organisation.publishers_group or _org_group(f"{organisation.name}: publishers")
    if organisation.collection is None:
        organisation.collection = Collection.get_first_root_node().add_child(
            name=organisation.name
        )
    organisation.contributors_group = contributors
    organisation.publishers_group = publishers
    organisation.approved_at = organisation.approved_at or timezone.now()
    # update(), not save(): provisioning runs from post_save and must not re-trigger it.
    Organisation.objects.filter(pk=organisation.pk).update(
        contributors_group=contributors, publishers_group=publishers,
        collection=organisation.collection, approved_at=organisation.approved_at,
    )

    page = OrganisationPage.objects.filter(organisation=organisation).first()
    if page is None:
        directory = OrganisationIndexPage.objects.first()
        if directory is None:
            return  # no site tree yet; provisioning runs again when the directory exists
        page = directory.add_child(instance=OrganisationPage(
            title=organisation.name, slug=organisation.slug, organisation=organisation,
        ))

    for group, codenames in ((contributors, CONTRIBUTOR_PAGE_PERMS),
                             (publishers, PUBLISHER_PAGE_PERMS)):
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=group, page=page, permission=_perm("wagtailcore", codename)
            )
        for codename in DOCUMENT_PERMS:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=organisation.collection,
                permission=_perm("wagtaildocs", codename),
            )

    if not WorkflowPage.objects.filter(page=page).exists():
        task = FourEyesApprovalTask.objects.create(
            name=f"{organisation.name}: publisher review", organisation=organisation)
        task.groups.set([publishers])
        workflow = Workflow.objects.create(name=f"{organisation.name}: moderation")
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        WorkflowPage.objects.create(workflow=workflow, page=page)
    upgrade_review_task(page)

    for membership in organisation.memberships.select_related("user"):
        sync_groups(membership)


def upgrade_review_task(page) -> None:
    """Replace a plain group approval task in the organisation's workflow (as provisioned
    before four eyes) with a four-eyes task for the same groups. The data migration
    ``cms.0003_four_eyes_approval_task`` does the same for organisations approved before."""
    workflow_page = WorkflowPage.objects.filter(page=page).select_related("workflow").first()
    if workflow_page is None:
        return
    for step in workflow_page.workflow.workflow_tasks.select_related("task"):
        old = step.task.specific
        if type(old) is not GroupApprovalTask:
            continue
        task = FourEyesApprovalTask.objects.create(name=old.name,
                                                   organisation=page.organisation)
        task.groups.set(old.groups.all())
        step.task = task
        step.save(update_fields=["task"])
        old.active = False
        old.save(update_fields=["active"])


def sync_groups(membership: Membership, removed: bool = False) -> None:
    """Put the member in exactly the Wagtail groups their role in the organisation implies."""
    org = membership.organisation
    user = membership.user
    wanted = {
        org.contributors_group: not removed and membership.has_role(Role.CONTRIBUTOR),
        org.publishers_group: not removed and membership.has_role(Role.PUBLISHER),
    }
    for group, member in wanted.items():
        if group is None:
            continue
        if member:
            user.groups.add(group)
        else:
            user.groups.remove(group)


def moderators_group() -> Group:
    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    group.permissions.add(
        _perm("wagtailadmin", "access_admin"),
        _perm("organisations", "view_organisation"),
        _perm("organisations", "change_organisation"),
        _perm("digests", "view_delivery"),
        _perm("digests", "view_digestrun"),
        _perm("digests", "view_digestrun"),
    )
    return group

