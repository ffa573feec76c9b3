from django import forms
from django.http import QueryDict

from cms.models import Audience, Topic
from cms.models.items import ITEM_TYPES_BY_SLUG
from portal.core.organisations.models import Organisation, OrganisationType
from portal.features.digests.models import Subscription
from search.query import InvalidSearch, SearchRequest


class SubscriptionForm(forms.ModelForm):
    """A subscription is a saved search: words and/or filters, and how often to hear."""

    text = forms.CharField(label="Words to look for", required=False, max_length=300,
                           help_text='"Quotes" for a phrase, -word to leave out.')
    types = forms.MultipleChoiceField(
        label="Content types", required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(slug, cls.type_name) for slug, cls in ITEM_TYPES_BY_SLUG.items()])
    topics = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.all(), to_field_name="slug", required=False,
        widget=forms.CheckboxSelectMultiple)
    audiences = forms.ModelMultipleChoiceField(
        queryset=Audience.objects.all(), to_field_name="slug", required=False,
        widget=forms.CheckboxSelectMultiple)
    organisation_types = forms.MultipleChoiceField(
        label="Organisation types", required=False, widget=forms.CheckboxSelectMultiple,
        choices=OrganisationType.choices)
    organisations = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.approved(), to_field_name="slug", required=False,
        widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Subscription
        fields = ["name", "frequency", "active"]
        labels = {"active": "Send this subscription (untick to pause)"}

    def __init__(self, *args, search_request: SearchRequest | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if search_request is None and self.instance.pk:
            try:
                search_request = self.instance.search_request
            except InvalidSearch:  # saved criteria that no longer parse: start afresh
                search_request = None
        # Filters the form does not show (TLP labels, years) are kept as they were.
        self.kept = {"labels": search_request.labels if search_request else (),
                     "years": search_request.years if search_request else ()}
        if search_request is not None and not self.is_bound:
            self.initial.update({
                "text": search_request.text, "types": list(search_request.types),
                "topics": list(search_request.topics),
                "audiences": list(search_request.audiences),
                "organisation_types": list(search_request.organisation_types),
                "organisations": list(search_request.organisations),
            })

    def clean(self):
        cleaned = super().clean()
        query = QueryDict(mutable=True)
        query["q"] = cleaned.get("text", "")
        for attr, param in SearchRequest.PARAMS.items():
            values = cleaned.get(attr) or self.kept.get(attr) or []
            query.setlist(param, [str(getattr(v, "slug", v)) for v in values])
        try:
            request = SearchRequest.from_params(query)
        except InvalidSearch as error:
            raise forms.ValidationError(str(error)) from None
        if not request.text and not any(getattr(request, f) for f in SearchRequest.FILTERS):
            raise forms.ValidationError(
                "Choose at least one topic, type, audience or organisation, or some words, "
                "so the digest is not everything.")
        self.instance.criteria = Subscription.criteria_for(request)
        return cleaned
