from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "portal.core.accounts"
    label = "accounts"
    verbose_name = "Accounts"
