"""Builds the demo site: page tree, taxonomy, organisations, people and items. Idempotent."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from cms.demo import people
from cms.models import (
    Audience,
    CaseStudyPage,
    GuidancePage,
    HomePage,
    LibraryPage,
    OrganisationIndexPage,
    OrganisationPage,
    ScenarioPage,
    StandardPage,
    Topic,
    TopicIndexPage,
)
from portal.core.organisations.models import Membership, Organisation, OrganisationStatus
from portal.core.organisations.provisioning import moderators_group
from portal.core.security.mfa import has_second_factor, is_privileged

ITEM_CLASSES = {
    "guidance": GuidancePage,
    "case_study": CaseStudyPage,
    "standard": StandardPage,
    "scenario": ScenarioPage,
}

LIBRARIES = [
    ("guidance", "Guidance", "guidance",
     "Practical advice from government, industry and academia."),
    ("case-studies", "Case studies", "case-studies",
     "What happened, what was done and what others can learn."),
    ("standards", "Shared standards", "standards",
     "Codes of practice agreed across the community, clause by clause."),
    ("scenarios", "Training scenarios", "scenarios",
     "Tabletop exercises to rehearse difficult decisions with your staff."),
]


def _stream(blocks):
    """Demo blocks, written as (type, value) pairs, in StreamField's raw form."""
    return [{"type": kind, "value": value} for kind, value in blocks]


class DemoLoader:
    def __init__(self, stdout=None):
        self.stdout = stdout
        self.created = {"pages": 0, "users": 0, "organisations": 0, "items": 0}

    def log(self, message):
        if self.stdout:
            self.stdout.write(message)

    @transaction.atomic
    def run(self, items=None):
        if items is None:
            from cms.demo.items import ITEMS as items

        home = self.site_tree()
        self.taxonomy()
        self.organisations()
        self.users()
        for spec in items:
            self.item(spec)
        self.log(
            "Demo data ready: "
            + ", ".join(f"{count} {name} created" for name, count in self.created.items())
        )
        return home

    def site_tree(self):
        home = HomePage.objects.first()
        if home is None:
            root = Page.get_first_root_node()
            home = root.add_child(instance=HomePage(
                title="Responsible cyber practice, shared",
                slug="portal-home",
                intro=(
                    "<p>Government, industry and academia share guidance, case studies, "
                    "shared standards and training scenarios on responsible behaviour in the "
                    "cyber industry. Everything carries a Traffic Light Protocol label.</p>"
                ),
            ))
            Site.objects.update_or_create(
                is_default_site=True,
                defaults={"root_page": home, "hostname": "localhost", "port": 80,
                          "site_name": "Cyber Responsibility Portal"},
            )
            # Wagtail's placeholder welcome page is no longer reachable; remove it.
            Page.objects.filter(depth=2).exclude(pk=home.pk).delete()
            self.created["pages"] += 1
        for slug, title, item_type, intro in LIBRARIES:
            if not LibraryPage.objects.filter(slug=slug).exists():
                home.add_child(instance=LibraryPage(
                    title=title, slug=slug, item_type=item_type, intro=f"<p>{intro}</p>",
                    show_in_menus=True,
                ))
                self.created["pages"] += 1
        if not TopicIndexPage.objects.exists():
            home.add_child(instance=TopicIndexPage(title="Topics", slug="topics",
                                                   show_in_menus=True))
            self.created["pages"] += 1
        if not OrganisationIndexPage.objects.exists():
            home.add_child(instance=OrganisationIndexPage(
                title="Organisations", slug="organisations", show_in_menus=True,
                intro="<p>The organisations that share their practice here.</p>",
            ))
            self.created["pages"] += 1
        return home

    def taxonomy(self):
        for model, rows in ((Topic, people.TOPICS), (Audience, people.AUDIENCES)):
            for slug, name, description in rows:
                model.objects.update_or_create(
                    slug=slug, defaults={"name": name, "description": description}
                )

    def organisations(self):
        for slug, name, kind, size_band, approved, description in people.ORGANISATIONS:
            org, created = Organisation.objects.get_or_create(
                slug=slug,
                defaults={"name": name, "kind": kind, "size_band": size_band,
                          "description": description},
            )
            self.created["organisations"] += created
            if approved and not org.is_approved:
                org.status = OrganisationStatus.APPROVED
                org.save()  # provisions page, groups and workflow

    def users(self):
        User = get_user_model()
        moderators = moderators_group()
        for email, first, last, org_slug, role, flags in people.USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email=email, password=people.DEMO_PASSWORD, first_name=first, last_name=last,
                    is_superuser=flags.get("superuser", False),
                    is_staff=flags.get("superuser", False),
                )
                EmailAddress.objects.create(
                    user=user, email=email, primary=True, verified=not flags.get("unverified")
                )
                self.created["users"] += 1
            if flags.get("moderator"):
                user.groups.add(moderators)
            if org_slug:
                Membership.objects.get_or_create(
                    user=user, organisation=Organisation.objects.get(slug=org_slug),
                    defaults={"role": role},
                )
            if is_privileged(user) and not has_second_factor(user):
                TOTP.activate(user, people.DEMO_TOTP_SECRET)

    def item(self, spec):
        User = get_user_model()
        parent = OrganisationPage.objects.get(organisation__slug=spec["org"])
        if parent.get_children().filter(slug=spec["slug"]).exists():
            return
        cls = ITEM_CLASSES[spec["type"]]
        fields = {
            "title": spec["title"], "slug": spec["slug"], "summary": spec["summary"],
            "tlp": spec["tlp"],
        }
        if spec.get("reviewed_days_ago") is not None:
            fields["last_reviewed"] = (
                timezone.now() - timedelta(days=spec["reviewed_days_ago"])
            ).date()
        for name in ("sector", "version", "status", "duration_minutes", "difficulty",
                     "participants"):
            if name in spec:
                fields[name] = spec[name]
        for name in ("body", "lessons", "introduction", "objectives"):
            if name in spec:
                fields[name] = _stream(spec[name])
        if "clauses" in spec:
            fields["clauses"] = _stream(("clause", clause) for clause in spec["clauses"])
        if "injects" in spec:
            fields["injects"] = _stream(("inject", inject) for inject in spec["injects"])

        publisher = Membership.objects.filter(
            organisation__slug=spec["org"], role__in=["publisher", "admin"]
        ).select_related("user").first()
        page = cls(owner=publisher.user if publisher else None, **fields)
        parent.add_child(instance=page)
        page.topics.set(Topic.objects.filter(slug__in=spec["topics"]))
        page.audiences.set(Audience.objects.filter(slug__in=spec["audiences"]))
        page.recipient_organisations.set(
            Organisation.objects.filter(slug__in=spec.get("recipient_orgs", []))
        )
        page.recipient_users.set(User.objects.filter(email__in=spec.get("recipient_users", [])))
        page.save_revision(user=page.owner).publish(skip_permission_checks=True)
        published = timezone.now() - timedelta(days=spec["days_ago"])
        type(page).objects.filter(pk=page.pk).update(
            first_published_at=published, last_published_at=published
        )
        self.created["items"] += 1
