"""Loads the demo: the site (cms.bootstrap), then the organisations, people and items of the
data files in content/. Idempotent: what exists (by slug or e-mail) is kept, and only a
missing approval, membership or moderator role is added to it.

content/organisations.toml and content/people.toml hold the organisations and people; each
item is one file, content/<item type>/<slug>.toml, whose fields are those of the item's page.
Rich text streams (body, lessons, introduction, objectives) are written in StreamField's raw
form, a list of {type, value} blocks; clauses and injects list their blocks' values."""

import tomllib
from datetime import timedelta
from pathlib import Path

from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cms.bootstrap import ensure_site
from cms.factories import make_item, make_organisation, make_user
from cms.models import Audience, OrganisationPage, Topic
from cms.models.items import ITEM_TYPES_BY_SLUG
from cms.provisioning import moderators_group
from portal.core.organisations.models import Membership, Organisation, OrganisationStatus
from portal.core.security.mfa import has_second_factor, is_privileged

CONTENT_DIR = Path(__file__).with_name("content")

REQUIRED = {"title", "org", "tlp", "summary", "topics", "audiences", "days_ago"}
OPTIONAL = {"recipient_orgs", "recipient_users", "reviewed_days_ago"}
PAGE_FIELDS = {"sector", "version", "status", "duration_minutes", "difficulty", "participants",
               "body", "lessons", "introduction", "objectives"}
BLOCK_LISTS = {"clauses": "clause", "injects": "inject"}  # field -> its one block type


class DemoDataError(ValueError):
    """A demo data file cannot be read or has fields no item has."""


def read(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DemoDataError(f"{path}: {exc}") from exc


def organisations() -> list[dict]:
    """Rows of slug, name, organisation_type, size_band (optional), approved and description."""
    return read(CONTENT_DIR / "organisations.toml")["organisations"]


def people() -> tuple[str, list[dict]]:
    """The shared demo password, and rows of email, first_name, last_name, organisation and
    role (both optional) and the flags superuser, moderator and unverified."""
    data = read(CONTENT_DIR / "people.toml")
    return data["password"], data["people"]


def totp_secret() -> str:
    """The published TOTP secret of the demo accounts whose roles need two-factor sign-in."""
    return read(CONTENT_DIR / "people.toml")["totp_secret"]


def items(directory: Path = CONTENT_DIR) -> list[dict]:
    """Every item file's fields plus its type (the folder) and slug (the file name), library by
    library in the order of the item types, then by slug."""
    found = []
    for item_type in ITEM_TYPES_BY_SLUG:
        for path in sorted((directory / item_type).glob("*.toml")):
            spec = read(path)
            missing = REQUIRED - spec.keys()
            unknown = spec.keys() - REQUIRED - OPTIONAL - PAGE_FIELDS - BLOCK_LISTS.keys()
            if missing or unknown:
                raise DemoDataError(f"{path}: missing {sorted(missing)}, unknown {sorted(unknown)}")
            found.append({"type": item_type, "slug": path.stem, **spec})
    return found


class DemoLoader:
    def __init__(self, stdout=None):
        self.stdout = stdout
        self.created = {"pages": 0, "users": 0, "organisations": 0, "items": 0}

    def log(self, message):
        if self.stdout:
            self.stdout.write(message)

    @transaction.atomic
    def run(self):
        self.created["pages"] += ensure_site()
        self.organisations()
        self.users()
        for spec in items():
            self.item(spec)
        self.log(
            "Demo data ready: "
            + ", ".join(f"{count} {name} created" for name, count in self.created.items())
        )

    def organisations(self):
        for row in organisations():
            org = Organisation.objects.filter(slug=row["slug"]).first()
            if org is None:
                make_organisation(row["name"], slug=row["slug"],
                                  organisation_type=row["organisation_type"],
                                  size_band=row.get("size_band", ""),
                                  description=row["description"], approved=row["approved"])
                self.created["organisations"] += 1
            elif row["approved"] and not org.is_approved:
                org.status = OrganisationStatus.APPROVED
                org.save()  # provisions page, groups and workflow

    def users(self):
        User = get_user_model()
        moderators = moderators_group()
        password, rows = people()
        for row in rows:
            org = (Organisation.objects.get(slug=row["organisation"])
                   if "organisation" in row else None)
            user = User.objects.filter(email=row["email"]).first()
            if user is None:
                user = make_user(
                    row["email"], password=password, verified=not row.get("unverified"),
                    org=org, role=row.get("role"), first_name=row["first_name"],
                    last_name=row["last_name"], superuser=row.get("superuser", False),
                )
                self.created["users"] += 1
            elif org is not None:
                Membership.objects.get_or_create(user=user, organisation=org,
                                                 defaults={"role": row["role"]})
            if row.get("moderator"):
                user.groups.add(moderators)
            if is_privileged(user) and not has_second_factor(user):
                TOTP.activate(user, totp_secret())

    def item(self, spec):
        org = Organisation.objects.get(slug=spec["org"])
        parent = OrganisationPage.objects.get(organisation=org)
        if parent.get_children().filter(slug=spec["slug"]).exists():
            return
        now = timezone.now()
        fields = {name: spec[name] for name in PAGE_FIELDS if name in spec}
        for name, block in BLOCK_LISTS.items():
            if name in spec:
                fields[name] = [{"type": block, "value": value} for value in spec[name]]
        if "reviewed_days_ago" in spec:
            fields["last_reviewed"] = (now - timedelta(days=spec["reviewed_days_ago"])).date()
        publisher = Membership.objects.filter(
            organisation=org, role__in=["publisher", "admin"]
        ).select_related("user").first()
        make_item(
            org, spec["tlp"], spec["title"], cls=ITEM_TYPES_BY_SLUG[spec["type"]],
            slug=spec["slug"],
            summary=spec["summary"],
            topics=Topic.objects.filter(slug__in=spec["topics"]),
            audiences=Audience.objects.filter(slug__in=spec["audiences"]),
            recipient_orgs=Organisation.objects.filter(slug__in=spec.get("recipient_orgs", [])),
            recipient_users=get_user_model().objects.filter(
                email__in=spec.get("recipient_users", [])),
            owner=publisher.user if publisher else None,
            published_at=now - timedelta(days=spec["days_ago"]), **fields,
        )
        self.created["items"] += 1
