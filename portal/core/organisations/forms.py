from django import forms

from portal.core.organisations.models import (
    Invitation,
    JoinRequest,
    Membership,
    Organisation,
    OrganisationType,
    Role,
)


class OrganisationRequestForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "organisation_type", "size_band", "website", "description"]
        help_texts = {"name": "The organisation's full name, as others will know it."}

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Enter the organisation's name.")
        if Organisation.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError(
                f"An organisation called {name} is already registered. Ask to join it from "
                "its page instead.")
        return name

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("organisation_type") == OrganisationType.INDUSTRY
                and not cleaned.get("size_band")):
            self.add_error("size_band", "Choose a size band for an industry organisation.")
        return cleaned


class JoinRequestForm(forms.ModelForm):
    class Meta:
        model = JoinRequest
        fields = ["message"]
        labels = {"message": "Message to the organisation's admins (optional)"}
        widgets = {"message": forms.Textarea(attrs={"rows": 3, "maxlength": 1000})}


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "role"]

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class MembershipRoleForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role"]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("decline", "Decline")])
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER, required=False)
