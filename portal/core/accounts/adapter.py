from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up and sign-in by email, stored lower-case so one person is one account."""

    def clean_email(self, email):
        return super().clean_email(email).strip().lower()
