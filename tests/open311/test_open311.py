"""Open311 GeoReport v2: every endpoint in JSON and XML, field lists exactly as the spec
writes them, errors in the spec's format, POST through the duplicate finder."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from open311.models import Open311Attribute, Open311Service, Open311Submission
from requests_tracking import services
from requests_tracking.models import Request, RequestFollowerEmail
from tests.factories import (
    CitizenFactory,
    EmailAddressFactory,
    GazetteerAddressFactory,
    ProcessFactory,
    StaffFactory,
)
from tests.factories.accounts import api_token_for
from tests.requests_tracking.places_helpers import offset

pytestmark = pytest.mark.django_db
BASE = "/open311/v2/"

# GeoReport v2 field lists, as the specification writes them.
SERVICE_FIELDS = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]
ATTRIBUTE_FIELDS = [
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
]
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
POST_RESPONSE_FIELDS = ["service_request_id", "token", "service_notice", "account_id"]
SECRET = "Mattress dumped by Mr Private of 27 Friar Street"


@pytest.fixture
def fly_tipping(db, reference_data):
    process = ProcessFactory(
        code="fly-tipping", name="Fly-tipping", description="Rubbish dumped", place_based=True
    )
    service = Open311Service.objects.create(
        process_code="fly-tipping", service_code="flytip", group="Street cleaning"
    )
    Open311Attribute.objects.create(
        service=service,
        code="what",
        description="What has been dumped?",
        datatype="singlevaluelist",
        required=True,
        order=1,
        values="mattress=Mattress\nbags=Bags of rubbish",
    )
    Open311Attribute.objects.create(
        service=service, code="size", description="How many bags?", datatype="number", order=2
    )
    return process


@pytest.fixture
def api_key(db):
    app = StaffFactory(username="fixmystreet", first_name="FixMyStreet", last_name="")
    return api_token_for(app)


@pytest.fixture
def existing(fly_tipping, officer):
    reporter = CitizenFactory(first_name="Private", last_name="Person")
    EmailAddressFactory(citizen=reporter, email="private@example.com")
    lat, lon = offset(north_m=30)
    return services.request_create(
        actor=officer,
        process=fly_tipping,
        citizen=reporter,
        description=SECRET,
        address_line_1="27 Friar Street",
        postcode="RG1 1AA",
        usrn="4400",
        latitude=lat,
        longitude=lon,
    )


def _xml(response):
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ElementTree.fromstring(response.content)


def _post(client, fmt="json", **data):
    return client.post(f"{BASE}requests.{fmt}", data)


def test_discovery_in_json_and_xml(client):
    data = client.get(f"{BASE}discovery.json").json()
    assert set(data) == {"changeset", "contact", "key_service", "endpoints"}
    endpoint = data["endpoints"][0]
    assert set(endpoint) == {"specification", "url", "changeset", "type", "formats"}
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    root = _xml(client.get(f"{BASE}discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == [
        "text/xml",
        "application/json",
    ]


def test_services_list_fields_exactly_as_the_spec(client, fly_tipping):
    ProcessFactory(code="benefits", place_based=False)  # not offered
    data = client.get(f"{BASE}services.json").json()
    assert [list(s) for s in data] == [SERVICE_FIELDS]
    assert data[0]["service_code"] == "flytip"
    assert data[0]["service_name"] == "Fly-tipping"
    assert data[0]["metadata"] is True
    assert data[0]["type"] == "realtime"
    root = _xml(client.get(f"{BASE}services.xml"))
    assert root.tag == "services"
    service = root.find("service")
    assert [child.tag for child in service] == SERVICE_FIELDS
    assert service.find("metadata").text == "true"


def test_service_definition_with_attributes(client, fly_tipping):
    data = client.get(f"{BASE}services/flytip.json").json()
    assert list(data) == ["service_code", "attributes"]
    assert [list(a) for a in data["attributes"]] == [ATTRIBUTE_FIELDS, ATTRIBUTE_FIELDS]
    what = data["attributes"][0]
    assert what["values"] == [
        {"key": "mattress", "name": "Mattress"},
        {"key": "bags", "name": "Bags of rubbish"},
    ]
    assert (what["required"], what["datatype"], what["order"]) == (True, "singlevaluelist", 1)
    root = _xml(client.get(f"{BASE}services/flytip.xml"))
    assert root.tag == "service_definition"
    attribute = root.find("attributes/attribute")
    assert [child.tag for child in attribute] == ATTRIBUTE_FIELDS
    assert [v.find("key").text for v in attribute.find("values")] == ["mattress", "bags"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_code_is_an_error_in_the_spec_format(client, fly_tipping, fmt):
    response = client.get(f"{BASE}services/graffiti.{fmt}")
    assert response.status_code == 404
    if fmt == "json":
        assert response.json() == [
            {"code": 404, "description": "service_code graffiti is not one of our services."}
        ]
    else:
        root = _xml(response)
        assert root.tag == "errors"
        assert [(e.find("code").text, e.find("description").text) for e in root] == [
            ("404", "service_code graffiti is not one of our services.")
        ]


def test_post_creates_a_request_from_the_open311_channel(client, fly_tipping, api_key):
    lat, lon = offset(north_m=2000)
    response = _post(
        client,
        "xml",
        api_key=api_key,
        jurisdiction_id="demo.gov.uk",
        service_code="flytip",
        lat=str(lat),
        long=str(lon),
        description="Bags dumped by the bus stop",
        **{"attribute[what]": "bags", "attribute[size]": "4"},
        email="reporter@example.com",
        first_name="Rita",
        last_name="Reporter",
    )
    assert response.status_code == 201
    root = _xml(response)
    request_el = root.find("request")
    assert root.tag == "service_requests"
    assert [child.tag for child in request_el] == POST_RESPONSE_FIELDS
    made = Request.objects.get(reference=request_el.find("service_request_id").text)
    assert made.channel.code == "open311"
    assert made.channel.name == "Open311 app"
    assert made.created_by.username == "fixmystreet"
    assert (made.latitude, made.longitude) == (lat, lon)
    assert made.notes.filter(text__contains="What has been dumped?: bags").exists()
    submission = Open311Submission.objects.get()
    assert submission.attributes == {"what": "bags", "size": "4"}
    assert RequestFollowerEmail.objects.get(request=made).source == "open311"
    token = request_el.find("token").text
    by_token = client.get(f"{BASE}tokens/{token}.json").json()
    assert by_token == [{"service_request_id": made.reference, "token": token}]
    assert _xml(client.get(f"{BASE}tokens/{token}.xml")).find("request/token").text == token


def test_post_of_a_likely_duplicate_makes_the_reporter_a_follower(
    client, fly_tipping, api_key, existing
):
    here = offset()
    response = _post(
        client,
        api_key=api_key,
        service_code="flytip",
        lat=str(here[0]),
        long=str(here[1]),
        description="Someone left a matress here",
        email="neighbour@example.com",
        **{"attribute[what]": "mattress"},
    )
    assert response.status_code == 200
    body = response.json()
    assert [list(r) for r in body] == [POST_RESPONSE_FIELDS]
    assert body[0]["service_request_id"] == existing.reference
    assert "reported already" in body[0]["service_notice"]
    assert Request.objects.count() == 1
    follower = RequestFollowerEmail.objects.get(request=existing)
    assert (follower.email, follower.status, follower.source) == (
        "neighbour@example.com",
        "pending",
        "open311",
    )
    assert Open311Submission.objects.get().outcome == "followed"


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"api_key": ""}, 403, "api_key is missing."),
        ({"api_key": "wrong"}, 403, "api_key is not valid."),
        ({"service_code": ""}, 400, "service_code is required."),
        ({"service_code": "graffiti"}, 404, "service_code graffiti is not one of our services."),
        ({"attribute[what]": ""}, 400, "attribute[what] is required: What has been dumped?"),
        ({"attribute[what]": "sofa"}, 400, "attribute[what] must be one of: bags, mattress."),
        ({"attribute[size]": "lots"}, 400, "attribute[size] must be a number."),
        ({"lat": "48.85", "long": "2.35"}, 400, "lat/long: Those coordinates are outside the UK"),
        ({"lat": "", "long": "", "address_id": "12AB"}, 400, "address_id must be a UPRN"),
        ({"lat": "", "long": ""}, 400, "A location is required"),
        ({"email": "not-an-email"}, 400, "email is not an email address."),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url must be an http or https"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_problems_are_errors_in_the_callers_format(
    client, fly_tipping, api_key, data, status, message, fmt
):
    lat, lon = offset()
    sent = {
        "api_key": api_key,
        "service_code": "flytip",
        "lat": str(lat),
        "long": str(lon),
        "attribute[what]": "bags",
        **data,
    }
    response = _post(client, fmt, **sent)
    assert response.status_code == status
    if fmt == "json":
        errors = response.json()
        assert [e["code"] for e in errors] == [status]
        assert errors[0]["description"].startswith(message)
    else:
        root = _xml(response)
        assert root.tag == "errors"
        assert root.find("error/code").text == str(status)
        assert root.find("error/description").text.startswith(message)
    assert Request.objects.count() == 0


def test_post_with_address_id_uses_the_gazetteer_point(client, fly_tipping, api_key):
    lat, lon = offset(north_m=5000)
    GazetteerAddressFactory(uprn="310000100001", usrn="5500", latitude=lat, longitude=lon)
    response = _post(
        client,
        api_key=api_key,
        service_code="flytip",
        address_id="310000100001",
        address_string="1 High Street",
        **{"attribute[what]": "bags"},
    )
    assert response.status_code == 201
    made = Request.objects.get()
    assert (made.uprn, made.usrn, made.latitude) == ("310000100001", "5500", lat)


def test_get_requests_publishes_only_what_may_be_published(client, fly_tipping, existing, officer):
    private = services.request_create(
        actor=officer, process=ProcessFactory(code="benefits"), description="Benefits change"
    )
    response = client.get(f"{BASE}requests.json")
    data = response.json()
    assert [r["service_request_id"] for r in data] == [existing.reference]
    row = data[0]
    assert list(row) == REQUEST_FIELDS
    assert row["status"] == "open"
    assert row["service_code"] == "flytip"
    assert row["description"] is None
    assert row["address_id"] is None
    assert row["media_url"] is None
    assert row["zipcode"] == "RG1 1"
    assert len(row["lat"].split(".")[1]) == 3  # about 100 m, never the exact point
    text = response.content.decode()
    for secret in [SECRET, "27 Friar", "Private", "private@example.com", existing.uprn or "§"]:
        assert secret not in text
    assert private.reference not in text
    root = _xml(client.get(f"{BASE}requests.xml"))
    assert [child.tag for child in root.find("request")] == REQUEST_FIELDS
    assert root.find("request/description").text is None


def test_get_requests_filters(client, fly_tipping, existing, officer):
    lat, lon = offset(north_m=900)
    other = services.request_create(
        actor=officer,
        process=fly_tipping,
        description="Tyres",
        address_line_1="Lay-by",
        latitude=lat,
        longitude=lon,
    )
    services.request_cancel(actor=officer, service_request=other, reason="Cleared")
    old = services.request_create(
        actor=officer, process=fly_tipping, description="Old", address_line_1="Lane"
    )
    Request.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=200))

    def ids(**params):
        return [r["service_request_id"] for r in client.get(f"{BASE}requests.json", params).json()]

    assert ids() == [other.reference, existing.reference]  # last 90 days by default
    assert ids(status="open") == [existing.reference]
    assert ids(status="closed") == [other.reference]
    assert ids(service_request_id=f"{old.reference},{existing.reference}") == [
        existing.reference,
        old.reference,
    ]
    start = (timezone.now() - timedelta(days=365)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (timezone.now() - timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(start_date=start, end_date=end) == [old.reference]
    assert ids(service_code="flytip", status="open,closed") == [
        other.reference,
        existing.reference,
    ]
    closed = client.get(f"{BASE}requests/{other.reference}.json").json()
    assert closed[0]["status"] == "closed"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start_date": "yesterday"}, "start_date must be a date and time"),
        ({"status": "pending"}, "status must be open, closed or both"),
        ({"service_code": "nope"}, "service_code nope is not one of our services."),
    ],
)
def test_get_requests_bad_filters_are_400_errors(client, fly_tipping, params, message):
    response = client.get(f"{BASE}requests.json", params)
    assert response.status_code == 400
    assert response.json()[0]["description"].startswith(message)


def test_single_request_and_not_found(client, fly_tipping, existing, officer):
    data = client.get(f"{BASE}requests/{existing.reference}.json").json()
    assert [r["service_request_id"] for r in data] == [existing.reference]
    root = _xml(client.get(f"{BASE}requests/{existing.reference}.xml"))
    assert root.find("request/service_request_id").text == existing.reference
    private = services.request_create(
        actor=officer, process=ProcessFactory(code="benefits"), description="Benefits change"
    )
    response = client.get(f"{BASE}requests/{private.reference}.xml")
    assert response.status_code == 404
    assert _xml(response).find("error/code").text == "404"
    assert client.get(f"{BASE}tokens/abc123.json").status_code == 404


def test_a_duplicate_shows_its_original_in_status_notes(client, fly_tipping, existing, officer):
    lat, lon = offset(north_m=35)
    second = services.request_create(
        actor=officer,
        process=fly_tipping,
        description="Mattress",
        address_line_1="Friar Street",
        latitude=lat,
        longitude=lon,
    )
    services.request_duplicate_mark(actor=officer, duplicate=second, original=existing)
    row = client.get(f"{BASE}requests/{second.reference}.json").json()[0]
    assert (row["status"], row["status_notes"]) == ("closed", f"Duplicate of {existing.reference}")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_posts_are_rate_limited_per_key_with_retry_after_in_the_spec_format(
    client, fly_tipping, api_key, settings, fmt
):
    settings.OPEN311_RATE_LIMIT_POSTS = 2
    for _ in range(2):
        assert _post(client, fmt, api_key=api_key).status_code == 400  # no service_code
    refused = _post(client, fmt, api_key=api_key, service_code="flytip")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    if fmt == "json":
        assert [e["code"] for e in refused.json()] == [429]
        assert refused.json()[0]["description"].startswith("Too many reports")
    else:
        assert _xml(refused).find("error/code").text == "429"
    # Posts without a valid key count against the address, apart from the key's own count.
    assert _post(client, fmt, api_key="guess").status_code == 403


def test_posts_with_bad_keys_are_limited_per_address(client, fly_tipping, settings):
    settings.OPEN311_RATE_LIMIT_POSTS = 3
    statuses = [_post(client, api_key=f"guess-{n}").status_code for n in range(4)]
    assert statuses == [403, 403, 403, 429]


def test_a_read_only_token_is_not_an_open311_key(client, fly_tipping):
    app = StaffFactory(username="readonly-app")
    response = _post(client, api_key=api_token_for(app, read_only=True), service_code="flytip")
    assert response.status_code == 403
    assert response.json()[0]["description"] == "api_key is not valid."
