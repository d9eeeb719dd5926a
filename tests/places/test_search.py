import io

import pytest

from places.importer import gazetteer_import
from places.selectors import address_search, place_resolve

CSV = """UPRN,USRN,ADDRESS_LINE_1,STREET,TOWN,POSTCODE,LATITUDE,LONGITUDE
1,500,2 Friar Street,Friar Street,Reading,RG1 1AA,51.4550,-0.9710
2,500,10 Friar Street,Friar Street,Reading,RG1 1AA,51.4552,-0.9706
3,500,1 Friar Street,Friar Street,Reading,RG1 1AB,51.4551,-0.9712
4,600,5 Mill Lane,Mill Lane,Earley,RG6 2BB,51.4400,-0.9300
"""


@pytest.fixture
def gazetteer(db):
    gazetteer_import(lines=io.StringIO(CSV))


def test_search_by_whole_or_partial_postcode(gazetteer):
    assert [a.uprn for a in address_search(q="rg1 1aa")] == ["1", "2"]  # 2 before 10
    assert [a.uprn for a in address_search(q="RG1")] == ["1", "2", "3"]


def test_search_by_street_and_number(gazetteer):
    assert [a.uprn for a in address_search(q="friar")] == ["1", "2", "3"]
    assert [a.uprn for a in address_search(q="10 friar st")] == ["2"]
    assert [a.uprn for a in address_search(q="mill earley")] == ["4"]
    assert address_search(q="x") == []
    assert address_search(q="nowhere road") == []


def test_place_resolve_brings_point_and_street_from_the_uprn(gazetteer):
    place = place_resolve(uprn="4")
    assert (place.usrn, str(place.latitude), place.point_source) == ("600", "51.440000", "address")
    street = place_resolve(usrn="500")
    assert street.point_source == "street"
    assert float(street.latitude) == pytest.approx(51.4551, abs=1e-6)
    by_postcode = place_resolve(postcode="RG1 1AA")
    assert by_postcode.point_source == "postcode"
    given = place_resolve(uprn="4", latitude=51.5, longitude=-0.9)
    assert (given.latitude, given.usrn, given.point_source) == (51.5, "600", "given")
    assert not place_resolve(uprn="999").has_point


def test_staff_picker_lists_addresses_to_pick(gazetteer, agent_client):
    response = agent_client.get("/places/addresses/", {"address_find": "friar"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('class="govuk-button govuk-button--secondary') == 3
    assert 'data-uprn="2"' in body
    assert 'data-usrn="500"' in body
    assert 'data-latitude="51.455200"' in body


def test_picker_says_when_nothing_matches(gazetteer, agent_client):
    body = agent_client.get("/places/addresses/", {"q": "zzz road"}).content.decode()
    assert 'No address in the council\'s list matches "zzz road"' in body


def test_staff_picker_needs_sign_in_and_public_one_does_not(gazetteer, client):
    assert client.get("/places/addresses/", {"q": "friar"}).status_code == 302
    public = client.get("/public/places/addresses/", {"q": "friar"})
    assert public.status_code == 200
    assert 'data-uprn="1"' in public.content.decode()
