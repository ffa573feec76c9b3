"""The Elasticsearch backend without a cluster: the requests it compiles (access filter,
facets, highlights, sort, paging), the index it would create, the documents it would send, how
it reads a response, and the fall-back to the database when the cluster cannot be reached.

The ``TestLive`` group runs the access contract against a real cluster, only when
ELASTICSEARCH_URL is set; this machine has none, so it is skipped here (even in CI).
"""

import os
import time
from types import SimpleNamespace
from unittest import mock
from urllib.parse import urlencode

import elasticsearch
import pytest
from django.http import QueryDict

from portal.core import access
from portal.core.tlp import TLP
from search import documents, indexing, service
from search.backends.elasticsearch import FACET_FIELDS, ElasticsearchBackend
from search.models import SearchEntry
from search.query import SearchRequest
from search.results import MARK_END, MARK_START
from tests.relevance_contract import CASES, check, contract_corpus  # noqa: F401
from tests.world import EXPECTED, ROLES, title_for

pytestmark = pytest.mark.django_db

UNREACHABLE = "http://127.0.0.1:9"  # the discard port: nothing listens, connections are refused


def request_for(query=""):
    return SearchRequest.from_params(QueryDict(query))


def compiled(principal, query=""):
    return ElasticsearchBackend().build_search(principal, request_for(query)).to_dict()


def principal(world, role):
    if role == "anonymous":
        return access.ANONYMOUS
    return access.principal_for_user(world.users[role])


def clause(label, field=None, values=()):
    conditions = [{"term": {"tlp": label}}]
    if field:
        conditions.append({"terms": {field: sorted(values)}})
    return {"bool": {"filter": conditions}}


def expected_clauses(world, role):
    """The access filter's clauses per role, written out independently of portal.core.access."""
    if role in ("anonymous", "unverified"):
        return [clause("clear")]
    uid = [world.users[role].pk]
    red = [clause("red", "recipient_users", uid), clause("red", "owner", uid)]
    if role == "moderator":  # verified, but in no organisation
        return [clause("clear"), *red]
    org = [world.orgs[ROLES[role][0]].pk]
    return [
        clause("clear"), clause("green"),
        clause("amber", "source_organisation", org),
        clause("amber", "recipient_organisations", org),
        clause("amber_strict", "source_organisation", org),
        *red,
    ]


# -- the access filter -------------------------------------------------------------------------
@pytest.mark.parametrize("role", list(ROLES))
def test_access_filter_is_the_query_filter(world, role):
    body = compiled(principal(world, role), "q=marker")
    filters = body["query"]["bool"]["filter"]
    assert filters == [{"bool": {"should": expected_clauses(world, role),
                                 "minimum_should_match": 1}}]
    # In the query's filter, it constrains the aggregations too; never only in post_filter.
    assert "post_filter" not in body


@pytest.mark.parametrize("role", list(ROLES))
def test_autocomplete_and_suggestions_carry_the_access_filter(world, role):
    who = principal(world, role)
    expected = {"bool": {"should": expected_clauses(world, role), "minimum_should_match": 1}}
    body = ElasticsearchBackend().build_autocomplete(who, "matr", 8).to_dict()
    assert body["query"]["bool"]["filter"] == [expected]
    collate = compiled(who, "q=markr")["suggest"]["did_you_mean"]["phrase"]["collate"]
    assert collate["query"]["source"]["bool"]["filter"] == [expected]


def test_access_filter_refuses_an_unknown_grant_field(world):
    odd = [access.Grant(TLP.AMBER, "sector", frozenset({1}))]
    with mock.patch.object(access, "grants", return_value=odd), pytest.raises(KeyError):
        documents.access_filter(principal(world, "source_member"))


# -- the rest of the request -------------------------------------------------------------------
def test_words_are_fuzzy_and_all_required_phrases_exact_exclusions_must_not(world):
    body = compiled(access.ANONYMOUS, 'q=suply chain "risk register" -draft')
    query = body["query"]["bool"]
    clauses = [c["multi_match"] for c in query["must"]]
    assert [(c["query"], c.get("type")) for c in clauses] == [
        ("suply", None), ("chain", None), ("risk register", "phrase")]
    for clause in clauses:
        assert clause["fields"] == ["title^4", "tags^3", "summary^2", "body"]
    assert [c.get("fuzziness") for c in clauses] == ["AUTO", "AUTO", None]
    assert query["must_not"] == [{"multi_match": {
        "query": "draft", "fields": ["title", "tags", "summary", "body"], "type": "phrase"}}]


