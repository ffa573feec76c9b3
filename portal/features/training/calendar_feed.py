"""A person's calendar (iCalendar): their due training and the events they registered for,
only what they may see now."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from cms.access import item_policy
from portal.core.access import principal_for_user
from portal.features.training import programme
from portal.features.training.access import event_policy, registration_policy
from portal.features.training.models import TrainingEvent


def build(user) -> bytes:
    principal = principal_for_user(user)
    base = settings.PORTAL_BASE_URL
    host = base.split("//")[-1].split("/")[0]
    cal = Calendar()
    cal.add("prodid", f"-//{settings.WAGTAIL_SITE_NAME}//Training//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "My training")
    stamp = timezone.now()
    for standing in programme.standings_for_user(user, programme.today()):
        scenario = standing.assignment.scenario
        if standing.next_due is None or not item_policy.can_view(principal, scenario):
            continue
        entry = Event()
        entry.add("uid", f"training-{standing.assignment.pk}-{standing.next_due}"
                         f"@{host}")
        entry.add("dtstamp", stamp)
        entry.add("summary", f"Training due: {scenario.title}")
        entry.add("dtstart", standing.next_due)
        entry.add("dtend", standing.next_due + timedelta(days=1))
        entry.add("url", base + reverse("training-practise", args=[standing.assignment.pk]))
        cal.add_component(entry)
    registered = registration_policy.visible(principal).filter(user=user).values("event_id")
    for event in event_policy.visible(principal, TrainingEvent.objects.filter(
            pk__in=registered)).select_related("organisation"):
        entry = Event()
        entry.add("uid", f"training-event-{event.pk}@{host}")
        entry.add("dtstamp", stamp)
        entry.add("summary", event.title)
        entry.add("dtstart", event.starts_at)
        entry.add("dtend", event.ends_at)
        entry.add("location", event.place or event.link)
        entry.add("description", f"Run by {event.organisation.name}.")
        entry.add("url", base + reverse("training-event", args=[event.pk]))
        cal.add_component(entry)
    return cal.to_ical()

