"""The search contract on the database backend (SQLite FTS5 or PostgreSQL, whichever the suite
runs on), the indexing pipeline, and the search page and API."""

from datetime import timedelta

import pytest
from django.db import connection
from django.http import QueryDict
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cms.models import Audience, CaseStudyPage, StandardPage, Topic
from portal.core import access
from portal.core.tlp import TLP
from search import indexing, service
from search.models import SearchEntry
from search.query import InvalidSearch, SearchRequest
from tests.world import make_item

pytestmark = pytest.mark.django_db


def run(principal, query=""):
    return service.search(principal, SearchRequest.from_params(QueryDict(query)))


@pytest.fixture
def corpus(world, django_capture_on_commit_callbacks):
    """Items with known words, indexed through the real signal -> task path."""
    org = world.orgs["other"]
    export = Topic.objects.get(slug="export-controls")
    disclosure = Topic.objects.get(slug="vulnerability-disclosure")
    small = Audience.objects.get(slug="small-firms")
    items = {}
    with django_capture_on_commit_callbacks(execute=True):
        items["controls"] = make_item(
            org, TLP.CLEAR, "Screening buyers under export controls", topics=[export],
            body=[{"type": "paragraph", "value":
                   "<p>Every sale of intrusion software needs end-user due diligence.</p>"}])
        items["disclosure"] = make_item(
            org, TLP.CLEAR, "Coordinated disclosure for small teams", topics=[disclosure],
            cls=CaseStudyPage, sector="Software", audiences=[small],
            body=[{"type": "paragraph", "value": "<p>A researcher reported a flaw.</p>"}])
        items["standard"] = make_item(
            org, TLP.GREEN, "Code of practice on due diligence", topics=[export],
            cls=StandardPage, clauses=[{"type": "clause", "value": {
                "number": "1", "title": "Know your customer",
                "requirement": "<p>Screen each buyer.</p>", "guidance": ""}}])
        items["secret"] = make_item(
            world.orgs["recipient"], TLP.AMBER_STRICT, "Secret diligence findings about a reseller",
            topics=[export])
    for page in items.values():
        page.refresh_from_db()
    return items


@pytest.fixture
def member(world):
    return access.principal_for_user(world.users["other_member"])


@pytest.fixture
def outsider(world):
    return access.principal_for_user(world.users["source_member"])


def titles(results):
    return [hit.title for hit in results.hits]


def test_stemming_finds_other_forms(corpus):
    assert "Screening buyers under export controls" in titles(run(access.ANONYMOUS, "q=control"))
    assert "Screening buyers under export controls" in titles(run(access.ANONYMOUS, "q=screen"))


def test_phrases_and_exclusions(corpus, member):
    assert set(titles(run(member, 'q="due diligence"'))) == {
        "Screening buyers under export controls", "Code of practice on due diligence"}
    assert titles(run(member, 'q="diligence due"')) == []
    assert "Code of practice on due diligence" not in titles(run(member, "q=diligence -code"))


def test_title_matches_rank_first(corpus, member):
    assert titles(run(member, "q=diligence"))[0] == "Code of practice on due diligence"


def test_snippets_are_highlighted_and_escaped(corpus, member):
    hit = run(member, "q=intrusion").hits[0]
    assert "<mark>" in hit.snippet and "intrusion" in hit.snippet.lower()
    assert "<p>" not in hit.snippet


def test_facets_count_and_narrow(corpus, member):
    results = run(member, "q=diligence")
    facets = {facet.name: {o.value: o.count for o in facet.options} for facet in results.facets}
    assert facets["type"] == {"guidance": 1, "standards": 1}
    assert facets["topic"] == {"export-controls": 2}
    assert facets["tlp"] == {"clear": 1, "green": 1}
    narrowed = run(member, "q=diligence&type=standards")
    assert titles(narrowed) == ["Code of practice on due diligence"]
    # A facet's own options keep their counts when one is chosen (choose several to widen).
    type_facet = next(f for f in narrowed.facets if f.name == "type")
    assert {o.value: (o.count, o.selected) for o in type_facet.options} == {
        "guidance": (1, False), "standards": (1, True)}


