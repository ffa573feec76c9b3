"""A seeded synthetic library for benchmarks and trials at sizes no one would type: approved
organisations, people and items, made through cms.factories like any other. The text is
varied English-like prose from a few hundred domain words, so searches and digests have
realistic work to do. The same seed gives the same library."""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from cms.factories import make_item, make_organisation, make_user
from cms.models import Audience, Topic
from cms.models.items import ITEM_TYPES_BY_SLUG
from portal.core.organisations.models import Organisation

# Domain words, roughly most frequent first: word n is drawn with weight 1 / (n + 1).
_DOMAIN_WORDS = """
security cyber risk organisation export control supply chain incident response vulnerability
disclosure training staff supplier customer policy process report data system software product
service management assessment compliance government industry guidance responsible capability
tool access information due diligence licence licensing end use user whistleblowing awareness
exercise standard requirement review team board network threat intrusion commercial offensive
defensive researcher research bounty coordinated vendor patch remediation timeline severity
exploit malware spyware surveillance human rights sanctions screening jurisdiction regulator
regulation framework principle norm ethics legal law contract clause procurement buyer reseller
partner distributor broker intermediary audit evidence record documentation governance
oversight accountability transparency confidential channel concern retaliation protection
anonymous hotline escalation investigation triage containment recovery lessons learned tabletop
scenario simulation playbook plan role responsibility executive leadership culture behaviour
education course module induction refresher phishing social engineering password
authentication encryption key certificate identity privilege monitoring logging detection alert
analyst forensic attribution indicator compromise ransomware extortion breach notification
deadline stakeholder communication media public trust reputation impact likelihood mitigation
residual appetite register owner inventory asset dependency component library open source
firmware hardware cloud hosting provider managed outsourcing subcontractor tier critical
infrastructure sector energy health finance telecommunications transport defence dual item
classification category technology transfer deemed foreign national international agreement
arrangement catalogue list checklist template questionnaire criteria red flag warning sign
suspicious order enquiry destination country embargo permit application approval refusal
appeal authority agency office ministry department unit small medium large firm company startup
consultancy university academic student civil society advocacy trade body association member
community sharing exchange collaboration forum working group meeting workshop conference
publication paper study case lesson example practice good best baseline maturity model level
benchmark metric measure target objective outcome improvement lifecycle design development
testing penetration secure default configuration hardening update maintenance support
deprecation legacy migration integration interface platform mobile device endpoint server
database backup resilience continuity availability integrity confidentiality personal privacy
consent retention deletion minimisation purpose lawful basis proportionate necessary reasonable
appropriate effective timely clear consistent independent external internal annual quarterly
regular ongoing initial final draft revision change decision approach method step stage phase
milestone budget cost resource capacity skill expertise knowledge competence hiring contractor
employee manager director officer lead champion sponsor client market sale marketing
advertising claim misuse abuse harm victim journalist activist dissident targeting warrant
court judicial parliament legislation statute code conduct charter pledge commitment
declaration statement
"""
DOMAIN_WORDS = _DOMAIN_WORDS.split()
_FUNCTION_WORDS = """
the of and to a in for is that on with as by be are it this from or an at should can their
which when its not have will each all any must may before after between into where how who
"""
FUNCTION_WORDS = _FUNCTION_WORDS.split()
# Each appears in about 0.5% of bodies: the "rare word" queries.
_RARE_WORDS = """
wassenaar zeroisation sigint tempest bootkit sinkhole honeypot steganography kleptography
typosquatting airgap sandboxing fuzzing decompilation obfuscation keylogger rootkit botnet
cryptojacking bluejacking
"""
RARE_WORDS = _RARE_WORDS.split()
RARE_SHARE = 0.1  # share of bodies that get one rare word
FUNCTION_SHARE = 0.4  # share of running text that is function words


