from allauth.account.forms import SignupForm as AllauthSignupForm
from django.contrib.auth.hashers import make_password


class SignupForm(AllauthSignupForm):
    """Signing up with an address that already has an account answers as slowly as a new
    sign-up: hashing the password is the expensive step, so it happens on both paths. Both
    also send one email (a confirmation link, or a note that the account exists)."""

    def try_save(self, request):
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1") or "")
        return super().try_save(request)
