"""Following items: the button on an item page, and the reader's list of items they follow.

An item answers as missing (404) to a reader who may not see it; another person's follow
answers as a missing one (cms.access.follow_policy)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cms.access import follow_policy, item_policy
from cms.models import Follow, FollowPreference, ItemPage, UpdatesBy
from portal.core.access import principal_for


def _visible_item(request, page_id):
    page = ItemPage.objects.live().filter(pk=page_id).first()
    if page is None or not item_policy.can_view(principal_for(request), page):
        raise Http404
    return page


@login_required
@require_POST
def follow_item(request, page_id):
    """``follow=1`` follows the item, ``follow=0`` stops following it."""
    page = _visible_item(request, page_id)
    choice = request.POST.get("follow")
    if choice not in ("0", "1"):
        return HttpResponseBadRequest("Say follow=1 to follow or follow=0 to stop.")
    if choice == "1":
        Follow.objects.get_or_create(user=request.user, page=page)
        messages.success(request, f"You follow \u201c{page.title}\u201d: you will hear of its "
                                  "major changes.")
    else:
        Follow.objects.filter(user=request.user, page=page).delete()
        messages.success(request, f"You no longer follow \u201c{page.title}\u201d.")
    return redirect(page.url)


class FollowPreferenceForm(forms.ModelForm):
    class Meta:
        model = FollowPreference
        fields = ["updates"]
        labels = {"updates": "Tell me of major changes"}
        widgets = {"updates": forms.RadioSelect}


@login_required
def following(request):
    """The items the reader follows (those they may still see) and how they hear of changes."""
    preference = (FollowPreference.objects.filter(user=request.user).first()
                  or FollowPreference(user=request.user, updates=UpdatesBy.IMMEDIATELY))
    form = FollowPreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Saved how you hear of changes.")
        return redirect("following")
    principal = principal_for(request)
    follows = (follow_policy.visible(principal)
               .filter(page__in=item_policy.visible(principal, ItemPage.objects.live()))
               .select_related("page"))
    return render(request, "cms/following.html", {"follows": follows, "form": form},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def unfollow(request, follow_id):
    follow = follow_policy.visible(principal_for(request)).filter(pk=follow_id).first()
    if follow is None:
        raise Http404
    follow.delete()
    messages.success(request, "You no longer follow that item.")
    return redirect("following")
