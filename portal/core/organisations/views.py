"""Organisation membership on the public site: requests, invitations and member management."""

from allauth.account.decorators import verified_email_required
from allauth.account.models import EmailAddress
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from portal.core.audit.models import Kind
from portal.core.audit.recording import record
from portal.core.notifications.sending import notify
from portal.core.organisations import vetting
from portal.core.organisations.forms import (
    DecisionForm,
    InvitationForm,
    JoinRequestForm,
    MembershipRoleForm,
    OrganisationRequestForm,
)
from portal.core.organisations.models import (
    Invitation,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    Organisation,
    OrganisationStatus,
    Role,
)
from portal.core.organisations.notifications import (
    INVITATION_ACCEPTED,
    JOIN_DECIDED,
    JOIN_REQUESTED,
    MEMBER_REMOVED,
    ROLE_CHANGED,
)
from portal.core.organisations.tasks import send_invitation_email


def _approved_org(slug):
    return get_object_or_404(Organisation.objects.approved(), slug=slug)


def _org_admin_or_404(request, slug):
    """The organisation, if the user administers it. Others get a 404, not a hint."""
    organisation = _approved_org(slug)
    if not Membership.objects.filter(
        organisation=organisation, user=request.user, role=Role.ADMIN
    ).exists():
        raise Http404("There is nothing at this address, or you may not see it.")
    return organisation


def _back(organisation):
    return organisation.get_absolute_url() or "/"


@verified_email_required
@require_http_methods(["GET", "POST"])
def request_organisation(request):
    form = OrganisationRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                form.instance.requested_by = request.user
                organisation = form.save()
                Membership.objects.create(
                    organisation=organisation, user=request.user, role=Role.ADMIN
                )
                record(Kind.ORGANISATION_REGISTERED, request=request,
                       organisation=organisation, target=organisation.slug)
                vetting.announce_request(organisation, request.user.email)
        except IntegrityError:  # the same name or slug registered a moment ago
            form.add_error("name", "That name was registered just now. Choose another.")
            return render(request, "organisations/request.html",
                          {"form": form, "earlier": _earlier_requests(request)}, status=400)
        messages.success(
            request,
            f"Thank you. {organisation} is awaiting approval by a portal moderator; you will be "
            "its admin once it is approved.",
        )
        return redirect("/")
    return render(request, "organisations/request.html",
                  {"form": form, "earlier": _earlier_requests(request)})


def _earlier_requests(request):
    """The organisations this person asked for that are not approved: where a rejection's
    reason is read."""
    return Organisation.objects.filter(requested_by=request.user).exclude(
        status=OrganisationStatus.APPROVED).order_by("-created_at")


@verified_email_required
@require_POST
def request_to_join(request, slug):
    organisation = _approved_org(slug)
    form = JoinRequestForm(request.POST)
    if Membership.objects.filter(organisation=organisation, user=request.user).exists():
        messages.info(request, f"You are already a member of {organisation}.")
    elif form.is_valid():
        try:
            with transaction.atomic():
                JoinRequest.objects.create(
                    organisation=organisation, user=request.user,
                    message=form.cleaned_data["message"],
                )
                notify(organisation.admins(), JOIN_REQUESTED,
                       f"{request.user.email} asked to join {organisation}",
                       reverse("manage-members", args=[organisation.slug]))
            messages.success(request, f"Your request to join {organisation} has been sent.")
        except IntegrityError:
            messages.info(request, f"Your request to join {organisation} is already waiting.")
    else:
        return render(request, "organisations/join.html",
                      {"form": form, "organisation": organisation}, status=400)
    return redirect(_back(organisation))