def test_filters_without_text_and_newest_first(corpus, member):
    results = run(member, "topic=export-controls&sort=newest")
    assert titles(results) == ["Code of practice on due diligence",
                               "Screening buyers under export controls"]
    assert run(member, "audience=small-firms").total == 1
    assert run(member, "org_type=government&tlp=green").total == 1


def test_access_applies_to_totals_facets_and_suggestions(corpus, member, outsider):
    secret = "Secret diligence findings about a reseller"
    assert secret not in titles(run(member, "q=reseller"))
    assert run(member, "q=reseller").total == 0
    assert run(member, "q=resellr").suggestion == ""  # the only match is hidden
    # An outsider still sees another organisation's CLEAR and GREEN (community) items.
    assert run(outsider, "q=diligence").total == 2
    anonymous = run(access.ANONYMOUS, "q=diligence")
    labels = {o.value for f in anonymous.facets if f.name == "tlp" for o in f.options}
    assert labels == {"clear"}


@pytest.mark.parametrize("sample_size", [5000, 0], ids=["listing matches", "checking rows"])
def test_ranking_tiers_title_then_summary_then_text(world, django_capture_on_commit_callbacks,
                                                    member, settings, sample_size):
    """Relevance: a title match first, then a summary match, then a match in the text only;
    newest first within each (the body-only item is the newest, yet comes last). SQLite
    finds each tier one of two ways, by how many entries match (SEARCH_SAMPLE_SIZE)."""
    settings.SEARCH_SAMPLE_SIZE = sample_size
    org = world.orgs["other"]
    with django_capture_on_commit_callbacks(execute=True):
        make_item(org, TLP.CLEAR, "Quokka handling guide")
        make_item(org, TLP.CLEAR, "Animal handling", summary="On the quokka and its kin.")
        make_item(org, TLP.CLEAR, "Field notes",
                  body=[{"type": "paragraph", "value": "<p>We met a quokka.</p>"}])
    assert titles(run(member, "q=quokka")) == [
        "Quokka handling guide", "Animal handling", "Field notes"]
    assert titles(run(member, "q=quokka&sort=newest"))[0] == "Field notes"
    # An excluded word counts anywhere, not only in the tier's own fields.
    assert titles(run(member, "q=quokka -met")) == ["Quokka handling guide", "Animal handling"]


def probe_entries(world, count, tlp=TLP.CLEAR, first_id=900_000):
    """Index entries written directly (as the benchmark does), ``count`` of them from id
    ``first_id``, every other one a standard; all match the word "probe"."""
    from django.utils import timezone

    org = world.orgs["other"] if tlp in (TLP.CLEAR, TLP.GREEN) else world.orgs["recipient"]
    now = timezone.now()
    SearchEntry.objects.bulk_create([SearchEntry(
        id=first_id + n, url=f"/probe/{n}/", title=f"Probe entry {n}", summary="", body="",
        item_type="standards" if n % 2 else "guidance", source_organisation=org,
        organisation_type=org.organisation_type, published_at=now - timedelta(minutes=n),
        year=now.year, tlp=tlp, version="probe") for n in range(count)])


def test_very_large_matches_are_counted_on_a_sample(world, member, settings, client):
    probe_entries(world, 400)
    probe_entries(world, 300, tlp=TLP.RED, first_id=950_000)  # the member may see none
    settings.SEARCH_EXACT_COUNT_LIMIT = None
    exact = run(member, "q=probe")
    assert (exact.total, exact.approximate) == (400, False)

    # 400 entries to look at > 100: count buckets 0-24 (100 entries, 4 per bucket) times 4.
    settings.SEARCH_EXACT_COUNT_LIMIT = 100
    settings.SEARCH_SAMPLE_SIZE = 100
    sampled = run(member, "q=probe")
    assert sampled.approximate
    assert sampled.total == 400  # the hidden RED entries are not in the sample either
    facets = {facet.name: {o.value: o.count for o in facet.options} for facet in sampled.facets}
    # The true split is 200/200; the sample holds 52 even and 48 odd ids (times 4).
    assert facets["type"] == {"guidance": 208, "standards": 192}
    assert facets["tlp"] == {"clear": 400}
    # The page itself is never sampled: the newest matches, in order.
    assert titles(sampled) == titles(exact) == [f"Probe entry {n}" for n in range(10)]
    assert run(member, "q=probe&page=40").hits and sampled.has_next

    body = client.get(reverse("search"), {"q": "probe"}).content.decode()
    assert "About 400 results" in body and "numbers are estimated" in body
    assert client.get(reverse("search-api"), {"q": "probe"}).json()["approximate"] is True