def test_no_text_matches_all_newest_first_without_highlights(world):
    body = compiled(access.ANONYMOUS)
    assert body["query"]["bool"]["must"] == [{"match_all": {}}]
    assert body["sort"] == [{"published_at": {"order": "desc"}}, {"id": {"order": "desc"}}]
    assert "highlight" not in body
    assert "suggest" not in body


def test_only_exclusions_match_nothing_as_in_the_database(world):
    assert compiled(access.ANONYMOUS, "q=-draft")["query"]["bool"]["must"] == [
        {"match_none": {}}]


def test_sort_and_paging(world):
    relevance = compiled(access.ANONYMOUS, "q=marker&page=3")
    assert relevance["sort"] == ["_score", {"published_at": {"order": "desc"}},
                                 {"id": {"order": "desc"}}]
    assert (relevance["from"], relevance["size"]) == (20, 10)
    assert relevance["track_total_hits"] is True
    assert "body" not in relevance["_source"]
    newest = compiled(access.ANONYMOUS, "q=marker&sort=newest")
    assert newest["sort"] == [{"published_at": {"order": "desc"}}, {"id": {"order": "desc"}}]
    assert (newest["from"], newest["size"]) == (0, 10)


def test_highlights_use_the_result_markers(world):
    highlight = compiled(access.ANONYMOUS, "q=marker")["highlight"]
    assert set(highlight["fields"]) == {"body", "summary"}
    assert highlight["pre_tags"] == [MARK_START]
    assert highlight["post_tags"] == [MARK_END]
    assert highlight["fragment_size"] == 160
    assert highlight["number_of_fragments"] == 2


def test_suggester_reads_unstemmed_title_words(world):
    suggest = compiled(access.ANONYMOUS, 'q=markr "risk regster" -draft')["suggest"]
    assert suggest["did_you_mean"]["text"] == "markr risk regster"
    phrase = suggest["did_you_mean"]["phrase"]
    assert phrase["field"] == "title.plain"
    assert phrase["collate"]["prune"] is False


def test_facet_filters_are_post_filters_and_each_aggregation_ignores_its_own(world):
    body = compiled(access.ANONYMOUS,
                    "q=marker&type=guidance&tlp=clear&tlp=green&year=2025&topic=supply-chain")
    chosen = {
        "types": {"terms": {"item_type": ["guidance"]}},
        "labels": {"terms": {"tlp": ["clear", "green"]}},
        "years": {"terms": {"year": [2025]}},
        "topics": {"terms": {"topics": ["supply-chain"]}},
    }
    assert sorted(body["post_filter"]["bool"]["filter"], key=str) == sorted(
        chosen.values(), key=str)
    assert set(body["aggs"]) == set(FACET_FIELDS)
    for attr, field in FACET_FIELDS.items():
        aggregation = body["aggs"][attr]
        others = [q for name, q in chosen.items() if name != attr]
        assert sorted(aggregation["filter"]["bool"]["filter"], key=str) == sorted(
            others, key=str), attr
        assert aggregation["aggs"]["values"]["terms"]["field"] == field


def test_without_facet_filters_aggregations_count_everything_visible(world):
    body = compiled(access.ANONYMOUS, "q=marker")
    for attr in FACET_FIELDS:
        assert body["aggs"][attr]["filter"] == {"match_all": {}}


def test_autocomplete_request(world):
    backend = ElasticsearchBackend()
    body = backend.build_autocomplete(access.ANONYMOUS, 'sup "ch', 5).to_dict()
    assert body["query"]["bool"]["must"] == [
        {"match": {"title.suggest": {"query": "sup ch", "operator": "and"}}}]
    assert body["size"] == 5
    assert set(body["_source"]) == {"title", "url", "tlp", "item_type"}
    assert backend.build_autocomplete(access.ANONYMOUS, " -x ", 5) is None
    assert backend.autocomplete(access.ANONYMOUS, "", 5) == []


