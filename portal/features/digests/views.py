"""Subscribers' pages: manage subscriptions, preview, archive, and RFC 8058 unsubscribe."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from cms.listing import visible_items_for
from portal.features.digests import unsubscribing
from portal.features.digests.building import build_chunk
from portal.features.digests.forms import SubscriptionForm
from portal.features.digests.models import (
    Delivery,
    DeliveryStatus,
    Frequency,
    Subscription,
    UnsubscribeToken,
)
from portal.features.digests.runs import next_run_window
from search.query import InvalidSearch, SearchRequest


def describe(search_request: SearchRequest) -> str:
    """A starting name for a subscription made from a search, a topic or an organisation."""
    from cms.models import Topic
    from portal.core.organisations.models import Organisation

    if search_request.text:
        return f"Search: {search_request.text}"[:120]
    names = [*Topic.objects.filter(slug__in=search_request.topics).values_list("name", flat=True),
             *Organisation.objects.filter(slug__in=search_request.organisations)
             .values_list("name", flat=True)]
    return ", ".join(names)[:120] or "My digest"


@login_required
def subscriptions(request):
    return render(request, "digests/subscriptions.html", {
        "subscriptions": request.user.subscriptions.all(),
        "frequencies": Frequency.choices,
    })


@login_required
@require_http_methods(["GET", "POST"])
def edit_subscription(request, subscription_id=None):
    instance = (get_object_or_404(request.user.subscriptions, pk=subscription_id)
                if subscription_id else Subscription(user=request.user))
    search_request = None
    if instance.pk is None:
        try:
            search_request = SearchRequest.from_params(request.GET)
        except InvalidSearch as error:
            messages.error(request, str(error))
    form = SubscriptionForm(request.POST or None, instance=instance,
                            search_request=search_request)
    if search_request is not None and not form.is_bound:
        form.initial["name"] = describe(search_request)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Subscription “{form.instance.name}” saved.")
        return redirect("subscriptions")
    status = 400 if form.errors else 200
    return render(request, "digests/edit.html", {"form": form, "subscription": instance},
                  status=status)


@login_required
@require_POST
def delete_subscription(request, subscription_id):
    subscription = get_object_or_404(request.user.subscriptions, pk=subscription_id)
    subscription.delete()
    messages.success(request, f"Subscription “{subscription.name}” deleted.")
    return redirect("subscriptions")


@login_required
@require_POST
def toggle_subscription(request, subscription_id):
    subscription = get_object_or_404(request.user.subscriptions, pk=subscription_id)
    subscription.active = not subscription.active
    subscription.save(update_fields=["active", "updated_at"])
    state = "resumed" if subscription.active else "paused"
    messages.success(request, f"Subscription “{subscription.name}” {state}.")
    return redirect("subscriptions")


@login_required
def preview(request, frequency):
    if frequency not in Frequency.values:
        raise Http404("There is no such digest.")
    # The next run's own window, built as that run will build it: what it would send if
    # nothing else were published before it starts.
    start, end = next_run_window(frequency)
    digest = build_chunk(frequency, start, end, [request.user.pk])[0]
    return render(request, "digests/preview.html", {
        "digest": digest, "frequency": Frequency(frequency).label, "window": (start, end),
    })


@login_required
def archive(request):
    deliveries = (request.user.digest_deliveries.filter(status=DeliveryStatus.SENT)
                  .select_related("run"))
    return render(request, "digests/archive.html", {"deliveries": deliveries})


@login_required
def archived_digest(request, delivery_id):
    delivery = get_object_or_404(
        Delivery.objects.select_related("run"), pk=delivery_id, user=request.user,
        status=DeliveryStatus.SENT)
    # The access rule is applied again now: an item since restricted is no longer shown.
    visible = visible_items_for(request)
    items = visible.filter(pk__in=delivery.item_ids)
    updated = visible.filter(pk__in=delivery.updated_ids)
    listed = set(delivery.item_ids) | set(delivery.updated_ids)
    hidden = len(listed) - len({item.pk for item in items} | {item.pk for item in updated})
    return render(request, "digests/archived.html", {
        "delivery": delivery, "items": items, "updated": updated, "hidden": hidden,
    })


@csrf_exempt  # RFC 8058: mail clients POST without cookies or a CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request, key):
    token = UnsubscribeToken.objects.select_related("user").filter(key=key[:64]).first()
    if token is None:
        return render(request, "digests/unsubscribe.html", {"invalid": True}, status=404)
    context = {"token": token, "frequency": Frequency(token.frequency).label.lower()}
    choices = None
    if "s" in request.GET:  # the body's link: offer the email's own subscriptions too
        try:
            choices = unsubscribing.subscriptions_in(token, request.GET["s"])
        except signing.SignatureExpired:
            return render(request, "digests/unsubscribe.html", {"expired": True}, status=410)
        except signing.BadSignature:
            return render(request, "digests/unsubscribe.html", {"invalid": True}, status=400)
        context["choices"] = choices
    if request.method == "POST":
        scope = request.POST.get("scope", "all")
        if scope == "all" or choices is None:
            # One-click (RFC 8058): no redirect, and the same answer when repeated.
            Subscription.objects.filter(user=token.user, frequency=token.frequency,
                                        active=True).update(active=False)
            context["done"] = True
        else:
            chosen = next((s for s in choices if str(s.pk) == scope), None)
            if chosen is None:
                return render(request, "digests/unsubscribe.html", {"invalid": True},
                              status=400)
            Subscription.objects.filter(pk=chosen.pk).update(active=False)
            context.update(done=True, chosen=chosen)
    return render(request, "digests/unsubscribe.html", context)
