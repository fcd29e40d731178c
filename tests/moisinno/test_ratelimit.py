from django.core.cache import cache

from moisinno.ratelimit import rate_limited


def test_rate_limit_lets_the_limit_through_then_says_how_long_to_wait():
    cache.clear()

    outcomes = [rate_limited("test:visitor", limit=3, period=60) for _ in range(4)]

    assert outcomes[:3] == [0, 0, 0]
    assert 1 <= outcomes[3] <= 60
    assert rate_limited("test:someone-else", limit=3, period=60) == 0
