"""Staff filling on a citizen's behalf from the record, continuing a resident's draft at the
exact page, portals and the narrow Partner role."""

import re

import pytest
from django.test import Client, RequestFactory

from accounts.models import Role
from forms_engine.models import Submission
from tests.factories import (
    AddressFactory,
    CitizenFactory,
    ContactFactory,
    EmailAddressFactory,
    StaffFactory,
)
from tests.factories.forms_engine import field, page, portal, published_form
from tests.forms_engine.helpers import fill_pages, fly_tipping_form

pytestmark = pytest.mark.django_db
SLUG = "report-fly-tipping"


@pytest.fixture
def pat(db):
    person = CitizenFactory(first_name="Pat", middle_names="", last_name="Resident")
    EmailAddressFactory(citizen=person, email="pat@example.com")
    AddressFactory(citizen=person, line_1="7 Mill Lane", postcode="SW1A 2AA")
    return person


def test_agent_fills_a_form_from_the_record_prefilled_and_owned_by_the_citizen(
    agent_client, agent, pat, reference_data
):
    fly_tipping_form()
    contact = ContactFactory(agent=agent, citizen=pat)
    record = agent_client.get(pat.get_absolute_url())
    assert 'data-testid="forms-panel"' in record.text
    assert '<option value="report-fly-tipping">Report fly-tipping</option>' in record.text

    started = agent_client.post("/portals/start/", {"form_slug": SLUG, "citizen": pat.pk})
    draft = Submission.objects.get()
    assert started["Location"] == f"/portals/submissions/{draft.pk}/location/"
    assert (draft.citizen, draft.started_by, draft.contact, draft.via) == (
        pat,
        agent,
        contact,
        "staff",
    )
    assert draft.channel == contact.channel
    assert draft.answers["full_name"] == {"title": "", "first": "Pat", "last": "Resident"}
    assert draft.answers["email"] == "pat@example.com"

    page_ = agent_client.get(started["Location"])
    assert "Filling in for" in page_.text
    assert pat.reference in page_.text
    for key in ("location", "what", "photo"):
        from tests.forms_engine.helpers import PAGE_ANSWERS

        response = agent_client.post(f"/portals/submissions/{draft.pk}/{key}/", PAGE_ANSWERS[key])
        assert response.status_code == 302
    details = agent_client.get(f"/portals/submissions/{draft.pk}/your_details/")
    assert 'value="Pat"' in details.text
    assert 'value="pat@example.com"' in details.text
    agent_client.post(
        f"/portals/submissions/{draft.pk}/your_details/",
        {"full_name-first": "Pat", "full_name-last": "Resident", "email": "pat@example.com"},
    )
    done = agent_client.post(f"/portals/submissions/{draft.pk}/check/")
    assert done["Location"] == f"/portals/submissions/{draft.pk}/done/"
    draft.refresh_from_db()
    assert draft.submitted_by == agent
    assert draft.request.originating_contact == contact
    assert draft.request.channel == contact.channel
    record = agent_client.get(pat.get_absolute_url())
    assert draft.reference in record.text
    assert draft.request.reference in record.text


def test_agent_continues_a_residents_draft_at_the_exact_page(client, agent, pat, reference_data):
    fly_tipping_form()
    resident = Client()
    fill_pages(resident, SLUG, pages=("location",))
    resident.post(f"/forms/{SLUG}/what/", {"amount": "van", "_save_later": "1"})
    draft = Submission.objects.get()
    draft.citizen = pat  # linked (by the matcher or by hand)
    draft.save()

    client.force_login(agent)
    record = client.get(pat.get_absolute_url())
    panel = re.search(r'data-testid="forms-in-progress".*?</table>', record.text, re.S).group(0)
    assert "What has been dumped?" in panel
    assert "page 2 of 4" in panel
    assert "by the citizen online" in panel
    cont = client.get(f"/portals/submissions/{draft.pk}/")
    assert cont["Location"] == f"/portals/submissions/{draft.pk}/what/"
    page_ = client.get(cont["Location"])
    assert 'value="van" checked' in page_.text
    client.post(cont["Location"], {"amount": "van", "hazardous": "no"})
    draft.refresh_from_db()
    assert draft.last_saved_by == agent
    assert draft.started_by is None
    record = client.get(pat.get_absolute_url())
    assert f"by {agent}" in record.text


def test_staff_may_fill_staff_only_forms_but_residents_may_not(agent_client, reference_data):
    fly_tipping_form(portals=("contact-centre",), slug="internal", process=False)
    index = agent_client.get("/portals/")
    assert "Contact centre – internal" in index.text
    started = agent_client.post("/portals/start/internal/")
    assert started.status_code == 302
    assert Client().get("/forms/internal/").status_code == 404


def test_a_partner_reaches_only_its_portals_forms(client, reference_data):
    partner_user = StaffFactory(username="foodbank", role=Role.PARTNER)
    mine = portal("partner")
    mine.members.add(partner_user)
    published_form(slug="referral", portals=("partner",), pages=[page("one", field("x"))])
    published_form(slug="other-partner", portals=("elsewhere",), pages=[page("one", field("x"))])
    published_form(slug="internal", portals=("contact-centre",), pages=[page("one", field("x"))])
    client.force_login(partner_user)
    index = client.get("/portals/")
    assert "Partner portal" in index.text
    assert "Contact centre" not in index.text
    assert client.post("/portals/start/referral/").status_code == 302
    assert client.post("/portals/start/internal/").status_code == 404
    assert client.get("/portals/portal/contact-centre/").status_code == 404
    citizen = CitizenFactory()
    assert client.get(citizen.get_absolute_url()).status_code == 403
    assert client.get("/requests/").status_code == 403
    own = Submission.objects.get()
    assert client.get(f"/portals/submissions/{own.pk}/one/").status_code == 200
    someone_elses = Submission.objects.create(form=own.form, version=own.version)
    assert client.get(f"/portals/submissions/{someone_elses.pk}/one/").status_code == 403


def test_the_forms_panel_keeps_its_queries_whatever_the_number_of_forms(
    pat, django_assert_max_num_queries, reference_data
):
    from forms_engine.integrations import citizen_panel_context

    form = fly_tipping_form()
    for _ in range(3):
        Submission.objects.create(form=form, version=form.current_version, citizen=pat)

    request = RequestFactory().get("/")
    request.user = StaffFactory(username="counter", role=Role.AGENT)
    with django_assert_max_num_queries(8) as few:
        citizen_panel_context(request, pat)
    for _ in range(30):
        Submission.objects.create(form=form, version=form.current_version, citizen=pat)
    with django_assert_max_num_queries(len(few.captured_queries)):
        citizen_panel_context(request, pat)


def test_the_record_offers_a_changed_list_of_forms_on_the_next_view(agent_client, pat):
    """The forms staff may fill are kept per process (forms_engine.selectors.
    forms_fillable_held): a form renamed, taken offline or taken off the staff portal is
    offered accordingly on the very next record page."""
    form = published_form(
        pages=[page("what", field("what"))], slug="kept-form", name="Kept", portals=("staff",)
    )
    url = pat.get_absolute_url()
    assert '<option value="kept-form">Kept</option>' in agent_client.get(url).text
    form.name = "Renamed"
    form.save()
    assert '<option value="kept-form">Renamed</option>' in agent_client.get(url).text
    form.portals.remove(portal("staff"))
    assert 'value="kept-form"' not in agent_client.get(url).text
    form.portals.add(portal("staff"))
    assert 'value="kept-form"' in agent_client.get(url).text
    form.active = False
    form.save()
    assert 'value="kept-form"' not in agent_client.get(url).text
