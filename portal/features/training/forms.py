from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from cms.access import item_policy
from cms.models import ItemPage, ScenarioPage, StandardPage
from portal.core.access import Principal
from portal.core.ids import IdChoiceField, IdMultipleChoiceField
from portal.core.organisations.models import Role
from portal.features.training.models import (
    Assignment,
    Audience,
    BehaviourPolicy,
    Session,
    TrainingEvent,
)


def organisation_principal(organisation) -> Principal:
    """What the organisation as a whole may see: a verified member of it and of nothing else,
    named by no TLP:RED item. A programme offers only items every member may read."""
    return Principal(user_id=0, verified=True, organisation_ids=frozenset({organisation.pk}),
                     sharing_group_ids=frozenset(
                         organisation.sharing_groups.values_list("pk", flat=True)))


def visible_scenarios(principal):
    return item_policy.visible(principal, ScenarioPage.objects.live()).order_by("title")


def members_of(organisation):
    return get_user_model().objects.filter(
        is_active=True, memberships__organisation=organisation).order_by("email")


class BehaviourPolicyForm(forms.ModelForm):
    """A new version: the organisation's own item, or a shared standard it may see."""

    class Meta:
        model = BehaviourPolicy
        fields = ["item", "note"]
        field_classes = {"item": IdChoiceField}

    def __init__(self, *args, organisation, principal, **kwargs):
        super().__init__(*args, **kwargs)
        visible = item_policy.visible(principal, ItemPage.objects.live())
        own = visible.filter(source_organisation=organisation)
        standards = visible.filter(pk__in=StandardPage.objects.live().values("pk"))
        self.fields["item"].queryset = (own | standards).order_by("title")
        self.fields["item"].label = "Policy text"


class AssignmentForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(choices=Role.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple,
                                      help_text="For “members with chosen roles”.")

    class Meta:
        model = Assignment
        fields = ["scenario", "audience", "roles", "people", "due_on", "recurrence"]
        field_classes = {"scenario": IdChoiceField, "people": IdMultipleChoiceField}
        widgets = {"people": forms.CheckboxSelectMultiple,
                   "audience": forms.RadioSelect,
                   "due_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, organisation, principal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scenario"].queryset = visible_scenarios(principal)
        self.fields["people"].queryset = members_of(organisation)
        self.fields["people"].label_from_instance = lambda user: user.email

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError("The first due date cannot be in the past.")
        return due_on

    def clean(self):
        cleaned = super().clean()
        audience = cleaned.get("audience")
        if audience == Audience.ROLES and not cleaned.get("roles"):
            self.add_error("roles", "Choose at least one role.")
        if audience == Audience.PEOPLE and not cleaned.get("people"):
            self.add_error("people", "Choose at least one member.")
        return cleaned


class SessionStartForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["scenario", "participants"]
        field_classes = {"scenario": IdChoiceField, "participants": IdMultipleChoiceField}
        widgets = {"participants": forms.CheckboxSelectMultiple}
        help_texts = {"participants": "Who is taking part. You can change this until the end."}

    def __init__(self, *args, organisation, principal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scenario"].queryset = visible_scenarios(principal)
        self.fields["participants"].queryset = members_of(organisation)
        self.fields["participants"].label_from_instance = lambda user: user.email


class ParticipantsForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["participants"]
        field_classes = {"participants": IdMultipleChoiceField}
        widgets = {"participants": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = members_of(self.instance.organisation)
        self.fields["participants"].label_from_instance = lambda user: user.email


class DecisionsForm(forms.Form):
    decisions = forms.CharField(label="The group's decisions at this step", required=False,
                                max_length=3000, widget=forms.Textarea(attrs={"rows": 4}))


class LessonsForm(forms.Form):
    lessons = forms.CharField(label="Lessons learned", max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 6}))


class SelfPacedForm(forms.Form):
    """One short answer per discussion question of the scenario."""

    def __init__(self, *args, scenario, **kwargs):
        super().__init__(*args, **kwargs)
        self.steps = []  # (inject value, field names)
        for step, inject in enumerate(scenario.injects):
            names = []
            for number, question in enumerate(inject.value["questions"]):
                name = f"answer_{step}_{number}"
                self.fields[name] = forms.CharField(
                    label=question, max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 3}))
                names.append(name)
            self.steps.append((inject.value, names))

    def grouped(self):
        """Each step with its bound answer fields, for the template."""
        return [(value, [self[name] for name in names]) for value, names in self.steps]

    def answers(self):
        return [{"step": step, "question": self.fields[name].label,
                 "answer": self.cleaned_data[name]}
                for step, (_value, names) in enumerate(self.steps) for name in names]


class TrainingEventForm(forms.ModelForm):
    class Meta:
        model = TrainingEvent
        fields = ["title", "description", "starts_at", "ends_at", "place", "link", "capacity",
                  "tlp"]
        widgets = {"starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
                   "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"})}

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The event must end after it starts.")
        if not cleaned.get("place") and not cleaned.get("link"):
            self.add_error("place", "Give a place, a link to join, or both.")
        if cleaned.get("capacity") == 0:
            self.add_error("capacity", "An event needs room for at least one person.")
        return cleaned
