"""Abuse limits: the search page, the search API and autocomplete answer 429 with Retry-After
once a caller (user, token, or IP address when anonymous) passes its limit."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from portal.core.accounts.models import ApiToken
from portal.core.security.ratelimit import parse_rate

pytestmark = pytest.mark.django_db

ENDPOINTS = {"search": "search", "search_api": "search-api", "autocomplete": "search-autocomplete"}


@pytest.fixture
def small_limits(settings, rate_limit_clock):
    settings.PORTAL_RATE_LIMITS = {scope: "3/24h" for scope in ENDPOINTS}


@pytest.mark.parametrize("scope", ENDPOINTS)
def test_anonymous_callers_are_limited_per_address(client, world, small_limits, scope):
    url = reverse(ENDPOINTS[scope])
    for _ in range(3):
        assert client.get(url, {"q": "matrix"}, REMOTE_ADDR="198.51.100.1").status_code == 200
    response = client.get(url, {"q": "matrix"}, REMOTE_ADDR="198.51.100.1")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 24 * 3600
    assert "Too many requests" in response.content.decode()
    # Another address has its own allowance.
    assert client.get(url, {"q": "matrix"}, REMOTE_ADDR="198.51.100.2").status_code == 200


def test_users_and_tokens_are_limited_each_on_their_own(client, world, small_limits):
    url = reverse("search-api")
    member, other = world.users["source_member"], world.users["other_member"]
    client.force_login(member)
    for _ in range(3):
        assert client.get(url, {"q": "matrix"}).status_code == 200
    limited = client.get(url, {"q": "matrix"})
    assert limited.status_code == 429 and "error" in limited.json()
    _token, key = ApiToken.issue(other, "script")
    client.logout()
    headers = {"Authorization": f"Bearer {key}"}
    for _ in range(3):
        assert client.get(url, {"q": "matrix"}, headers=headers).status_code == 200
    assert client.get(url, {"q": "matrix"}, headers=headers).status_code == 429


def test_a_limited_response_reveals_nothing(client, world, small_limits):
    """The 429 holds no results, so a restricted title never appears in one."""
    client.force_login(world.users["red_recipient"])
    for _ in range(3):
        client.get(reverse("search-api"), {"q": "matrix"})
    response = client.get(reverse("search-api"), {"q": "matrix"})
    assert response.status_code == 429
    assert set(response.json()) == {"error"}


@pytest.mark.services
def test_counts_are_shared_through_redis(settings, world, rf, rate_limit_clock):
    """Two processes share one count when the cache is Redis (here: two cache clients)."""
    import os
    import uuid

    from django.core.cache.backends.redis import RedisCache

    from portal.core.security import ratelimit
    from tests.conftest import skip_or_fail

    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        skip_or_fail("Redis is not available (set REDIS_URL)")
    settings.PORTAL_RATE_LIMITS = {"search": "2/24h"}
    request = rf.get("/search/", REMOTE_ADDR="192.0.2.77")
    request.user = world.users["source_member"]
    prefix = f"portal-tests-ratelimit-{uuid.uuid4().hex}"  # keys expire with the window
    first, second = (RedisCache(redis_url, {"KEY_PREFIX": prefix}) for _ in range(2))
    try:
        ratelimit.cache = first
        assert ratelimit.retry_after(request, "search") == 0
        ratelimit.cache = second
        assert ratelimit.retry_after(request, "search") == 0
        assert ratelimit.retry_after(request, "search") > 0  # the third, across both
    finally:
        ratelimit.cache = cache


@pytest.mark.parametrize("rate, expected", [("60/m", (60, 60)), ("10/s", (10, 1)),
                                            ("1000/h", (1000, 3600)), ("5/10m", (5, 600))])
def test_rates_are_read_from_settings(rate, expected):
    assert parse_rate(rate) == expected
