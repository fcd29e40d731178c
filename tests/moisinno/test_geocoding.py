"""The client of the national address service, against a local server answering like it."""

from decimal import Decimal

import pytest

from moisinno.geocoding import USER_AGENT, GeocodingUnavailable, geocode
from moisinno.geography import DEPARTMENTS, department_centre, department_of_postal_code
from tests.geocoding_server import Reply, recorded


def test_an_address_gives_its_point_score_and_kind(geocoder):
    geocoder.answer("housenumber")

    point = geocode("20 avenue de Ségur, 75007 Paris", postcode="75007")

    assert (point.latitude, point.longitude) == (Decimal("48.850699"), Decimal("2.308628"))
    assert point.kind == "housenumber"
    assert point.score > 0.97
    assert point.label == "20 Avenue de Ségur 75007 Paris"
    assert point.citycode == "75107"
    # What the service received: the query, one result, the postal code filter, who we are.
    assert geocoder.requests == [
        {"q": "20 avenue de Ségur, 75007 Paris", "limit": "1", "postcode": "75007"}
    ]
    assert geocoder.user_agents == [USER_AGENT]


def test_a_municipality_search_asks_for_that_type(geocoder):
    geocoder.answer("municipality")

    point = geocode("Rennes", kind="municipality", postcode="35000")

    assert point.kind == "municipality"
    assert geocoder.requests[0]["type"] == "municipality"


def test_a_low_score_or_no_feature_is_no_answer(geocoder):
    geocoder.answer("low_score")
    assert geocode("Bâtiment Z porte 404, 35000 Rennes") is None
    geocoder.answer("empty")
    assert geocode("zzzz") is None


def test_a_query_too_short_is_not_sent(geocoder):
    assert geocode(" a ") is None
    assert geocoder.requests == []


def test_a_server_error_is_retried_until_the_service_answers(geocoder):
    geocoder.script(Reply(status=500, body=b"Internal Server Error"), Reply(status=503), "street")

    point = geocode("rue de la République, 69002 Lyon")

    assert point.kind == "street"
    assert len(geocoder.requests) == 3


def test_a_timeout_is_retried_then_reported(geocoder, settings):
    settings.GEOCODER_TIMEOUT = 0.2
    geocoder.answer(Reply(body=recorded("housenumber").body, delay=0.6))

    with pytest.raises(GeocodingUnavailable, match="Timeout"):
        geocode("20 avenue de Ségur, 75007 Paris")
    assert len(geocoder.requests) == settings.GEOCODER_ATTEMPTS


def test_a_timeout_then_an_answer_succeeds(geocoder, settings):
    settings.GEOCODER_TIMEOUT = 0.2
    geocoder.script(Reply(body=recorded("housenumber").body, delay=0.6), "housenumber")

    assert geocode("20 avenue de Ségur, 75007 Paris").kind == "housenumber"


def test_garbage_is_reported_without_retrying(geocoder):
    geocoder.answer("garbage")

    with pytest.raises(GeocodingUnavailable, match="unreadable"):
        geocode("20 avenue de Ségur, 75007 Paris")
    assert len(geocoder.requests) == 1


@pytest.mark.parametrize(
    "body",
    [
        b'{"type": "FeatureCollection"}',
        b'{"features": [{"geometry": {"coordinates": ["x", "y"]}, "properties": {}}]}',
        b'{"features": [{"geometry": {"coordinates": [2.3, 148.8]}, "properties": {}}]}',
        b"[1, 2, 3]",
    ],
)
def test_json_that_is_not_the_service_answer_is_reported(geocoder, body):
    geocoder.answer(Reply(body=body))
    with pytest.raises(GeocodingUnavailable):
        geocode("20 avenue de Ségur, 75007 Paris")


def test_a_client_error_is_not_retried(geocoder):
    geocoder.answer(Reply(status=400, body=b'{"code": 400, "message": "q: must be 3 chars"}'))
    with pytest.raises(GeocodingUnavailable, match="400"):
        geocode("20 avenue de Ségur, 75007 Paris")
    assert len(geocoder.requests) == 1


def test_every_department_has_a_centre_inside_france():
    for code in DEPARTMENTS:
        latitude, longitude = department_centre(code)
        assert -22 < latitude < 52 and -62 < longitude < 56, code
    # Metropolitan departments are in metropolitan France.
    assert 41 < department_centre("2A")[0] < 51.5
    assert department_centre("99") is None


@pytest.mark.parametrize(
    ("postal_code", "department"),
    [("35000", "35"), ("20000", "2A"), ("20200", "2B"), ("97400", "974"), ("1234", ""), ("", "")],
)
def test_department_of_postal_code(postal_code, department):
    assert department_of_postal_code(postal_code) == department
