"""Consultation on a draft standard. Comments are readable by whoever may see the standard
(they follow its label, never widen it); members of approved organisations comment; the
publishing organisation's publishers answer, decide and close; moderators hide abuse."""

from allauth.account.decorators import verified_email_required
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cms.models import StandardStatus
from portal.core.access import principal_for
from portal.core.accounts.moderators import is_moderator
from portal.core.notifications.sending import notify
from portal.features.standards.forms import CommentAnswerForm, CommentForm, ReasonForm
from portal.features.standards.models import Comment, Consultation
from portal.features.standards.notifications import CONSULTATION
from portal.features.standards.views.lookups import (
    NOT_HERE,
    get_or_404,
    organisations_where,
    visible_standard,
)


def _consultation(request, standard_id, create=False):
    """The standard's consultation on its current version while it is out for consultation
    (recorded with its first comment or its closing: ``create``); otherwise the latest one
    held, if any."""
    standard = visible_standard(request, standard_id)
    if standard.status == StandardStatus.CONSULTATION:
        lookup = {"standard": standard, "version_label": standard.version}
        consultation = (Consultation.objects.get_or_create(**lookup)[0] if create else
                        Consultation.objects.filter(**lookup).first() or Consultation(**lookup))
    else:
        consultation = standard.consultations.order_by("-opened_at").first()
        if consultation is None:
            raise Http404(NOT_HERE)
    return standard, consultation


def is_open(standard, consultation) -> bool:
    return (consultation.is_open and standard.status == StandardStatus.CONSULTATION
            and consultation.version_label == standard.version)


def _is_publisher(request, standard) -> bool:
    return standard.source_organisation_id in principal_for(request).organisations_where(
        "admin", "publisher")


def _comment_form(request, standard, data=None):
    return CommentForm(data, clauses=standard.practice_clauses.filter(current=True),
                       organisations=organisations_where(
                           request, "member", "contributor", "publisher", "admin"))


@require_http_methods(["GET", "POST"])
def consultation(request, standard_id):
    standard, item = _consultation(request, standard_id, create=request.method == "POST")
    open_now = is_open(standard, item)
    may_comment = open_now and principal_for(request).is_community_member
    form = _comment_form(request, standard) if may_comment else None
    if request.method == "POST":
        if not may_comment:
            raise Http404(NOT_HERE)
        form = _comment_form(request, standard, request.POST)
        if form.is_valid():
            Comment.objects.create(consultation=item, author=request.user,
                                   clause=form.cleaned_data["clause"],
                                   organisation=form.cleaned_data["organisation"],
                                   body=form.cleaned_data["body"])
            messages.success(request, "Thank you: your comment is recorded.")
            return redirect("standards:consultation", standard.pk)
    return render(request, "standards/consultation.html", {
        "standard": standard, "consultation": item, "open": open_now, "form": form,
        "groups": _grouped(standard, item), "publisher": _is_publisher(request, standard),
        "moderator": request.user.is_authenticated and is_moderator(request.user),
    }, status=400 if form is not None and form.errors else 200)


def _grouped(standard, item):
    """Comments per clause, in the standard's order, the standard as a whole first."""
    comments = list(item.comments.select_related("author", "organisation", "clause")
                    ) if item.pk else []
    groups = [("The standard as a whole", None, [c for c in comments if c.clause_id is None])]
    for clause in standard.practice_clauses.all():
        mine = [c for c in comments if c.clause_id == clause.pk]
        if clause.current or mine:
            groups.append((f"{clause.number}. {clause.title}", clause, mine))
    return groups


@require_GET
def summary(request, standard_id):
    standard, item = _consultation(request, standard_id)
    groups = _grouped(standard, item)
    visible = [c for _, _, cs in groups for c in cs if not c.hidden_at]
    return render(request, "standards/consultation_summary.html", {
        "standard": standard, "consultation": item, "groups": groups,
        "open": is_open(standard, item), "count": len(visible),
        "accepted": sum(c.decision == "accepted" for c in visible),
        "rejected": sum(c.decision == "rejected" for c in visible),
    })


def _comment(request, comment_id):
    comment = get_or_404(Comment.objects.select_related("consultation"), pk=comment_id)
    standard = visible_standard(request, comment.consultation.standard_id)
    return standard, comment


@verified_email_required
@require_POST
def answer(request, comment_id):
    standard, comment = _comment(request, comment_id)
    if not _is_publisher(request, standard) or comment.hidden_at:
        raise Http404(NOT_HERE)
    form = CommentAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose accepted, not accepted or not decided.")
    else:
        comment.answer = form.cleaned_data["answer"].strip()
        comment.decision = form.cleaned_data["decision"]
        comment.answered_by, comment.answered_at = request.user, timezone.now()
        comment.save()
        if comment.author is not None:
            notify([comment.author], CONSULTATION,
                   f"Your comment on {standard.title} has an answer",
                   reverse("standards:consultation", args=[standard.pk]))
        messages.success(request, "Answer saved.")
    return redirect(f"{reverse('standards:consultation', args=[standard.pk])}#comment-{comment.pk}")


@verified_email_required
@require_http_methods(["GET", "POST"])
def hide(request, comment_id):
    if not is_moderator(request.user):
        raise Http404(NOT_HERE)
    standard, comment = _comment(request, comment_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        comment.hidden_at, comment.hidden_by = timezone.now(), request.user
        comment.hidden_reason = form.cleaned_data["reason"]
        comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        messages.success(request, "The comment is hidden.")
        return redirect("standards:consultation", standard.pk)
    return render(request, "standards/hide_comment.html",
                  {"standard": standard, "comment": comment, "form": form},
                  status=400 if form.errors else 200)


@verified_email_required
@require_POST
def close(request, standard_id):
    standard, item = _consultation(request, standard_id, create=True)
    if not _is_publisher(request, standard):
        raise Http404(NOT_HERE)
    if item.is_open:
        item.closed_at, item.closed_by = timezone.now(), request.user
        item.save(update_fields=["closed_at", "closed_by"])
        messages.success(request, "The consultation is closed. The summary lists every comment.")
    return redirect("standards:consultation-summary", standard.pk)
