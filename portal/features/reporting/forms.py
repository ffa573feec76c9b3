from django import forms
from django.core.exceptions import ValidationError

from portal.core.organisations.models import Organisation
from portal.features.reporting.models import Channel, Outcome, Status

MAX_FILES = 5
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_TEXT = 20_000


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Up to ``MAX_FILES`` files of up to ``MAX_FILE_BYTES`` each."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", f"Up to {MAX_FILES} files of up to 10 MB each. Photos "
                          "are re-encoded without their metadata (such as location); other "
                          "files are kept as sent, so remove identifying details first.")
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_FILES:
            raise ValidationError(f"Attach at most {MAX_FILES} files.")
        for upload in files:
            if upload.size > MAX_FILE_BYTES:
                raise ValidationError(f"“{upload.name[:80]}” is larger than 10 MB.")
        return files


def _text(label, *, required=True, max_length=MAX_TEXT, rows=6, help_text=""):
    return forms.CharField(label=label, required=required, max_length=max_length,
                           help_text=help_text, strip=True,
                           widget=forms.Textarea(attrs={"rows": rows}))


class ReportForm(forms.Form):
    category = forms.ChoiceField(label="What is it about?")
    organisation = forms.ModelChoiceField(
        label="Organisation concerned", required=False,
        queryset=Organisation.objects.approved(),
        help_text="The organisation whose conduct you report, if you wish to say.")
    what_happened = _text("What happened?", rows=10, help_text=(
        "Describe what you saw or know: who, what, where. Leave out anything that identifies "
        "you if you wish to stay anonymous."))
    when = forms.CharField(label="When did it happen?", required=False, max_length=200,
                           help_text="A date, a period or “ongoing”.")
    attachments = FilesField(label="Files")
    identity = forms.ChoiceField(
        label="Do you want to stay anonymous?", widget=forms.RadioSelect, initial="anonymous",
        choices=[("anonymous", "Yes, stay anonymous"),
                 ("contact", "No, I give contact details that only the case handlers see")])
    contact = _text("Your contact details", required=False, max_length=1000, rows=3,
                    help_text="Only if you chose to give them: a name, an email or a phone "
                              "number.")
    exclude = forms.ModelMultipleChoiceField(
        label="Case handlers who must not see this report", required=False,
        queryset=None, widget=forms.CheckboxSelectMultiple,
        help_text="For example if your report concerns them. They will not know it exists.")
    link_account = forms.BooleanField(
        label="Link this report to my account", required=False,
        help_text="Leave unticked to stay unlinked: the report then holds nothing about "
                  "your account.")

    def __init__(self, *args, channel: Channel, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "Choose one")] + [
            (name, name) for name in channel.category_list]
        self.fields["exclude"].queryset = channel.handler_users().order_by("email")
        self.fields["exclude"].label_from_instance = lambda u: u.get_full_name() or u.email
        if not self.fields["exclude"].queryset.exists():
            del self.fields["exclude"]
        if user is None or not user.is_authenticated:
            del self.fields["link_account"]

    def clean(self):
        data = super().clean()
        data["anonymous"] = data.get("identity") != "contact"
        if not data["anonymous"] and not data.get("contact"):
            self.add_error("contact", "Give your contact details, or choose to stay "
                                      "anonymous.")
        return data


class CodeForm(forms.Form):
    code = forms.CharField(label="Receipt code", max_length=64, strip=True,
                           widget=forms.TextInput(attrs={"autocomplete": "off",
                                                         "inputmode": "numeric"}),
                           help_text="The 20 digits you were given; spaces do not matter.")


class ReporterReplyForm(CodeForm):
    code = forms.CharField(max_length=64, widget=forms.HiddenInput)
    text = _text("Your message", required=False)
    attachments = FilesField(label="Add files")

    def clean(self):
        data = super().clean()
        if not data.get("text") and not data.get("attachments") and not self.errors:
            raise ValidationError("Write a message or add a file.")
        return data


class PassphraseForm(forms.Form):
    passphrase = forms.CharField(label="New passphrase", min_length=12, max_length=200,
                                 strip=False, widget=forms.PasswordInput(
                                     attrs={"autocomplete": "new-password"}),
                                 help_text="At least 12 characters; several unusual words "
                                           "are best. It cannot be reset: without it the "
                                           "key it guards is lost.")
    confirm = forms.CharField(label="Passphrase again", max_length=200, strip=False,
                              widget=forms.PasswordInput(attrs={"autocomplete":
                                                                "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("passphrase") and data.get("passphrase") != data.get("confirm"):
            self.add_error("confirm", "The two passphrases differ.")
        return data


class UnlockForm(forms.Form):
    passphrase = forms.CharField(label="Passphrase", max_length=200, strip=False,
                                 widget=forms.PasswordInput(
                                     attrs={"autocomplete": "current-password"}))


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)
    outcome = forms.ChoiceField(label="Outcome (when closing)", required=False,
                                choices=[("", "None yet")] + Outcome.choices)
    assignee = forms.ModelChoiceField(label="Assigned to", required=False, queryset=None,
                                      empty_label="Nobody")

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = report.readers.order_by("email")

    def clean(self):
        data = super().clean()
        if data.get("status") == Status.CLOSED and not data.get("outcome"):
            self.add_error("outcome", "Choose the outcome to close the case.")
        return data


class MessageForm(forms.Form):
    text = _text("Message to the reporter")
    is_feedback = forms.BooleanField(
        label="This message tells the reporter what has been done or is planned (feedback)",
        required=False)


class NoteForm(forms.Form):
    text = _text("Internal note (never shown to the reporter)", rows=4)


class ChannelSettingsForm(forms.ModelForm):
    class Meta:
        model = Channel
        fields = ["categories", "acknowledge_days", "feedback_days", "retention_days",
                  "publish_statistics"]
        help_texts = {"acknowledge_days": "At most 7 days.",
                      "feedback_days": "At most 90 days (three months)."}

    def clean_acknowledge_days(self):
        return _bounded(self.cleaned_data["acknowledge_days"], 1, 7)

    def clean_feedback_days(self):
        return _bounded(self.cleaned_data["feedback_days"], 1, 90)

    def clean_retention_days(self):
        return _bounded(self.cleaned_data["retention_days"], 30, 3650)

    def clean_categories(self):
        lines = [line.strip() for line in self.cleaned_data["categories"].splitlines()
                 if line.strip()]
        if not lines or len(lines) > 30 or any(len(line) > 200 for line in lines):
            raise ValidationError("Give 1 to 30 categories, one a line, each under 200 "
                                  "characters.")
        return "\n".join(lines)


def _bounded(value, low, high):
    if not low <= value <= high:
        raise ValidationError(f"Give a number from {low} to {high}.")
    return value


class RecoveryGrantForm(forms.Form):
    recovery_key = forms.CharField(label="Recovery key", max_length=120, strip=True,
                                   widget=forms.PasswordInput(attrs={"autocomplete": "off"}))


class ReportingBodyForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Organisation", queryset=Organisation.objects.approved(),
        help_text="A regulator or a trade body's ethics committee that takes reports about "
                  "any organisation.")
