from django import forms
from django.contrib.auth import get_user_model

from portal.core.organisations.models import Organisation
from portal.features.standards.models import (
    ClauseAnswer,
    Decision,
    MentoringOffer,
    UptakeAudience,
)


class SignForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(),
                                          label="Sign on behalf of")
    statement = forms.CharField(required=False, max_length=1000, widget=forms.Textarea(
        attrs={"rows": 3}), label="Public statement",
        help_text="Shown next to your organisation on the standard's list of signatories.")

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="Recorded with the decision.")

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Give a reason.")
        return reason


class AnswerForm(forms.ModelForm):
    class Meta:
        model = ClauseAnswer
        fields = ["status", "evidence", "owner", "target_date"]
        labels = {"status": "Answer", "evidence": "Evidence and notes"}
        widgets = {"evidence": forms.Textarea(attrs={"rows": 3}),
                   "target_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = get_user_model().objects.filter(
            is_active=True, memberships__organisation=organisation)
        self.fields["owner"].label_from_instance = lambda user: user.email
        self.fields["status"].required = False


class ShareForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(),
                                          label="Share read-only with")

    def __init__(self, *args, exclude, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.approved().exclude(
            pk__in=exclude)


class AggregateForm(forms.Form):
    aggregate = forms.BooleanField(required=False, label=(
        "Count our answers, without our name, in this standard's uptake figures"))


class CommentForm(forms.Form):
    clause = forms.ModelChoiceField(queryset=None, required=False,
                                    empty_label="The standard as a whole",
                                    label="Comment on")
    organisation = forms.ModelChoiceField(queryset=None, label="Commenting for")
    body = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
                           label="Your comment")

    def __init__(self, *args, clauses, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clause"].queryset = clauses
        self.fields["clause"].label_from_instance = lambda c: f"{c.number}. {c.title}"
        self.fields["organisation"].queryset = organisations

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError("Write a comment.")
        return body


class CommentAnswerForm(forms.Form):
    answer = forms.CharField(max_length=4000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    decision = forms.ChoiceField(choices=[("", "Not decided")] + Decision.choices,
                                 required=False)


class UptakeAudienceForm(forms.Form):
    audience = forms.TypedChoiceField(choices=UptakeAudience.choices, coerce=int,
                                      label="Who may read these figures",
                                      widget=forms.RadioSelect)


class OfferForm(forms.ModelForm):
    class Meta:
        model = MentoringOffer
        fields = ["note", "topics", "clauses", "capacity", "active"]
        widgets = {"topics": forms.CheckboxSelectMultiple, "note": forms.Textarea(
            attrs={"rows": 3})}
        labels = {"clauses": "Clauses you can help with", "active": "Open to new requests"}

    def __init__(self, *args, clauses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clauses"].queryset = clauses
        self.fields["clauses"].label_from_instance = (
            lambda c: f"{c.standard.title}: {c.number}. {c.title}")


class MentoringRequestForm(forms.Form):
    message = forms.CharField(max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              label="What you would like help with")
    share_assessment = forms.BooleanField(
        required=False, label="Let the mentor read our self-assessment while the mentoring lasts")


class FeedbackForm(forms.Form):
    feedback = forms.CharField(max_length=500, required=False,
                               widget=forms.Textarea(attrs={"rows": 2}),
                               label="Short feedback (optional)")


class AssessorForm(forms.Form):
    membership = forms.IntegerField(widget=forms.HiddenInput)
    grant = forms.BooleanField(required=False, widget=forms.HiddenInput)