class TextMaker:
    """Seeded, varied English-like text from the domain vocabulary."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        content_weights = [1 / (n + 1) for n in range(len(DOMAIN_WORDS))]
        function_weights = [1 / (n + 1) for n in range(len(FUNCTION_WORDS))]
        scale_c = (1 - FUNCTION_SHARE) / sum(content_weights)
        scale_f = FUNCTION_SHARE / sum(function_weights)
        words = DOMAIN_WORDS + FUNCTION_WORDS
        weights = [w * scale_c for w in content_weights] + [w * scale_f for w in function_weights]
        self.words = words
        self.cumulative = []
        total = 0.0
        for weight in weights:
            total += weight
            self.cumulative.append(total)
        self.content_cumulative = []
        total = 0.0
        for weight in content_weights:
            total += weight
            self.content_cumulative.append(total)

    def sentences(self, count: int, rare: bool = False) -> str:
        words = self.rng.choices(self.words, cum_weights=self.cumulative, k=count)
        if rare:
            words[self.rng.randrange(count)] = self.rng.choice(RARE_WORDS)
        out = []
        start = 0
        while start < count:
            sentence = words[start:start + self.rng.randint(8, 22)]
            start += len(sentence)
            sentence[0] = sentence[0].capitalize()
            out.append(" ".join(sentence) + ".")
        return " ".join(out)

    def title(self) -> str:
        count = self.rng.randint(6, 10)
        words = self.rng.choices(DOMAIN_WORDS, cum_weights=self.content_cumulative, k=count)
        if count > 6:  # a little glue, as real titles have
            words.insert(self.rng.randint(1, count - 2), self.rng.choice(["for", "in", "and"]))
        words[0] = words[0].capitalize()
        return " ".join(words)

    def summary(self) -> str:
        return self.sentences(self.rng.randint(22, 38))

    def body(self) -> str:
        return self.sentences(self.rng.randint(180, 320), rare=self.rng.random() < RARE_SHARE)


# TLP labels of synthetic items, with weights.
TLP_MIX = [("clear", 40), ("green", 30), ("amber", 15), ("amber_strict", 10), ("red", 5)]

# name, organisation type, size band: cycled (with a number once they run out).
ORGANISATIONS = [
    ("Harbourline Security", "industry", "large"),
    ("Northbridge Cyber Office", "government", ""),
    ("Ministry of Trade", "government", ""),
    ("Fenwick Testing", "industry", "small"),
    ("Kestrel Labs", "industry", "micro"),
    ("Osprey Defence Systems", "industry", "large"),
    ("Lattice Cloud", "industry", "medium"),
    ("University of Eastmoor", "academia", ""),
    ("Westfield Institute", "academia", ""),
    ("Open Rights Watch", "civil_society", ""),
    ("Citizen Security Lab", "civil_society", ""),
    ("Cyber Trade Association", "trade_body", ""),
]
NAME_PREFIX = "Synthetic "
EMAIL_DOMAIN = "synthetic.example"


def synthetic_organisations() -> list[Organisation]:
    return list(Organisation.objects.filter(name__startswith=NAME_PREFIX).order_by("pk"))


def synthetic_people() -> list:
    return list(get_user_model().objects.filter(email__endswith="@" + EMAIL_DOMAIN)
                .order_by("pk"))


def ensure_organisations(count: int) -> list[Organisation]:
    """At least ``count`` approved synthetic organisations (each with its page, groups and
    workflow); returns them all, oldest first."""
    existing = synthetic_organisations()
    for n in range(len(existing), count):
        name, organisation_type, size_band = ORGANISATIONS[n % len(ORGANISATIONS)]
        if n >= len(ORGANISATIONS):
            name = f"{name} {n // len(ORGANISATIONS) + 1}"
        existing.append(make_organisation(NAME_PREFIX + name, organisation_type=organisation_type,
                                          size_band=size_band))
    return existing


def ensure_people(count: int, organisations: list[Organisation]) -> list:
    """At least ``count`` synthetic people, person n a member of organisation n (cycling) and
    verified unless n % 3 == 2; none can sign in with a password. Person 0 is a verified member
    of the first organisation."""
    existing = synthetic_people()
    for n in range(len(existing), count):
        existing.append(make_user(
            f"person{n}@{EMAIL_DOMAIN}", verified=n % 3 != 2,
            org=organisations[n % len(organisations)], role="member",
            first_name="Person", last_name=str(n),
        ))
    return existing


class SyntheticItems:
    """Items with seeded text and a mix of types, labels, topics and recipients."""

    def __init__(self, organisations, people, seed: int, now=None):
        self.rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
        self.text = TextMaker(self.rng)
        self.organisations = organisations
        self.people = people
        self.now = now or timezone.now()
        self.topic_ids = list(Topic.objects.order_by("pk").values_list("pk", flat=True))
        self.audience_ids = list(Audience.objects.order_by("pk").values_list("pk", flat=True))
        self.labels, self.label_weights = zip(*TLP_MIX, strict=True)

    def choose(self) -> dict:
        """One item's organisation, label, type, dates, topics, audiences and recipients."""
        rng = self.rng
        label = rng.choices(self.labels, weights=self.label_weights)[0]
        return {
            "organisation": rng.choice(self.organisations),
            "label": label,
            "type": rng.choice(list(ITEM_TYPES_BY_SLUG)),
            "published_at": self.now - timedelta(seconds=rng.uniform(0, 5 * 365 * 86400)),
            "topic_ids": rng.sample(self.topic_ids, rng.randint(1, 2)),
            "audience_ids": rng.sample(self.audience_ids, rng.randint(0, 2)),
            "recipient_organisations": (
                rng.sample(self.organisations, rng.randint(1, 2)) if label == "amber" else []),
            "recipient_users": (
                rng.sample(self.people, rng.randint(1, 2)) if label == "red" else []),
        }

    def make_page(self, number: int):
        """Item ``number`` as a published page under its organisation's page."""
        spec = self.choose()
        title, summary, body = self.text.title(), self.text.summary(), self.text.body()
        paragraph = [{"type": "paragraph", "value": f"<p>{body}</p>"}]
        fields = {
            "guidance": {"body": paragraph},
            "case-studies": {"body": paragraph, "sector": "Technology"},
            "standards": {"clauses": [{"type": "clause", "value": {
                "number": "1", "title": "Scope", "requirement": f"<p>{body}</p>",
                "guidance": ""}}]},
            "scenarios": {"objectives": paragraph, "injects": [{"type": "inject", "value": {
                "time": "Day 1", "situation": f"<p>{summary}</p>",
                "questions": ["What do you do first?"]}}]},
        }[spec["type"]]
        return make_item(
            spec["organisation"], spec["label"], title, cls=ITEM_TYPES_BY_SLUG[spec["type"]],
            slug=f"synthetic-item-{number}", summary=summary,
            topics=spec["topic_ids"], audiences=spec["audience_ids"],
            recipient_orgs=spec["recipient_organisations"],
            recipient_users=spec["recipient_users"], published_at=spec["published_at"],
            **fields,
        )
