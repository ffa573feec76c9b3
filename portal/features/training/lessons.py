"""Lessons into knowledge: a finished session becomes a draft case study in the
organisation's own section, labelled TLP:AMBER+STRICT, submitted to its moderation workflow
(its publishers approve it, or send it back, as any contribution)."""

from django.utils import timezone
from django.utils.html import escape, linebreaks
from django.utils.text import slugify

from cms.models import CaseStudyPage, OrganisationPage
from portal.core.tlp import TLP
from portal.features.training.models import Session


def _paragraphs(text: str) -> str:
    return linebreaks(escape(text))


def draft_case_study(session: Session, user) -> CaseStudyPage:
    scenario = session.scenario
    day = timezone.localdate(session.finished_at or session.started_at)
    notes = {note.position: note.decisions for note in session.notes.all()}
    body = [{"type": "paragraph", "value": _paragraphs(
        f"{session.organisation.name} ran the exercise “{scenario.title}” on "
        f"{day:%d %B %Y} with {session.participants.count()} participants.")}]
    for position, inject in enumerate(scenario.injects):
        body.append({"type": "heading", "value": f"{inject.value['time']}"[:120]})
        body.append({"type": "paragraph", "value": inject.value["situation"].source})
        decided = notes.get(position, "").strip()
        body.append({"type": "paragraph", "value": _paragraphs(
            f"The group decided: {decided}" if decided else "No decisions were recorded.")})
    parent = OrganisationPage.objects.get(organisation=session.organisation)
    base = slugify(f"lessons-{scenario.slug}-{day:%Y-%m-%d}")[:70]
    slug, n = base, 1
    while parent.get_children().filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    page = CaseStudyPage(
        title=f"Lessons from the exercise “{scenario.title}”"[:255],
        slug=slug, live=False, owner=user, tlp=TLP.AMBER_STRICT,
        summary=f"What {session.organisation.name} learned running this training scenario "
                f"on {day:%d %B %Y}."[:600],
        body=body,
        lessons=[{"type": "paragraph", "value": _paragraphs(session.lessons or "")}],
    )
    parent.add_child(instance=page)
    page.topics.set(scenario.topics.all())
    page.save_revision(user=user, log_action=True)
    workflow = page.get_workflow()
    if workflow is not None:
        workflow.start(page, user)
    Session.objects.filter(pk=session.pk).update(case_study=page)
    session.case_study = page
    return page