# -- the index and its documents ---------------------------------------------------------------
def test_index_mapping_and_analysis():
    body = documents.index_body()
    fields = body["mappings"]["properties"]
    for name in ("title", "summary", "body"):
        assert fields[name] == {**fields[name], "type": "text", "analyzer": "english"}
    suggest = fields["title"]["fields"]["suggest"]
    assert (suggest["analyzer"], suggest["search_analyzer"]) == (
        "autocomplete", "autocomplete_search")
    analysis = body["settings"]["analysis"]
    autocomplete = analysis["analyzer"]["autocomplete"]
    assert autocomplete["tokenizer"] == "standard"
    assert autocomplete["filter"][:2] == ["lowercase", "asciifolding"]
    assert analysis["filter"][autocomplete["filter"][2]]["type"] == "edge_ngram"
    assert analysis["analyzer"]["autocomplete_search"]["filter"][:2] == [
        "lowercase", "asciifolding"]
    assert fields["url"] == {"type": "keyword", "index": False}
    for name in ("item_type", "organisation", "organisation_name", "topics", "audiences", "tlp",
                 "version", "organisation_type", "topic_names"):
        assert fields[name]["type"] == "keyword", name
    for name in ("source_organisation", "owner", "recipient_organisations",
                 "recipient_users", "year"):
        assert fields[name]["type"] == "integer", name
    assert fields["published_at"]["type"] == "date"
    assert body["mappings"]["dynamic"] == "strict"


def test_documents_carry_the_access_fields(world):
    indexing.rebuild()
    docs = {entry.tlp: documents.document_from_entry(entry)
            for entry in SearchEntry.objects.all()}
    source, recipient = world.orgs["source"], world.orgs["recipient"]
    red_recipient = world.users["red_recipient"]
    assert set(docs) == set(TLP.values)
    for label, doc in docs.items():
        item = world.items[TLP(label)]
        assert doc.meta.id == item.pk
        assert doc.title == title_for(TLP(label))
        assert doc.url == item.url
        assert doc.tlp == label
        assert doc.source_organisation == source.pk
        assert doc.organisation == source.slug
        assert doc.organisation_name == source.name
        assert doc.topics == ["supply-chain"]
        assert doc.owner == item.owner_id
        assert doc.item_type == "guidance"
    assert docs["amber"].recipient_organisations == [recipient.pk]
    assert docs["red"].recipient_users == [red_recipient.pk]
    assert docs["clear"].recipient_organisations == []
    assert docs["clear"].recipient_users == []
    source_doc = docs["amber"].to_dict()
    assert source_doc["recipient_organisations"] == [recipient.pk]
    assert "Body of" in source_doc["body"]


# -- reading a response ------------------------------------------------------------------------
def test_response_becomes_results(world):
    item = world.items[TLP.GREEN]
    raw = {
        "hits": {"total": {"value": 7}, "hits": [{
            "_id": str(item.pk),
            "_source": {"title": "Matrix green marker", "url": item.url, "tlp": "green",
                        "item_type": "guidance", "summary": "S <b>",
                        "organisation_name": "Source Org",
                        "organisation_type": "industry", "topic_names": ["Supply chain"],
                        "published_at": "2025-03-01T10:00:00+00:00"},
            "highlight": {"body": [f"a {MARK_START}marker{MARK_END} <x>", "second"]},
        }, {
            "_id": "99",
            "_source": {"title": "Other", "url": "/o/", "tlp": "clear", "item_type": "guidance",
                        "summary": "Plain <summary>", "published_at": "2024-01-01T00:00:00Z"},
        }]},
        "aggregations": {
            "labels": {"doc_count": 7, "values": {"buckets": [
                {"key": "green", "doc_count": 4}, {"key": "clear", "doc_count": 3}]}},
            "years": {"doc_count": 7, "values": {"buckets": [{"key": 2025, "doc_count": 7}]}},
        },
        "suggest": {"did_you_mean": [{"text": "markr", "options": [{"text": "marker"}]}]},
    }
    request = request_for("q=markr -draft&tlp=green")
    results = ElasticsearchBackend().results_from(request, raw)
    assert results.backend == "elasticsearch"
    assert results.total == 7
    first, second = results.hits
    assert first.id == item.pk
    assert str(first.snippet) == "a <mark>marker</mark> &lt;x&gt; … second"
    assert str(second.snippet) == "Plain &lt;summary&gt;"
    assert (first.type_name, first.organisation, first.organisation_type) == (
        "Guidance", "Source Org", "Industry")
    assert first.topics == ["Supply chain"]
    assert first.published_at.year == 2025 and first.published_at.tzinfo is not None
    facets = {facet.name: facet for facet in results.facets}
    assert [(o.value, o.count, o.selected) for o in facets["tlp"].options] == [
        ("clear", 3, False), ("green", 4, True)]
    assert [(o.value, o.count) for o in facets["year"].options] == [("2025", 7)]
    assert results.suggestion == "marker -draft"