@verified_email_required
@require_http_methods(["GET", "POST"])
def manage_members(request, slug):
    organisation = _org_admin_or_404(request, slug)
    invite_form = InvitationForm(prefix="invite")
    if request.method == "POST" and "invite-email" in request.POST:
        invite_form = InvitationForm(request.POST, prefix="invite")
        if invite_form.is_valid():
            email = invite_form.cleaned_data["email"]
            if Membership.objects.filter(organisation=organisation, user__email=email).exists():
                invite_form.add_error("email", "That person is already a member.")
            else:
                invitation, token = Invitation.issue(
                    organisation, email, invite_form.cleaned_data["role"], request.user
                )
                record(Kind.INVITATION_SENT, request=request, organisation=organisation,
                       target=email, role=invitation.role)
                transaction.on_commit(
                    lambda: send_invitation_email.delay(invitation.pk, token)
                )
                messages.success(request, f"Invitation sent to {email}.")
                return redirect("manage-members", slug=slug)
    status = 400 if invite_form.errors else 200
    context = {
        "organisation": organisation,
        "memberships": organisation.memberships.select_related("user").annotate(
            email_verified=Exists(EmailAddress.objects.filter(
                user=OuterRef("user"), email__iexact=OuterRef("user__email"), verified=True))),
        "join_requests": organisation.join_requests.filter(
            status=JoinRequestStatus.PENDING
        ).select_related("user"),
        "invitations": organisation.invitations.open(),
        "invite_form": invite_form,
        "roles": Role.choices,
    }
    return render(request, "organisations/manage.html", context, status=status)


@verified_email_required
@require_POST
def change_role(request, slug, membership_id):
    organisation = _org_admin_or_404(request, slug)
    membership = get_object_or_404(organisation.memberships, pk=membership_id)
    if "remove" in request.POST:  # removal is confirmed on a page of its own first
        return redirect("remove-member", slug=slug, membership_id=membership.pk)
    form = MembershipRoleForm(request.POST, instance=membership)
    if not form.is_valid():
        messages.error(request, "Choose one of the listed roles.")
    elif membership.user_id == request.user.pk and form.cleaned_data["role"] != Role.ADMIN:
        messages.error(request, "You cannot step down yourself; ask another admin.")
    else:
        previous = Membership.objects.get(pk=membership.pk).role
        with transaction.atomic():
            form.save()
            record(Kind.ROLE_CHANGED, request=request, organisation=organisation,
                   target=membership.user.email, previous=previous, new=membership.role)
            if previous != membership.role:
                notify([membership.user], ROLE_CHANGED,
                       f"Your role in {organisation} is now "
                       f"{membership.get_role_display().lower()}", _back(organisation))
        messages.success(request, f"{membership.user} is now {membership.get_role_display()}.")
    return redirect("manage-members", slug=slug)


@verified_email_required
@require_http_methods(["GET", "POST"])
def remove_member(request, slug, membership_id):
    """Ask the admin to confirm; remove only on POST, and tell the person removed."""
    organisation = _org_admin_or_404(request, slug)
    membership = get_object_or_404(organisation.memberships.select_related("user"),
                                   pk=membership_id)
    if membership.user_id == request.user.pk:
        messages.error(request, "You cannot remove yourself; ask another admin.")
        return redirect("manage-members", slug=slug)
    if request.method == "POST":
        with transaction.atomic():
            membership.delete()
            record(Kind.MEMBER_REMOVED, request=request, organisation=organisation,
                   target=membership.user.email, role=membership.role)
            notify([membership.user], MEMBER_REMOVED,
                   f"You were removed from {organisation} by one of its admins", "/")
        messages.success(request, f"{membership.user} was removed from {organisation}.")
        return redirect("manage-members", slug=slug)
    return render(request, "organisations/remove_member.html",
                  {"organisation": organisation, "membership": membership})


