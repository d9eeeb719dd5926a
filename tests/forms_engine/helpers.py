"""A small public form used across the filling tests: where, what (with a same-page
"hazardous?" question), an optional photo page, and the resident's details."""

import re

from tests.factories import ProcessFactory, ServiceAreaFactory
from tests.factories.forms_engine import field, page, published_form, rule

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def fly_tipping_form(*, process=True, portals=("citizen", "contact-centre"), **extra):
    area = ServiceAreaFactory(name="Waste Management")
    if process:
        ProcessFactory(code="fly-tipping", name="Fly-tipping", service_area=area)
    return published_form(
        slug=extra.pop("slug", "report-fly-tipping"),
        name="Report fly-tipping",
        service_area=area,
        portals=portals,
        process_code="fly-tipping" if process else "",
        pages=[
            page(
                "location",
                field("location", "address", "Nearest address"),
                field("spot", "textarea", "Describe the exact spot", required=False),
                title="Where is it?",
            ),
            page(
                "what",
                field(
                    "amount",
                    "radios",
                    "How much is there?",
                    options="bag | A bag\nvan | A van load",
                ),
                field("hazardous", "yes_no", "Is it hazardous?"),
                field("hazard_detail", "textarea", "What is hazardous about it?"),
                title="What has been dumped?",
            ),
            page(
                "photo",
                field(
                    "photos",
                    "file",
                    "Add photos",
                    required=False,
                    file_types="jpg, png",
                    max_items=2,
                ),
                title="Photos",
            ),
            page(
                "your_details",
                field("full_name", "name", "Your name", prefill="citizen.name"),
                field("email", "email", "Email address", prefill="citizen.email"),
                field("mobile", "phone", "Mobile number", required=False),
                title="Your details",
            ),
        ],
        rules=[
            rule(
                "Hazardous",
                [("hazardous", "equals", "yes")],
                [{"kind": "show_field", "field": "hazard_detail"}],
            )
        ],
        **extra,
    )


PAGE_ANSWERS = {
    "location": {"location-line_1": "12 Mill Lane", "location-postcode": "sw1a 1aa"},
    "what": {"amount": "van", "hazardous": "no"},
    "photo": {},
    "your_details": {
        "full_name-first": "Pat",
        "full_name-last": "Resident",
        "email": "pat@example.com",
    },
}


def error_summary(response) -> list[str]:
    html = response.content.decode()
    block = re.search(r'govuk-error-summary__list">(.*?)</ul>', html, re.S)
    return re.findall(r"<a href=\"[^\"]*\">(.*?)</a>", block.group(1)) if block else []


def fill_pages(client, slug, pages=("location", "what", "photo", "your_details"), base="/forms"):
    for key in pages:
        response = client.post(f"{base}/{slug}/{key}/", PAGE_ANSWERS[key])
        assert response.status_code == 302, (key, error_summary(response))
    return response
