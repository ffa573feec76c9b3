from django import forms

from portal.core.notifications import kinds
from portal.core.notifications.models import Preference


class PreferencesForm(forms.Form):
    """One "email me" box per kind; the in-site list always keeps everything."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        saved = dict(Preference.objects.filter(user=user).values_list("kind", "email"))
        for kind in kinds.all_kinds():
            self.fields[kind.key] = forms.BooleanField(
                label=kind.label, required=False,
                initial=saved.get(kind.key, kind.email_by_default))

    def save(self):
        for kind in kinds.all_kinds():
            Preference.objects.update_or_create(
                user=self.user, kind=kind.key,
                defaults={"email": self.cleaned_data[kind.key]})
