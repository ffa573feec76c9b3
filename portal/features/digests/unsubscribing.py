"""The unsubscribe link in a digest's body: a choice between the subscriptions that email came
from and all of that frequency's.

The one-click link of the List-Unsubscribe header (RFC 8058) stays an opaque key per reader and
frequency that never expires. The body's link adds a signed, dated token naming the
subscriptions that matched in that email, so the confirmation page can offer "this one only";
a changed token is refused, and an old one has expired.
"""

from datetime import timedelta

from django.core import signing

from portal.features.digests.models import Subscription, UnsubscribeToken

SALT = "portal.features.digests.unsubscribe-choice"
CHOICE_MAX_AGE = timedelta(days=60)  # well past the next weekly digest, with its fresh link


def choice_token(user_id: int, frequency: str, subscription_ids) -> str:
    return signing.dumps({"u": user_id, "f": frequency, "s": sorted(subscription_ids)},
                         salt=SALT, compress=True)


def subscriptions_in(token: UnsubscribeToken, value: str) -> list[Subscription]:
    """The subscriptions an email's choice token names, still of that reader and frequency.
    Raises signing.SignatureExpired when it is too old, signing.BadSignature when it was
    changed or belongs to another reader's key."""
    payload = signing.loads(value, salt=SALT, max_age=CHOICE_MAX_AGE)
    if (not isinstance(payload, dict) or payload.get("u") != token.user_id
            or payload.get("f") != token.frequency):
        raise signing.BadSignature("The token is for another reader or frequency.")
    return list(Subscription.objects.filter(user_id=token.user_id, frequency=token.frequency,
                                            pk__in=payload.get("s") or []))