def test_no_suggestion_when_it_only_repeats_the_text(world):
    raw = {"hits": {"total": {"value": 0}, "hits": []},
           "suggest": {"did_you_mean": [{"text": "marker", "options": [{"text": "Marker"}]}]}}
    assert ElasticsearchBackend().results_from(request_for("q=marker"), raw).suggestion == ""


# -- an unreachable cluster --------------------------------------------------------------------
@pytest.fixture
def on_elasticsearch(settings, world):
    indexing.rebuild()  # the database entries, while SEARCH_BACKEND is still "database"
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = UNREACHABLE
    return settings


def test_connection_error_falls_back_to_the_database(on_elasticsearch, world):
    down = elasticsearch.ConnectionError("connection refused")
    with mock.patch.object(elasticsearch.Elasticsearch, "search", side_effect=down) as search:
        results = service.search(access.ANONYMOUS, request_for("q=marker"))
        suggestions = service.autocomplete(access.ANONYMOUS, "matr")
    assert search.called
    assert results.backend == "database"
    assert results.notice
    assert [hit.title for hit in results.hits] == [title_for(TLP.CLEAR)]
    assert [s["title"] for s in suggestions] == [title_for(TLP.CLEAR)]


def test_a_refused_connection_is_engine_unavailable_quickly(on_elasticsearch, world):
    started = time.monotonic()
    with pytest.raises(service.EngineUnavailable):
        ElasticsearchBackend().search(access.ANONYMOUS, request_for("q=marker"))
    results = service.search(principal(world, "source_member"), request_for("q=marker"))
    assert time.monotonic() - started < 10
    assert results.notice and results.backend == "database"
    assert {hit.title for hit in results.hits} == {
        title_for(label) for label in TLP if "source_member" in EXPECTED[label]}


def test_a_missing_alias_is_engine_unavailable(on_elasticsearch):
    meta = SimpleNamespace(status=404, headers={})
    missing = elasticsearch.NotFoundError("index_not_found_exception", meta, {})
    with mock.patch.object(elasticsearch.Elasticsearch, "search", side_effect=missing), \
            pytest.raises(service.EngineUnavailable):
        ElasticsearchBackend().search(access.ANONYMOUS, request_for("q=marker"))


def test_a_bad_request_is_not_hidden(on_elasticsearch):
    meta = SimpleNamespace(status=400, headers={})
    bad = elasticsearch.BadRequestError("parsing_exception", meta, {})
    with mock.patch.object(elasticsearch.Elasticsearch, "search", side_effect=bad), \
            pytest.raises(elasticsearch.BadRequestError):
        ElasticsearchBackend().search(access.ANONYMOUS, request_for("q=marker"))


# -- the rebuild's alias swap, against a stand-in client ---------------------------------------
@pytest.fixture
def fake_client(settings):
    settings.ELASTICSEARCH_INDEX = "portal-test-items"
    client = mock.MagicMock()
    client.options.return_value = client
    client.indices.get_alias.return_value = SimpleNamespace(
        meta=SimpleNamespace(status=200),
        body={"portal-test-items-1": {"aliases": {"portal-test-items": {}}}})
    client.indices.exists.return_value = True
    with mock.patch.object(documents, "connection", return_value=client), \
            mock.patch.object(documents.helpers, "bulk", return_value=(0, [])) as bulk:
        client.bulk_helper = bulk
        yield client


def test_rebuild_swaps_the_alias_in_one_call(fake_client, world):
    with documents.rebuilding_index() as send:
        send(list(SearchEntry.objects.all()))
    new = fake_client.indices.create.call_args.kwargs["index"]
    assert new.startswith("portal-test-items-")
    assert fake_client.indices.create.call_args.kwargs["mappings"]["dynamic"] == "strict"
    assert fake_client.bulk_helper.call_count == 1
    fake_client.indices.refresh.assert_called_once_with(index=new)
    fake_client.indices.update_aliases.assert_called_once_with(actions=[
        {"remove": {"index": "portal-test-items-1", "alias": "portal-test-items"}},
        {"add": {"index": new, "alias": "portal-test-items"}},
    ])
    fake_client.indices.delete.assert_called_once_with(index="portal-test-items-1")