@verified_email_required
@require_POST
def publishing_settings(request, slug):
    """Four-eyes publishing on or off (``Organisation.four_eyes``; cms applies it)."""
    organisation = _org_admin_or_404(request, slug)
    four_eyes = request.POST.get("four_eyes") == "on"
    # update(), not save(): saving an approved organisation re-runs its provisioning.
    if Organisation.objects.filter(pk=organisation.pk).exclude(four_eyes=four_eyes).update(
            four_eyes=four_eyes):
        # Turning review off lets publishers publish alone: who did it, and when, is kept.
        record(Kind.FOUR_EYES_CHANGED, request=request, organisation=organisation,
               target=organisation.slug, previous=not four_eyes, new=four_eyes)
    messages.success(request, "Four-eyes publishing is on: every submission is approved by "
                     "someone other than its author." if four_eyes else
                     "Four-eyes publishing is off: publishers may publish directly.")
    return redirect("manage-members", slug=slug)


@verified_email_required
@require_POST
def decide_join_request(request, slug, request_id):
    organisation = _org_admin_or_404(request, slug)
    join_request = get_object_or_404(
        organisation.join_requests, pk=request_id, status=JoinRequestStatus.PENDING
    )
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve or decline.")
        return redirect("manage-members", slug=slug)
    with transaction.atomic():
        approved = form.cleaned_data["decision"] == "approve"
        join_request.status = JoinRequestStatus.APPROVED if approved else JoinRequestStatus.DECLINED
        join_request.decided_at = timezone.now()
        join_request.decided_by = request.user
        join_request.save()
        if approved:
            Membership.objects.get_or_create(
                organisation=organisation, user=join_request.user,
                defaults={"role": form.cleaned_data["role"] or Role.MEMBER},
            )
        notify([join_request.user], JOIN_DECIDED,
               f"Your request to join {organisation} was {join_request.status}",
               organisation.get_absolute_url())
        record(Kind.JOIN_REQUEST_DECIDED, request=request, organisation=organisation,
               target=join_request.user.email, decision=join_request.status,
               role=form.cleaned_data["role"] if approved else None)
    messages.success(request, f"Request from {join_request.user} {join_request.status}.")
    return redirect("manage-members", slug=slug)


@verified_email_required
@require_POST
def revoke_invitation(request, slug, invitation_id):
    organisation = _org_admin_or_404(request, slug)
    invitation = get_object_or_404(organisation.invitations.open(), pk=invitation_id)
    invitation.revoked = True
    invitation.save(update_fields=["revoked"])
    record(Kind.INVITATION_REVOKED, request=request, organisation=organisation,
           target=invitation.email)
    messages.success(request, f"Invitation for {invitation.email} revoked.")
    return redirect("manage-members", slug=slug)


@require_http_methods(["GET", "POST"])
def accept_invitation(request, token):
    invitation = Invitation.objects.select_related("organisation").by_token(token)
    if invitation is None:
        raise Http404("This invitation link is not valid: it may have expired, been used or "
                      "been revoked. Ask the organisation's admin for a new one.")
    if not request.user.is_authenticated:
        return render(request, "organisations/invitation.html", {"invitation": invitation})
    if request.user.email.lower() != invitation.email:
        return render(request, "organisations/invitation.html",
                      {"invitation": invitation, "wrong_account": True}, status=403)
    if request.method == "POST":
        with transaction.atomic():
            Membership.objects.update_or_create(
                organisation=invitation.organisation, user=request.user,
                defaults={"role": invitation.role},
            )
            invitation.accepted_at = timezone.now()
            invitation.save(update_fields=["accepted_at"])
            record(Kind.INVITATION_ACCEPTED, request=request,
                   organisation=invitation.organisation, target=invitation.email,
                   role=invitation.role)
            # The organisation's admins now (an inviter who has left is not told).
            told = [user for user in invitation.organisation.admins() if user != request.user]
            notify(told, INVITATION_ACCEPTED,
                   f"{invitation.email} accepted the invitation to join "
                   f"{invitation.organisation}",
                   reverse("manage-members", args=[invitation.organisation.slug]))
        messages.success(request, f"Welcome to {invitation.organisation}.")
        return redirect(_back(invitation.organisation))
    return render(request, "organisations/invitation.html", {"invitation": invitation})
