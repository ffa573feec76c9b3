"""Demo content for standards in practice, from ``standards.toml``. Demo data only.

Runs on ``demo_loaded`` after the CMS demo. Idempotent: what exists is left alone, so running
the demo again creates nothing twice. Items named in the links that the library does not hold
are skipped.
"""

import tomllib
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.html import escape

from portal.core.organisations.models import Organisation
from portal.features.standards import assessments, mentoring
from portal.features.standards.models import (
    Assessment,
    AssessmentShare,
    Clause,
    ClauseAnswer,
    ClauseLink,
    Comment,
    Consultation,
    Mentoring,
    MentoringOffer,
    Signatory,
)
from portal.features.standards.versions import latest_version

DATA = Path(__file__).with_name("standards.toml")
LETTERS = {"m": "met", "p": "partly", "n": "not_met", "a": "na", "-": ""}


def _block(number, title, requirement):
    return {"type": "clause", "value": {"number": number, "title": title,
                                        "requirement": f"<p>{escape(requirement)}</p>",
                                        "guidance": ""}}


class StandardsDemo:
    def __init__(self, stdout=None):
        self.stdout = stdout
        self.data = tomllib.loads(DATA.read_text())
        self.created = {"standards": 0, "assessments": 0, "links": 0, "signatories": 0,
                        "comments": 0, "mentoring pairs": 0}

    @transaction.atomic
    def run(self):
        pages = {spec["slug"]: self.standard(spec) for spec in self.data["standard"]}
        for spec in self.data["assessment"]:
            self.assessment(pages[spec["standard"]], spec)
        for spec in self.data["standard"]:
            for revision in spec.get("revision", []):
                self.revise(pages[spec["slug"]], revision)
        for spec in self.data["assessment"]:
            self.share(pages[spec["standard"]], spec)
        self.links(pages)
        self.signatories(pages)
        self.comments(pages)
        self.offers_and_mentoring(pages)
        if self.stdout:
            self.stdout.write("Standards practice demo: " + ", ".join(
                f"{count} {name} created" for name, count in self.created.items()))

    def standard(self, spec):
        from cms.models import OrganisationPage, StandardPage, Topic

        page = StandardPage.objects.filter(slug=spec["slug"]).first()
        if page is not None:
            return page
        parent = OrganisationPage.objects.get(organisation__slug=spec["org"])
        owner = get_user_model().objects.filter(
            memberships__organisation__slug=spec["org"],
            memberships__role__in=["publisher", "admin"]).first()
        page = StandardPage(
            title=spec["title"], slug=spec["slug"], summary=spec["summary"], tlp=spec["tlp"],
            status=spec["status"], version=spec["version"], owner=owner,
            clauses=[_block(*clause) for clause in spec["clauses"]])
        parent.add_child(instance=page)
        page.topics.set(Topic.objects.filter(slug__in=spec["topics"]))
        page.save_revision(user=owner).publish(skip_permission_checks=True)
        self.created["standards"] += 1
        return StandardPage.objects.get(pk=page.pk)

    def revise(self, page, revision):
        from cms.models import StandardPage

        if page.practice_versions.filter(label=revision["version"]).exists():
            return
        page = StandardPage.objects.get(pk=page.pk)
        changed = {number: (title, text) for number, title, text in revision.get("changes", [])}
        blocks = []
        for block in page.clauses.raw_data:
            block = dict(block)
            number = block["value"]["number"]
            if number in changed:
                title, text = changed[number]
                block["value"] = _block(number, title, text)["value"]
            blocks.append(block)
        page.clauses = blocks + [_block(*clause) for clause in revision.get("added", [])]
        page.version = revision["version"]
        page.save_revision(user=page.owner).publish(skip_permission_checks=True)

    def assessment(self, page, spec):
        organisation = Organisation.objects.get(slug=spec["org"])
        if Assessment.objects.filter(standard=page, organisation=organisation).exists():
            return
        item = assessments.start(page, organisation, None)
        owner = organisation.admins().first()
        for answer, letter in zip(assessments.answers_of(item), spec["answers"], strict=False):
            ClauseAnswer.objects.filter(pk=answer.pk).update(
                status=LETTERS[letter], owner=owner if letter in "pn" else None,
                evidence="" if letter in "-a" else "Recorded in our compliance folder.")
        item.aggregate = spec.get("aggregate", False)
        item.save(update_fields=["aggregate", "updated_at"])
        self.created["assessments"] += 1

    def share(self, page, spec):
        item = Assessment.objects.get(standard=page, organisation__slug=spec["org"])
        for slug in spec.get("shared_with", []):
            AssessmentShare.objects.get_or_create(
                assessment=item, organisation=Organisation.objects.get(slug=slug))

    def _clause(self, page, number):
        return Clause.objects.get(standard=page, number=number, current=True)

    def links(self, pages):
        from cms.models import ItemPage

        by_item = {}
        for slug, standard, number, primary in self.data["links"]:
            by_item.setdefault(slug, []).append((pages[standard], number, primary))
        for slug, targets in by_item.items():
            item = ItemPage.objects.filter(slug=slug).first()
            if item is None or ClauseLink.objects.filter(item=item).exists():
                continue
            item = item.specific
            item.clause_links = [ClauseLink(clause=self._clause(page, number), primary=primary)
                                 for page, number, primary in targets]
            item.save_revision(user=item.owner).publish(skip_permission_checks=True)
            self.created["links"] += len(targets)

    def signatories(self, pages):
        for slug, standard, statement in self.data["signatories"]:
            page = pages[standard]
            organisation = Organisation.objects.get(slug=slug)
            _, created = Signatory.objects.get_or_create(
                standard=page, organisation=organisation, withdrawn_at=None, removed_at=None,
                defaults={"version": latest_version(page), "statement": statement,
                          "signed_by": organisation.admins().first()})
            self.created["signatories"] += created

    def comments(self, pages):
        User = get_user_model()
        for spec in self.data["comment"]:
            page = pages[spec["standard"]]
            consultation, _ = Consultation.objects.get_or_create(
                standard=page, version_label=page.version)
            if consultation.comments.filter(body=spec["body"]).exists():
                continue
            answered = User.objects.filter(memberships__organisation=page.source_organisation,
                                           memberships__role__in=["publisher", "admin"]).first()
            Comment.objects.create(
                consultation=consultation, body=spec["body"],
                clause=self._clause(page, spec["clause"]) if "clause" in spec else None,
                author=User.objects.filter(email=spec["author"]).first(),
                organisation=Organisation.objects.get(slug=spec["org"]),
                answer=spec.get("answer", ""), decision=spec.get("decision", ""),
                answered_by=answered if "answer" in spec else None)
            self.created["comments"] += 1

    def offers_and_mentoring(self, pages):
        from cms.models import Topic

        for spec in self.data["offer"]:
            offer, created = MentoringOffer.objects.get_or_create(
                organisation=Organisation.objects.get(slug=spec["org"]),
                defaults={"capacity": spec["capacity"], "note": spec["note"]})
            if created:
                offer.topics.set(Topic.objects.filter(slug__in=spec["topics"]))
                offer.clauses.set([self._clause(pages[s], n) for s, n in spec["clauses"]])
        for spec in self.data["mentoring"]:
            mentor = Organisation.objects.get(slug=spec["mentor"])
            mentee = Organisation.objects.get(slug=spec["mentee"])
            page = pages[spec["standard"]]
            if Mentoring.objects.filter(mentor=mentor, mentee=mentee, standard=page).exists():
                continue
            item = Assessment.objects.get(standard=page, organisation=mentee)
            pair = mentoring.request(mentor, item, None, spec["message"],
                                     spec["share_assessment"])
            if spec.get("active"):
                mentoring.accept(pair, None)
            self.created["mentoring pairs"] += 1


def load_demo(sender=None, stdout=None, **kwargs):
    StandardsDemo(stdout).run()
