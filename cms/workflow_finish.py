"""What an approved workflow does (``WAGTAIL_FINISH_WORKFLOW_ACTION``). Wagtail imports it while
its own models load, so this module imports nothing at the top."""


def publish_approved(workflow_state, user=None):
    """Publish what the workflow approved. The approval is the permission (the task decided
    who may give it, ``cms.four_eyes``), so an approver who may not publish directly (four
    eyes, portal moderators) still publishes the approved revision."""
    workflow_state.content_object.get_latest_revision().publish(
        user=user, skip_permission_checks=True)
