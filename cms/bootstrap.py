"""The site every portal starts from, before any organisation or item: the page tree (home,
the four libraries, the topic index, the organisation directory) and the taxonomy (topics and
audiences, from taxonomy.toml). Idempotent: what exists is left as it is."""

import tomllib
from pathlib import Path

from wagtail.models import Page, Site

from cms.models import (
    Audience,
    HomePage,
    LibraryPage,
    OrganisationIndexPage,
    Topic,
    TopicIndexPage,
)

TAXONOMY_FILE = Path(__file__).with_name("taxonomy.toml")

HOME_TITLE = "Responsible cyber practice, shared"
HOME_INTRO = (
    "<p>Government, industry and academia share guidance, case studies, shared standards and "
    "training scenarios on responsible behaviour in the cyber industry. Everything carries a "
    "Traffic Light Protocol label.</p>"
)

# One library per item type, at the type's slug: title and introduction.
LIBRARIES = {
    "guidance": ("Guidance", "Practical advice from government, industry and academia."),
    "case-studies": ("Case studies", "What happened, what was done and what others can learn."),
    "standards": ("Shared standards",
                  "Codes of practice agreed across the community, clause by clause."),
    "scenarios": ("Training scenarios",
                  "Tabletop exercises to rehearse difficult decisions with your staff."),
}


def ensure_site() -> int:
    """The page tree and the taxonomy; returns the number of pages created."""
    created = ensure_page_tree()
    ensure_taxonomy()
    return created


def ensure_page_tree() -> int:
    created = 0
    home = HomePage.objects.first()
    if home is None:
        home = Page.get_first_root_node().add_child(instance=HomePage(
            title=HOME_TITLE, slug="portal-home", intro=HOME_INTRO))
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"root_page": home, "hostname": "localhost", "port": 80,
                      "site_name": "Cyber Responsibility Portal"},
        )
        # Wagtail's placeholder welcome page is no longer reachable; remove it.
        Page.objects.filter(depth=2).exclude(pk=home.pk).delete()
        created += 1
    for slug, (title, intro) in LIBRARIES.items():
        if not LibraryPage.objects.filter(slug=slug).exists():
            home.add_child(instance=LibraryPage(
                title=title, slug=slug, item_type=slug, intro=f"<p>{intro}</p>",
                show_in_menus=True,
            ))
            created += 1
    if not TopicIndexPage.objects.exists():
        home.add_child(instance=TopicIndexPage(title="Topics", slug="topics", show_in_menus=True))
        created += 1
    if not OrganisationIndexPage.objects.exists():
        home.add_child(instance=OrganisationIndexPage(
            title="Organisations", slug="organisations", show_in_menus=True,
            intro="<p>The organisations that share their practice here.</p>",
        ))
        created += 1
    return created


def taxonomy() -> dict[str, list[dict]]:
    """The topics and audiences of taxonomy.toml: {"topics": [...], "audiences": [...]}, each
    row with slug, name and description."""
    with TAXONOMY_FILE.open("rb") as fh:
        return tomllib.load(fh)


def ensure_taxonomy() -> None:
    rows = taxonomy()
    for model, key in ((Topic, "topics"), (Audience, "audiences")):
        for row in rows[key]:
            model.objects.update_or_create(
                slug=row["slug"], defaults={"name": row["name"], "description": row["description"]}
            )