def test_first_rebuild_replaces_an_index_squatting_on_the_alias_name(fake_client):
    fake_client.indices.get_alias.return_value = SimpleNamespace(
        meta=SimpleNamespace(status=404), body={"error": "alias missing", "status": 404})
    with documents.rebuilding_index():
        pass
    new = fake_client.indices.create.call_args.kwargs["index"]
    fake_client.indices.update_aliases.assert_called_once_with(actions=[
        {"remove_index": {"index": "portal-test-items"}},
        {"add": {"index": new, "alias": "portal-test-items"}},
    ])


def test_failed_rebuild_deletes_the_new_index_and_keeps_the_alias(fake_client):
    with pytest.raises(RuntimeError), documents.rebuilding_index():
        raise RuntimeError("the database went away")
    new = fake_client.indices.create.call_args.kwargs["index"]
    fake_client.indices.update_aliases.assert_not_called()
    fake_client.indices.delete.assert_called_once_with(index=new)


def test_writes_go_to_the_alias_only(fake_client, world):
    indexing.rebuild()
    documents.index_entries(list(SearchEntry.objects.all()))
    _client, actions = fake_client.bulk_helper.call_args.args
    actions = list(actions)
    assert {a["_index"] for a in actions} == {"portal-test-items"}
    assert {a["_id"] for a in actions} == {item.pk for item in world.items.values()}
    assert fake_client.bulk_helper.call_args.kwargs == {"require_alias": True}
    documents.delete_entry(123)
    fake_client.delete.assert_called_once_with(index="portal-test-items", id=123)


# -- a real cluster, when there is one ---------------------------------------------------------
LIVE_URL = os.environ.get("ELASTICSEARCH_URL")


@pytest.fixture
def live(settings, world):
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = LIVE_URL
    settings.ELASTICSEARCH_INDEX = "portal-test-items"
    client = documents.connection()
    try:
        indexing.rebuild()  # the database entries and a new index behind the test alias
        yield client
    finally:
        # By name: Elasticsearch 8 refuses wildcard deletes (action.destructive_requires_name).
        made = client.indices.get(index="portal-test-items-*", expand_wildcards="all").body
        for name in made:
            client.options(ignore_status=404).indices.delete(index=name)


@pytest.mark.skipif(not LIVE_URL, reason="ELASTICSEARCH_URL is not set")
class TestLive:
    @pytest.mark.parametrize("role", list(ROLES))
    def test_each_role_sees_exactly_its_labels(self, live, world, role):
        who = principal(world, role)
        expected = {title_for(label) for label in TLP if role in EXPECTED[label]}
        results = ElasticsearchBackend().search(who, request_for("q=matrix marker"))
        assert results.backend == "elasticsearch"
        assert {hit.title for hit in results.hits} == expected
        assert results.total == len(expected)
        labels = {o.value: o.count for f in results.facets if f.name == "tlp"
                  for o in f.options}
        assert labels == {label.value: 1 for label in TLP if role in EXPECTED[label]}
        suggested = ElasticsearchBackend().autocomplete(who, "matr mark", 10)
        assert {s["title"] for s in suggested} == expected

    def test_typos_highlights_and_disjunctive_facets(self, live, world):
        who = principal(world, "source_member")
        results = ElasticsearchBackend().search(who, request_for("q=matrx&tlp=green"))
        assert [hit.title for hit in results.hits] == [title_for(TLP.GREEN)]
        assert {o.value for f in results.facets if f.name == "tlp" for o in f.options} == {
            "clear", "green", "amber", "amber_strict"}
        body = ElasticsearchBackend().search(who, request_for("q=body"))
        assert all("<mark>" in str(hit.snippet) for hit in body.hits)

    @pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
    def test_relevance_contract(self, contract_corpus, live, case):  # noqa: F811
        check(case, ElasticsearchBackend().search(access.ANONYMOUS, request_for(
            urlencode({"q": case.query}))))

    def test_a_second_rebuild_leaves_one_index_behind_the_alias(self, live):
        indexing.rebuild()
        behind = live.indices.get_alias(name="portal-test-items").body
        assert len(behind) == 1


