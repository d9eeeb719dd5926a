"""Demo forms: bulky waste, fly-tipping, council tax change of address, garden waste and a
staff-only taxi licence renewal — with drafts stopped at different pages for demo citizens."""

from datetime import timedelta

from django.utils import timezone

from citizens.models import Citizen
from forms_engine.builder import form_create_from_spec
from forms_engine.definition import definition_for
from forms_engine.logic import evaluate
from forms_engine.models import Submission
from forms_engine.prefill import prefill_answers
from organisation.models import ServiceArea

ORDER = 50  # after requests_tracking (its processes) and before the timeline rebuild


def _f(key, kind, label, **extra):
    return {"key": key, "kind": kind, "label": label, **extra}


def _yes_no(key, label, **extra):
    return _f(key, "yes_no", label, **extra)


CONTACT_PAGE = {
    "key": "your_details",
    "title": "Your details",
    "fields": [
        _f("full_name", "name", "Your name", prefill="citizen.name"),
        _f(
            "email",
            "email",
            "Email address",
            prefill="citizen.email",
            hint="We will send a confirmation and the link to follow your request.",
        ),
        _f("phone", "phone", "Phone number", required=False, prefill="citizen.phone"),
    ],
}

SPECS = [
    {
        "slug": "bulky-waste",
        "name": "Book a bulky waste collection",
        "area": "Waste Management",
        "process_code": "bulky-waste",
        "portals": ["citizen", "contact-centre"],
        "description": "Book a collection of large items such as furniture and fridges. "
        "Have a list of the items ready. Each item costs £15.",
        "confirmation_text": "We will confirm the collection date within 2 working days.",
        "pages": [
            {
                "key": "items",
                "title": "What do you want us to collect?",
                "fields": [
                    _f(
                        "items",
                        "repeating",
                        "Items",
                        max_items=10,
                        children=[
                            _f(
                                "item",
                                "text",
                                "Item",
                                hint="For example, sofa or fridge freezer",
                                max_length=80,
                            ),
                            _f(
                                "quantity",
                                "number",
                                "How many",
                                min_value="1",
                                max_value="5",
                                range_error="Enter between 1 and 5 of each item",
                            ),
                        ],
                    ),
                    _f("item_count", "hidden", "Number of items"),
                ],
            },
            {
                "key": "collection",
                "title": "When and where",
                "fields": [
                    _f("address", "address", "Collection address", prefill="citizen.address"),
                    _f(
                        "collection_date",
                        "date",
                        "Preferred collection date",
                        hint="At least 3 days from today, Monday to Friday.",
                        date_after="today+3",
                        date_before="today+60",
                        date_error="Choose a date between 3 and 60 days from today",
                    ),
                    _f(
                        "where_left",
                        "radios",
                        "Where will the items be?",
                        options="front | At the front of the property\nside | By the side gate\n"
                        "other | Somewhere else",
                    ),
                    _f("where_other", "text", "Where exactly?", max_length=200),
                ],
            },
            {
                "key": "payment",
                "title": "Payment",
                "fields": [
                    _f(
                        "payment_note",
                        "content",
                        "How you pay",
                        content="We will text or email you a secure payment link once we have "
                        "checked your booking. The collection is booked when you have paid.",
                    ),
                    _f("cost", "hidden", "Cost (£)"),
                    _f(
                        "concession",
                        "yes_no",
                        "Do you get Council Tax Support?",
                        hint="People who get Council Tax Support pay half.",
                    ),
                ],
            },
            CONTACT_PAGE,
        ],
        "rules": [
            {
                "name": "Count the items",
                "conditions": [],
                "actions": [{"kind": "set_value", "field": "item_count", "value": "{items}"}],
            },
            {
                "name": "Price",
                "conditions": [],
                "actions": [{"kind": "set_value", "field": "cost", "value": "{items} * 15"}],
            },
            {
                "name": "Somewhere else",
                "conditions": [
                    {"group": 1, "field": "where_left", "operator": "equals", "value": "other"}
                ],
                "actions": [{"kind": "show_field", "field": "where_other"}],
            },
        ],
    },
    {
        "slug": "report-fly-tipping",
        "name": "Report fly-tipping",
        "area": "Waste Management",
        "process_code": "fly-tipping",
        "portals": ["citizen", "contact-centre"],
        "description": "Tell us about rubbish dumped on public land. Do not touch anything "
        "that could be hazardous, such as drums, needles or asbestos.",
        "confirmation_text": "We aim to clear fly-tipping within 5 working days.",
        "pages": [
            {
                "key": "location",
                "title": "Where is it?",
                "fields": [
                    _f(
                        "location",
                        "address",
                        "Nearest address",
                        hint="The address it is in front of or closest to.",
                    ),
                    _f(
                        "location_detail",
                        "textarea",
                        "Describe the exact spot",
                        required=False,
                        max_length=500,
                        hint="For example, behind the bus shelter",
                    ),
                ],
            },
            {
                "key": "what",
                "title": "What has been dumped?",
                "fields": [
                    _f(
                        "waste_types",
                        "checkboxes",
                        "What kind of waste is it?",
                        options="household | Household rubbish\nfurniture | Furniture\n"
                        "building | Building materials\ngarden | Garden waste\n"
                        "chemicals | Drums or chemicals\nother | Something else",
                    ),
                    _f(
                        "amount",
                        "radios",
                        "How much is there?",
                        options="bag | A bag or two\ncar | A car boot load\n"
                        "van | A van load or more",
                    ),
                    _yes_no(
                        "hazardous",
                        "Is it hazardous?",
                        hint="For example: asbestos, needles, chemicals, gas bottles.",
                    ),
                    _f("hazard_detail", "textarea", "What is hazardous about it?", max_length=500),
                ],
            },
            {
                "key": "photo",
                "title": "Photos",
                "fields": [
                    _f(
                        "photos",
                        "file",
                        "Add photos",
                        required=False,
                        max_items=3,
                        file_types="jpg, png, heic",
                        max_file_mb=10,
                        hint="Photos help the crew find it and bring the right vehicle.",
                    ),
                ],
            },
            CONTACT_PAGE,
        ],
        "rules": [
            {
                "name": "Hazardous waste",
                "conditions": [
                    {"group": 1, "field": "hazardous", "operator": "equals", "value": "yes"}
                ],
                "actions": [{"kind": "show_field", "field": "hazard_detail"}],
            },
        ],
    },
    {
        "slug": "council-tax-moving",
        "name": "Council Tax: tell us you are moving",
        "area": "Council Tax",
        "process_code": "ctax-change-of-address",
        "portals": ["citizen", "contact-centre", "reception"],
        "description": "Tell us you are moving home so we can close or move your Council Tax "
        "account. You will need your moving date and new address.",
        "pages": [
            {
                "key": "move",
                "title": "Your move",
                "fields": [
                    _f(
                        "moving_date",
                        "date",
                        "Date you move",
                        date_after="today-90",
                        date_before="today+90",
                        date_error="The moving date must be within 90 days of today",
                    ),
                    _yes_no("staying_in_area", "Is your new home in the borough?"),
                    _f("new_address", "address", "Your new address"),
                ],
            },
            {
                "key": "others",
                "title": "Anyone else",
                "fields": [
                    _yes_no(
                        "others_moving",
                        "Is anyone else moving with you?",
                        required_error="Select yes if anyone else is moving with you",
                    )
                ],
            },
            {
                "key": "who_else",
                "title": "Who else is moving",
                "fields": [
                    _f(
                        "others",
                        "repeating",
                        "People moving with you",
                        max_items=8,
                        children=[
                            _f("other_name", "text", "Full name", max_length=150),
                            _f("other_over_18", "yes_no", "Are they 18 or over?"),
                        ],
                    ),
                ],
            },
            {
                "key": "ni",
                "title": "Identity",
                "fields": [
                    _f(
                        "ni_number",
                        "ni_number",
                        "National Insurance number",
                        required=False,
                        hint="It’s on your payslip or letters about tax or benefits.",
                    ),
                ],
            },
            CONTACT_PAGE,
        ],
        "rules": [
            {
                "name": "Others moving",
                "conditions": [
                    {"group": 1, "field": "others_moving", "operator": "equals", "value": "yes"}
                ],
                "actions": [{"kind": "show_page", "page": "who_else"}],
            },
        ],
    },
    {
        "slug": "garden-waste",
        "name": "Subscribe to garden waste collections",
        "area": "Waste Management",
        "process_code": "",
        "portals": ["citizen", "contact-centre"],
        "description": "Fortnightly garden waste collections from April to November. £45 a "
        "bin for the year.",
        "submission_retention_days": 400,
        "pages": [
            {
                "key": "bins",
                "title": "Your bins",
                "fields": [
                    _f("address", "address", "Collection address", prefill="citizen.address"),
                    _f(
                        "bins",
                        "number",
                        "How many garden waste bins?",
                        min_value="1",
                        max_value="4",
                        range_error="You can have between 1 and 4 bins",
                    ),
                    _f(
                        "start",
                        "select",
                        "When should collections start?",
                        options="april | April\nmay | May\njune | June\njuly | July",
                    ),
                    _f(
                        "cost",
                        "money",
                        "Cost for the year",
                        required=False,
                        hint="Worked out for you.",
                    ),
                ],
            },
            {
                "key": "declare",
                "title": "Declaration",
                "fields": [
                    _f(
                        "declaration",
                        "declaration",
                        "Declaration",
                        content="The bins will only contain garden waste, and I will put them "
                        "out by 7am on collection day.",
                    ),
                ],
            },
            CONTACT_PAGE,
        ],
        "rules": [
            {
                "name": "Cost",
                "conditions": [{"group": 1, "field": "bins", "operator": "answered", "value": ""}],
                "actions": [{"kind": "set_value", "field": "cost", "value": "{bins} * 45"}],
            },
        ],
    },
    {
        "slug": "taxi-licence-renewal",
        "name": "Taxi driver licence renewal (staff only)",
        "area": "Licensing",
        "process_code": "taxi-licence-renewal",
        "portals": ["contact-centre", "reception"],
        "description": "For licensing and reception staff taking a renewal in person.",
        "pages": [
            {
                "key": "licence",
                "title": "Licence",
                "fields": [
                    _f("driver", "name", "Driver's name", prefill="citizen.name"),
                    _f(
                        "licence_number",
                        "text",
                        "Licence number",
                        pattern=r"TX\d{5}",
                        pattern_error="A licence number is TX and 5 digits, like TX01234",
                    ),
                    _f("expiry", "date", "Current licence expires on"),
                    _f("ni_number", "ni_number", "National Insurance number"),
                    _f("appointment", "time", "Medical appointment time", required=False),
                ],
            },
            {
                "key": "checks",
                "title": "Checks",
                "fields": [
                    _yes_no(
                        "convictions",
                        "Any convictions since the last licence?",
                        required_error="Select yes if the driver has any new convictions",
                    ),
                    _f("conviction_detail", "textarea", "Give details", max_length=1000),
                    _f("dbs", "file", "DBS certificate", file_types="pdf, jpg, png", max_items=2),
                    _f("fee", "money", "Fee taken", min_value="0", max_value="500"),
                ],
            },
        ],
        "rules": [
            {
                "name": "Convictions",
                "conditions": [
                    {"group": 1, "field": "convictions", "operator": "equals", "value": "yes"}
                ],
                "actions": [
                    {"kind": "show_field", "field": "conviction_detail"},
                    {"kind": "require", "field": "conviction_detail"},
                ],
            },
        ],
    },
]