def test_estimated_counts_read_as_estimates():
    from search.templatetags.search_tags import count

    assert count(75153) == "75,153"
    assert count(75153, True) == "about 75,000"
    assert count(1249, True) == "about 1,200"
    assert count(37, True) == "about 37"


def test_typo_suggestion(corpus, member):
    results = run(member, "q=diligense")
    assert results.total == 0
    assert results.suggestion == "diligence"


def test_paging(world, django_capture_on_commit_callbacks, member):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(13):
            make_item(world.orgs["other"], TLP.CLEAR, f"Paging item {n:02d} zebrafish")
    first = run(member, "q=zebrafish")
    second = run(member, "q=zebrafish&page=2")
    assert (first.total, first.num_pages, len(first.hits), len(second.hits)) == (13, 2, 10, 3)
    assert not set(titles(first)) & set(titles(second))
    assert run(member, "q=zebrafish&page=3").hits == []


def test_autocomplete_respects_access(corpus, member):
    got = {s["title"] for s in service.autocomplete(member, "secr")}
    assert got == set()
    got = {s["title"] for s in service.autocomplete(member, "code of pra")}
    assert got == {"Code of practice on due diligence"}


@pytest.mark.parametrize("query, message", [
    ("q=" + "x" * 301, "limited to 300 characters"),
    ("type=poems", "is not a content type"),
    ("tlp=purple", "is not a TLP label"),
    ("year=last", "A year must be a number"),
    ("sort=random", "Sort by relevance or newest"),
    ("page=0", "There is no page 0"),
    ("topic=%00bad", "is not a valid topic"),
    ("org_type=pirates", "is not an organisation type"),
])
def test_invalid_requests_are_explained(query, message):
    with pytest.raises(InvalidSearch, match=message):
        SearchRequest.from_params(QueryDict(query))


# -- indexing ---------------------------------------------------------------------------------

