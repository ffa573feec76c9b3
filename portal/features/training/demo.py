"""Demo training programmes, from ``demo.toml``: policies and acknowledgements, a training
lead, assignments (annual and quarterly), past sessions with decisions and lessons, some
overdue members and two community events. Idempotent: each record is found by its natural
key before it is made. Demo data only."""

import tomllib
from datetime import datetime, time, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cms.models import GuidancePage, ItemPage, OrganisationPage, ScenarioPage
from portal.core.organisations.models import (
    Capability,
    Membership,
    MembershipCapability,
    Organisation,
)
from portal.features.training import programme
from portal.features.training.models import (
    Acknowledgement,
    Assignment,
    BehaviourPolicy,
    EventRegistration,
    InjectNote,
    Session,
    SessionStatus,
    TrainingEvent,
)

DATA = Path(__file__).with_name("demo.toml")


def load(sender=None, stdout=None, **kwargs):
    with DATA.open("rb") as data:
        spec = tomllib.load(data)
    with transaction.atomic():
        created = _load(spec)
    if stdout is not None:
        stdout.write("Training demo ready: " + ", ".join(
            f"{count} {name} created" for name, count in created.items()))


def _load(spec) -> dict:
    now = timezone.now()
    users = {u.email: u for u in get_user_model().objects.all()}
    orgs = {o.slug: o for o in Organisation.objects.all()}
    created = dict.fromkeys(("policies", "assignments", "sessions", "events"), 0)
    slugs = {p["org"] for p in spec["policies"]} | {a["org"] for a in spec["assignments"]}
    # The demo staff have worked there for a while: they are not new joiners.
    Membership.objects.filter(organisation__slug__in=slugs).update(
        created_at=now - timedelta(days=400))

    for item in spec["policy_items"]:
        if not ItemPage.objects.filter(slug=item["slug"]).exists():
            parent = OrganisationPage.objects.get(organisation=orgs[item["org"]])
            page = GuidancePage(title=item["title"], slug=item["slug"], tlp=item["tlp"],
                                summary=item["summary"],
                                body=[{"type": "paragraph", "value": item["body"].strip()}])
            parent.add_child(instance=page)
            page.save_revision().publish(skip_permission_checks=True)

    for entry in spec["policies"]:
        org = orgs[entry["org"]]
        policy, made = BehaviourPolicy.objects.get_or_create(
            organisation=org, version=entry["version"], defaults={
                "item": ItemPage.objects.get(slug=entry["item"]), "note": entry["note"],
                "published_at": now - timedelta(days=entry["days_ago"])})
        created["policies"] += made
        for email in entry["acknowledged_by"]:
            Acknowledgement.objects.get_or_create(policy=policy, user=users[email], defaults={
                "organisation": org,
                "acknowledged_at": policy.published_at + timedelta(days=2)})

    for entry in spec["training_leads"]:
        membership = Membership.objects.get(user=users[entry["email"]],
                                            organisation=orgs[entry["org"]])
        MembershipCapability.objects.get_or_create(membership=membership,
                                                   capability=Capability.TRAINING_LEAD)

    today = programme.today()
    for entry in spec["assignments"]:
        _, made = Assignment.objects.get_or_create(
            organisation=orgs[entry["org"]],
            scenario=ScenarioPage.objects.get(slug=entry["scenario"]),
            recurrence=entry["recurrence"], defaults={
                "audience": entry["audience"], "roles": entry.get("roles", []),
                "due_on": today - timedelta(days=entry["due_days_ago"]),
                "created_at": now - timedelta(days=entry["created_days_ago"])})
        created["assignments"] += made

    for entry in spec["sessions"]:
        org = orgs[entry["org"]]
        scenario = ScenarioPage.objects.get(slug=entry["scenario"])
        if Session.objects.filter(organisation=org, scenario=scenario).exists():
            continue
        held = now - timedelta(days=entry["days_ago"])
        session = Session.objects.create(
            organisation=org, scenario=scenario, facilitator=users[entry["facilitator"]],
            status=SessionStatus.FINISHED, started_at=held,
            finished_at=held + timedelta(hours=1), lessons=entry["lessons"])
        participants = [users[email] for email in entry["participants"]]
        session.participants.set(participants)
        InjectNote.objects.bulk_create([
            InjectNote(session=session, position=n, decisions=text)
            for n, text in enumerate(entry["decisions"])])
        programme.complete(org, scenario.pk, participants, timezone.localdate(held),
                           session=session)
        created["sessions"] += 1

    for entry in spec["events"]:
        org = orgs[entry["org"]]
        day = today + timedelta(days=entry["days_ahead"])
        starts = timezone.make_aware(datetime.combine(day, time.fromisoformat(entry["start"])))
        event, made = TrainingEvent.objects.get_or_create(
            organisation=org, title=entry["title"], defaults={
                "description": entry["description"], "starts_at": starts,
                "ends_at": starts + timedelta(hours=entry["hours"]),
                "place": entry.get("place", ""), "link": entry.get("link", ""),
                "capacity": entry["capacity"], "tlp": entry["tlp"]})
        created["events"] += made
        for email in entry["registered"]:
            EventRegistration.objects.get_or_create(event=event, user=users[email],
                                                    defaults={"organisation": org})
    return created