def _demo_value(fd, citizen, now):
    """A plausible answer for a demo draft's completed pages."""
    kind = fd.kind
    if kind in ("text", "textarea"):
        return {"item": "Sofa", "other_name": "Sam Example"}.get(fd.key, "See notes")
    if kind == "number":
        return str(fd.min_value or 1).split(".")[0]
    if kind == "money":
        return f"{fd.min_value or 45:.2f}"
    if kind == "date":
        return (now.date() + timedelta(days=7)).isoformat()
    if kind == "time":
        return "10:00"
    if kind in ("radios", "select", "yes_no"):
        return "no" if kind == "yes_no" else fd.options[0].value
    if kind == "checkboxes":
        return [fd.options[0].value]
    if kind == "declaration":
        return True
    if kind == "ni_number":
        return "QQ123456C"
    if kind == "name":
        return {"title": "", "first": citizen.first_name, "last": citizen.last_name}
    if kind == "email":
        return f"{citizen.reference.lower()}@example.com"
    if kind == "address":
        return {
            "line_1": "1 High Street",
            "line_2": "",
            "town": "",
            "postcode": "SW1A 1AA",
            "uprn": "",
        }
    if kind == "repeating":
        return [{c.key: _demo_value(c, citizen, now) for c in fd.children if c.has_answer}]
    return None


