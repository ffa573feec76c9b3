"""Sharing groups on the public site: an organisation's editors name sets of organisations to
share TLP:AMBER items with (models.SharingGroup). Others get the 404 a missing page gets."""

from allauth.account.decorators import verified_email_required
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from portal.core.audit.models import Kind
from portal.core.audit.recording import record
from portal.core.ids import IdMultipleChoiceField
from portal.core.organisations.models import Membership, Organisation, Role, SharingGroup

# Editors see and use their organisation's groups; a change of who a group holds widens or
# narrows published items at once, with no review, so only publishers and admins make one.
EDITOR_ROLES = Role.at_least(Role.CONTRIBUTOR)
MANAGER_ROLES = Role.at_least(Role.PUBLISHER)


class SharingGroupForm(forms.ModelForm):
    class Meta:
        model = SharingGroup
        fields = ["name", "description", "organisations"]
        widgets = {"organisations": forms.CheckboxSelectMultiple}
        field_classes = {"organisations": IdMultipleChoiceField}
        help_texts = {
            "name": "Editors see this name when they share an item.",
            "organisations": "Members of these organisations may see the TLP:AMBER items that "
                             "name the group, from the moment they are added until removed.",
        }

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.fields["organisations"].queryset = Organisation.objects.approved().exclude(
            pk=owner.pk)

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        taken = SharingGroup.objects.filter(owner=self.owner, name__iexact=name)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError("Your organisation already has a group of that name.")
        return name


def _editors_organisation_or_404(request, slug):
    """The organisation, if the person edits for it; and whether they may change its groups
    (a change asked for by anyone else is refused with a 403 that says why)."""
    organisation = get_object_or_404(Organisation.objects.approved(), slug=slug)
    role = Membership.objects.filter(organisation=organisation, user=request.user,
                                     role__in=EDITOR_ROLES).values_list("role", flat=True).first()
    if role is None:
        raise Http404("There is nothing at this address, or you may not see it.")
    may_manage = role in MANAGER_ROLES
    if request.method == "POST" and not may_manage:
        raise PermissionDenied("Only the organisation's publishers and admins change sharing "
                               "groups: a change reaches published items at once.")
    return organisation, may_manage


def _members(group):
    return sorted(group.organisations.values_list("pk", flat=True))


def _record(request, group, previous, deleted=False):
    """Who a group shares with is access: its changes go on the security audit trail."""
    new = [] if deleted else _members(group)
    if new != previous:
        record(Kind.RECIPIENTS_CHANGED, request=request, organisation=group.owner,
               target=f"sharing group #{group.pk}", previous_organisations=previous,
               new_organisations=new)


@verified_email_required
@require_http_methods(["GET", "POST"])
def sharing_groups(request, slug):
    """The organisation's groups, and a form for a new one."""
    organisation, may_manage = _editors_organisation_or_404(request, slug)
    form = SharingGroupForm(request.POST or None, owner=organisation)
    if request.method == "POST" and form.is_valid():
        group = form.save(commit=False)
        group.owner = organisation
        group.save()
        form.save_m2m()
        _record(request, group, previous=[])
        messages.success(request, f"Sharing group “{group.name}” created.")
        return redirect("sharing-groups", slug=slug)
    groups = organisation.owned_sharing_groups.prefetch_related("organisations")
    return render(request, "organisations/sharing_groups.html", {
        "organisation": organisation, "groups": groups, "form": form, "may_manage": may_manage,
    }, status=400 if form.errors else 200)


@verified_email_required
@require_http_methods(["GET", "POST"])
def sharing_group(request, slug, group_id):
    """Change a group's name and organisations, or delete it."""
    organisation, may_manage = _editors_organisation_or_404(request, slug)
    group = get_object_or_404(SharingGroup, pk=group_id, owner=organisation)
    if request.method == "POST" and "delete" in request.POST:
        _record(request, group, previous=_members(group), deleted=True)
        group.delete()
        messages.success(request, f"Sharing group “{group.name}” deleted; items that named it "
                                  "are no longer shared through it.")
        return redirect("sharing-groups", slug=slug)
    previous = _members(group)
    form = SharingGroupForm(request.POST or None, instance=group, owner=organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        _record(request, group, previous=previous)
        messages.success(request, f"Sharing group “{group.name}” saved.")
        return redirect("sharing-groups", slug=slug)
    return render(request, "organisations/sharing_group.html", {
        "organisation": organisation, "group": group, "form": form, "may_manage": may_manage,
    }, status=400 if form.errors else 200)