def test_publish_unpublish_label_move_and_delete_reach_the_index(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = make_item(world.orgs["other"], TLP.CLEAR, "Lifecycle item")
    assert SearchEntry.objects.get(pk=page.pk).tlp == TLP.CLEAR

    with django_capture_on_commit_callbacks(execute=True):
        page.tlp = TLP.RED
        page.save_revision().publish(skip_permission_checks=True)
    assert SearchEntry.objects.get(pk=page.pk).tlp == TLP.RED

    with django_capture_on_commit_callbacks(execute=True):
        page.recipient_users.add(world.users["source_member"])
        page.save_revision().publish(skip_permission_checks=True)
    assert list(SearchEntry.objects.get(pk=page.pk).recipient_users.all()) == [
        world.users["source_member"]]

    new_parent = world.orgs["recipient"].page
    with django_capture_on_commit_callbacks(execute=True):
        page.move(new_parent, pos="last-child")
    entry = SearchEntry.objects.get(pk=page.pk)
    assert entry.url.startswith(new_parent.url) and entry.source_organisation == world.orgs[
        "recipient"]

    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert not SearchEntry.objects.filter(pk=page.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish(skip_permission_checks=True)
    assert SearchEntry.objects.filter(pk=page.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        page.delete()
    assert not SearchEntry.objects.filter(pk=page.pk).exists()


def test_drift_is_found_and_repaired(world):
    item = world.items[TLP.GREEN]
    SearchEntry.objects.filter(pk=item.pk).update(tlp=TLP.CLEAR, version="stale")
    SearchEntry.objects.filter(pk=world.items[TLP.RED].pk).delete()
    ghost = SearchEntry.objects.get(pk=world.items[TLP.CLEAR].pk)
    ghost.pk = 99_999_999
    ghost.save()
    stale, gone = indexing.find_drift()
    assert stale == sorted([item.pk, world.items[TLP.RED].pk]) and gone == [99_999_999]
    report = indexing.repair_drift()
    assert report == {"reindexed": stale, "removed": gone,
                      "external_reindexed": [], "external_removed": []}
    assert SearchEntry.objects.get(pk=item.pk).tlp == TLP.GREEN
    assert indexing.find_drift() == ([], [])


def test_rebuild_command_reports_progress(world, capsys):
    from django.core.management import call_command

    call_command("rebuild_search_index", batch_size=2)
    out = capsys.readouterr().out
    assert "Indexed" in out and "drift after rebuild: 0 stale, 0 extra" in out


def test_full_text_engine_matches_the_database(world):
    table = "search_fts" if connection.vendor == "sqlite" else "search_searchentry"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
        assert cursor.fetchone()[0] == SearchEntry.objects.count() > 0


# -- the page and the API --------------------------------------------------------------------

def test_search_page_states(client, corpus):
    empty = client.get(reverse("search"))
    assert empty.status_code == 200 and "Type a few words" in empty.content.decode()
    found = client.get(reverse("search"), {"q": "controls"})
    body = found.content.decode()
    assert "Screening buyers under export controls" in body and "TLP:CLEAR" in body
    none = client.get(reverse("search"), {"q": "xylophone"})
    assert "Nothing you may see matches" in none.content.decode()
    bad = client.get(reverse("search"), {"sort": "sideways"})
    assert bad.status_code == 400 and "Sort by relevance or newest" in bad.content.decode()


def test_api_errors(client, world):
    assert client.get(reverse("search-api"), {"tlp": "purple"}).json() == {
        "error": "“purple” is not a TLP label."}
    response = client.get(reverse("search-api"), headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
    assert client.get(reverse("search-autocomplete"), {"q": "x" * 101}).status_code == 400


free_text = st.text(max_size=120) | st.sampled_from([
    '"', '""', '"unclosed', "-", "--", "- -x", "AND OR NOT", "NEAR(a b)", "title:x", "*", "a*",
    "^", "'; DROP TABLE x; --", "\x00", "\u202e", "ᚠᛇᚻ 漢字 عربى", "x" * 300, "(((", ")))",
    "col:", "{title}: x", "\\", "%", "_",
])


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=free_text, sort=st.sampled_from(["", "newest", "x"]), page=free_text)
def test_fuzzed_search_never_fails(client, world, q, sort, page):
    params = {"q": q, "sort": sort, "page": page}
    for url in (reverse("search"), reverse("search-api")):
        assert client.get(url, params).status_code in (200, 400)
    assert client.get(reverse("search-autocomplete"), {"q": q}).status_code in (200, 400)


def test_publishing_succeeds_while_the_engine_is_down(
    world, settings, django_capture_on_commit_callbacks
):
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens there
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        page = make_item(world.orgs["other"], TLP.CLEAR, "Published while the engine is down")
    page.refresh_from_db()
    assert page.live  # publishing did not wait for the index
    with pytest.raises(Exception):  # noqa: B017,PT011 - the task fails, so Celery retries it
        for callback in callbacks:
            callback()
    # The database entry is written first, so the fallback search already finds it.
    results = run(access.ANONYMOUS, "q=engine+down")
    assert results.notice and titles(results) == ["Published while the engine is down"]


def test_a_stricter_label_reaches_search_before_the_queue_runs(world, monkeypatch,
                                                               django_capture_on_commit_callbacks):
    from search import tasks

    monkeypatch.setattr(tasks.index_item, "delay", lambda page_id: None)  # a stalled queue
    item = world.items[TLP.CLEAR]
    with django_capture_on_commit_callbacks(execute=True):
        item.tlp = TLP.RED
        item.save_revision().publish(skip_permission_checks=True)
    assert "Matrix clear marker" not in titles(run(access.ANONYMOUS, "q=matrix"))