def demo_specs():
    areas = {a.name: a for a in ServiceArea.objects.all()}
    specs = []
    for spec in SPECS:
        area = areas.get(spec["area"])
        if area is None:
            continue
        specs.append({**spec, "service_area": area})
    return specs


def seed(ctx):
    admin = ctx.staff.get("admin")
    forms = [form_create_from_spec(actor=admin, spec=spec) for spec in demo_specs()]
    # Drafts stopped at different pages for some demo citizens, by residents and by staff.
    citizens = list(Citizen.objects.filter(status="active").order_by("pk")[:40])
    agent = ctx.staff.get("agent")
    now = timezone.now()
    rows = []
    for index, citizen in enumerate(citizens[:30]):
        form = forms[index % len(forms)]
        definition = definition_for(form.current_version)
        by_staff = index % 3 == 0
        answers = prefill_answers(definition, citizen=citizen)
        state = evaluate(definition, answers)
        stop = min(1 + index % max(1, len(state.route) - 1), len(state.route) - 1)
        for key in state.route[:stop]:
            for fd in definition.page(key).fields:
                wanted = fd.has_answer and fd.kind not in ("hidden", "file")
                if wanted and fd.key not in answers and state.field_required(fd):
                    answers[fd.key] = _demo_value(fd, citizen, now)
        state = evaluate(definition, answers)
        answers.update({k: v for k, v in state.values.items() if v is not None})
        saved = now - timedelta(days=index % 20, hours=index)
        rows.append(
            Submission(
                form=form,
                version=form.current_version,
                via=Submission.Via.STAFF if by_staff else Submission.Via.PUBLIC,
                citizen=citizen,
                answers=answers,
                current_page=state.route[stop],
                pages_done=state.route[:stop],
                started_by=agent if by_staff else None,
                last_saved_by=agent if by_staff else None,
                last_saved_at=saved,
                expires_at=saved + timedelta(days=form.draft_retention_days),
                applicant_name=f"{citizen.first_name} {citizen.last_name}",
            )
        )
    Submission.objects.bulk_create(rows)
    ctx.log(f"  forms: {len(forms)} published forms, {len(rows)} drafts in progress")