def test_drift_check_repairs_elasticsearch_against_the_entries(world, settings, monkeypatch):
    from search import documents, engines, indexing
    from search.models import SearchEntry

    indexing.rebuild()
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    entries = dict(SearchEntry.objects.values_list("pk", "version"))
    first, second, *rest = sorted(entries)
    # Elasticsearch missed one write, holds an old copy of another and a deleted item.
    indexed = {pk: entries[pk] for pk in rest} | {second: "old", 424242: "gone"}
    sent, deleted = [], []
    monkeypatch.setattr(documents, "indexed_versions", lambda: indexed)
    monkeypatch.setattr(documents, "index_entries",
                        lambda qs: sent.extend(sorted(e.pk for e in qs)))
    monkeypatch.setattr(documents, "delete_entry", deleted.append)
    report = engines.repair_external_drift()
    assert report == {"external_reindexed": [first, second], "external_removed": [424242]}
    assert sent == [first, second] and deleted == [424242]


# -- the relevance contract, as compiled (tests/relevance_contract.py) ---------------------------
def query_of(case_name, principal=access.ANONYMOUS):
    case = next(case for case in CASES if case.name == case_name)
    return compiled(principal, urlencode({"q": case.query}))


@pytest.mark.usefixtures("contract_corpus")
def test_contract_synonyms_are_alternatives_of_one_concept(world):
    must = query_of("synonym")["query"]["bool"]["must"]
    assert len(must) == 1 and must[0]["bool"]["minimum_should_match"] == 1
    assert {(c["multi_match"]["query"], c["multi_match"]["type"])
            for c in must[0]["bool"]["should"]} == {
        ("pen test", "phrase"), ("penetration test", "phrase")}


@pytest.mark.usefixtures("contract_corpus")
def test_contract_topic_names_are_indexed_and_searched_with_weight(world):
    entry = SearchEntry.objects.get(title="Staff hotline for a small office")
    assert "Reporting and whistleblowing" in documents.document_from_entry(entry).tags
    assert documents.index_body()["mappings"]["properties"]["tags"] == {
        "type": "text", "analyzer": "english"}
    (word,) = query_of("topic name")["query"]["bool"]["must"]
    assert word["multi_match"]["fields"] == ["title^4", "tags^3", "summary^2", "body"]


def test_contract_title_outranks_body_by_score_before_date(world):
    body = query_of("title outranks body")
    (word,) = body["query"]["bool"]["must"]
    boosts = dict(field.split("^") if "^" in field else (field, "1")
                  for field in word["multi_match"]["fields"])
    assert int(boosts["title"]) > int(boosts["tags"]) > int(boosts["summary"]) > int(
        boosts["body"])
    assert body["sort"][0] == "_score"


def test_contract_phrase_is_exact(world):
    assert query_of("phrase")["query"]["bool"]["must"] == [{"multi_match": {
        "query": "harbour pilot", "fields": ["title^4", "tags^3", "summary^2", "body"],
        "type": "phrase"}}]


def fake_execute(totals):
    """A stand-in for the cluster's answers (the edge of the world here): each request gets
    the next total, with no hits; the requests are kept."""
    sent = []

    def execute(s):
        sent.append(s.to_dict())
        return {"hits": {"total": {"value": totals[len(sent) - 1]}, "hits": []}}

    return sent, execute


def test_contract_relaxed_match_is_a_second_request_with_the_access_filter(world, monkeypatch):
    who = principal(world, "other_member")
    sent, execute = fake_execute([0, 4])
    monkeypatch.setattr(ElasticsearchBackend, "_execute", lambda self, s: execute(s))
    case = next(case for case in CASES if case.name == "relaxed match")
    results = ElasticsearchBackend().search(who, request_for(urlencode({"q": case.query})))
    assert (results.relaxed, results.matched_all, results.total) == (True, 0, 4)
    strict, relaxed = (request["query"]["bool"] for request in sent)
    assert len(strict["must"]) == 4 and "should" not in strict
    (most,) = relaxed["must"]
    assert most["bool"]["minimum_should_match"] == 3
    assert most["bool"]["should"] == strict["must"]
    (every,) = relaxed["should"]
    assert every["constant_score"]["filter"]["bool"]["must"] == strict["must"]
    assert every["constant_score"]["boost"] >= 1000
    assert relaxed["filter"] == strict["filter"] == [documents.access_filter(who).to_dict()]


def test_enough_all_word_matches_send_one_request(world, monkeypatch):
    sent, execute = fake_execute([3])
    monkeypatch.setattr(ElasticsearchBackend, "_execute", lambda self, s: execute(s))
    results = ElasticsearchBackend().search(access.ANONYMOUS, request_for("q=two+words"))
    assert len(sent) == 1 and not results.relaxed
