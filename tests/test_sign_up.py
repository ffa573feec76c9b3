"""Sign-up does not reveal whether an email address has an account: the same answer, the same
email count, and the same expensive work (hashing the password) on both paths."""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


class CountingHasher(MD5PasswordHasher):
    calls = 0

    def encode(self, password, salt):
        type(self).calls += 1
        return super().encode(password, salt)


def _sign_up(client, email):
    CountingHasher.calls = 0
    mail.outbox.clear()
    response = client.post(reverse("account_signup"), {
        "email": email, "password1": "a-long-passphrase-42", "password2": "a-long-passphrase-42"})
    return response, CountingHasher.calls, len(mail.outbox)


@override_settings(PASSWORD_HASHERS=["tests.test_sign_up.CountingHasher"])
def test_existing_and_new_addresses_cost_the_same(client, world):
    existing = _sign_up(client, world.users["source_member"].email)
    client.logout()
    new = _sign_up(client, "someone.new@example.org")
    assert existing[0].status_code == new[0].status_code == 302
    assert existing[0]["Location"] == new[0]["Location"]
    assert existing[1] == new[1] >= 1  # the password is hashed on both paths
    assert existing[2] == new[2] == 1  # one email each: "already registered" or "confirm"
