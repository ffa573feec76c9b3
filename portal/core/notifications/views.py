from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from portal.core.access import principal_for
from portal.core.notifications.access import notification_policy
from portal.core.notifications.forms import PreferencesForm

PAGE_SIZE = 30


def _mine(request):
    return notification_policy.visible(principal_for(request))


@login_required
def notification_list(request):
    paginator = Paginator(_mine(request), PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page", "1"))
    except (InvalidPage, ValueError, TypeError):
        raise Http404("There is no such page of notifications.") from None
    return render(request, "notifications/list.html", {"page_obj": page})


@login_required
def open_notification(request, notification_id):
    """Mark one notification read and follow its link (only ever within the portal)."""
    notification = _mine(request).filter(pk=notification_id).first()
    if notification is None:
        raise Http404
    if notification.read_at is None:
        _mine(request).filter(pk=notification.pk).update(read_at=timezone.now())
    safe = url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure())
    return redirect(notification.url if notification.url and safe else "notifications")


@login_required
@require_POST
def mark_all_read(request):
    count = _mine(request).filter(read_at__isnull=True).update(read_at=timezone.now())
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} as read.")
    return redirect("notifications")


@login_required
def preferences(request):
    form = PreferencesForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your notification settings are saved.")
        return redirect("notification-preferences")
    return render(request, "notifications/preferences.html", {"form": form})
