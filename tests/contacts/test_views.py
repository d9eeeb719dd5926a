from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.services import ACTIVE_CONTACT_SESSION_KEY
from contacts.models import Channel, Contact
from contacts.services import contact_start
from tests.contacts.conftest import new_citizen
from tests.factories import PhoneNumberFactory, StaffFactory
from tests.factories.contacts import ContactFactory

pytestmark = pytest.mark.django_db


def end_data(ref, **changes):
    data = {
        "service_area": ref.waste.pk,
        "contact_type": ref.missed_bin.pk,
        "outcome": ref.resolved.pk,
        "avoidable": "no",
        "resolved_at_first_contact": "yes",
        "notes": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- start ---------------------------------------------------------------------------------------


def test_start_form_defaults_to_the_location_of_the_last_contact(agent_client, agent, ref):
    ContactFactory(agent=agent, channel=ref.phone, location=ref.reception, ended=True)
    response = agent_client.get(reverse("contacts:start"))
    assert response.status_code == 200
    assert response.context["form"].initial["location"] == ref.reception.pk


def test_staff_are_not_offered_the_channels_residents_use_on_their_own(agent_client, ref):
    from forms_engine.reference import online_form_channel
    from open311.reference import seed as open311_seed

    online_form_channel()
    open311_seed()
    offered = list(
        agent_client.get(reverse("contacts:start")).context["form"].fields["channel"].queryset
    )
    codes = {c.code for c in offered}
    assert "phone" in codes
    assert "online_form" not in codes
    assert "open311" not in codes
    assert Channel.objects.get(code="online_form").self_service
    # Asking for one by name does not bring it back, and posting it is refused.
    response = agent_client.get(reverse("contacts:start") + "?channel=online_form")
    assert response.context["form"].initial["channel"] != Channel.objects.get(code="online_form")
    posted = agent_client.post(
        reverse("contacts:start"),
        {"channel": Channel.objects.get(code="online_form").pk, "location": ref.reception.pk},
    )
    assert posted.status_code == 200
    assert "Select one of the channels in the list." in posted.text
    assert not Contact.objects.exists()


def test_start_form_defaults_to_the_usual_location_without_history(agent_client, agent, ref):
    agent.usual_location = ref.contact_centre
    agent.save()
    response = agent_client.get(reverse("contacts:start") + "?channel=face_to_face")
    initial = response.context["form"].initial
    assert initial["location"] == ref.contact_centre.pk
    assert initial["channel"] == ref.face_to_face


def test_start_contact_with_citizen_stores_it_in_the_session(agent_client, agent, ref):
    citizen = new_citizen()
    response = agent_client.post(
        reverse("contacts:start"),
        {"citizen": citizen.pk, "channel": ref.phone.pk, "location": ref.contact_centre.pk},
    )
    contact = Contact.objects.get(agent=agent)
    assert response.status_code == 302
    assert contact.citizen == citizen
    assert contact.is_open
    assert agent_client.session[ACTIVE_CONTACT_SESSION_KEY] == contact.pk


def test_start_contact_shows_the_citizens_prompts(agent_client, ref):
    citizen = new_citizen()  # no email, no mobile
    response = agent_client.post(
        reverse("contacts:start"),
        {"citizen": citizen.pk, "channel": ref.phone.pk, "location": ref.contact_centre.pk},
        follow=True,
    )
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == citizen.get_absolute_url()
    assert "No email address" in body
    assert "No mobile number" in body
    assert "End contact" in body


def test_registered_prompt_providers_are_shown(agent, ref):
    from contacts import extensions
    from contacts.selectors import contact_prompts

    def at_risk(*, citizen, staff):
        return [extensions.Prompt(text="1 open request is close to its deadline", level="warning")]

    extensions.register_prompt_provider(at_risk)
    try:
        texts = [p.text for p in contact_prompts(citizen=new_citizen(), staff=agent)]
    finally:
        extensions._PROMPT_PROVIDERS.remove(at_risk)
    assert "1 open request is close to its deadline" in texts


def test_start_anonymous_contact_goes_to_the_contact_page(agent_client, agent, ref):
    response = agent_client.post(
        reverse("contacts:start"), {"channel": ref.phone.pk, "location": ref.contact_centre.pk}
    )
    contact = Contact.objects.get(agent=agent)
    assert contact.citizen is None
    assert response.url == contact.get_absolute_url()


def test_start_contact_requires_a_location(agent_client, ref):
    response = agent_client.post(reverse("contacts:start"), {"channel": ref.phone.pk})
    assert response.status_code == 200
    assert "Select where you are taking this contact." in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    assert not Contact.objects.exists()


def test_start_contact_with_nonsense_input_does_not_crash(agent_client, ref):
    response = agent_client.post(
        reverse("contacts:start"), {"channel": "abc", "location": "99999"}
    )
    assert response.status_code == 200
    assert "Select one of the locations in the list." in response.content.decode()
    assert agent_client.get(reverse("contacts:start") + "?citizen=xyz").status_code == 404


def test_second_start_is_refused_with_a_link_to_the_open_contact(client, ref):
    staff = StaffFactory(role=Role.RECEPTION)
    client.force_login(staff)
    first = contact_start(actor=staff, channel=ref.face_to_face, location=ref.reception)
    response = client.post(
        reverse("contacts:start"),
        {"channel": ref.face_to_face.pk, "location": ref.reception.pk},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == first.get_absolute_url()
    body = response.content.decode()
    assert "You already have a contact in progress" in body
    assert Contact.objects.filter(agent=staff).count() == 1
    # The start page itself warns and links to the open contact.
    page = client.get(reverse("contacts:start")).content.decode()
    assert first.get_absolute_url() in page
    assert "End that contact" in page


# --- the active-contact bar ----------------------------------------------------------------------


def test_active_contact_bar_shows_the_open_contact_on_every_page(agent_client, agent, ref):
    citizen = new_citizen(first_name="Priya", last_name="Shah")
    contact_start(actor=agent, channel=ref.phone, location=ref.contact_centre, citizen=citizen)
    body = agent_client.get(reverse("home:home")).content.decode()
    assert 'data-testid="active-contact-bar"' in body
    assert "Priya Shah" in body
    assert "End contact" in body
    assert "Contact centre" in body


def test_active_contact_bar_costs_one_query_and_one_more_in_a_contact(
    agent_client, agent, ref, django_assert_num_queries, rf
):
    """One query for the contact (or contacts to complete); during a contact one more for the
    services verified in it."""
    from django.template import Context, Template

    template = Template('{% include "contacts/_active_contact_bar.html" %}')

    def request_():
        request = rf.get("/")
        request.user = agent
        request.session = {}
        return request

    idle = request_()
    with django_assert_num_queries(1):
        template.render(Context({"request": idle}))
    contact_start(actor=agent, channel=ref.phone, location=ref.contact_centre)
    request = request_()
    with django_assert_num_queries(2):
        html = template.render(Context({"request": request}))
        template.render(Context({"request": request}))  # a second use is free
    assert "an anonymous caller" in html
    assert request.session[ACTIVE_CONTACT_SESSION_KEY]


def test_active_bar_is_empty_without_an_open_contact(agent_client):
    body = agent_client.get(reverse("home:home")).content.decode()
    assert 'id="active-contact-bar"' in body
    assert "In progress" not in body


def test_active_bar_lists_contacts_to_complete(agent_client, agent, ref):
    ContactFactory(
        agent=agent,
        channel=ref.phone,
        location=ref.contact_centre,
        status=Contact.Status.AUTO_CLOSED,
        started_at=timezone.now() - timedelta(hours=3),
        ended_at=timezone.now(),
        needs_review=True,
    )
    body = agent_client.get(reverse("home:home")).content.decode()
    assert "1 contact was closed without an outcome" in body


# --- identify the caller -------------------------------------------------------------------------


def test_attach_caller_to_anonymous_contact(agent_client, agent, ref):
    contact = contact_start(actor=agent, channel=ref.phone, location=ref.contact_centre)
    citizen = new_citizen(last_name="Okafor")
    page = agent_client.get(contact.get_absolute_url() + "?q=okafor").content.decode()
    assert "This is the caller" in page
    response = agent_client.post(
        reverse("contacts:attach", args=[contact.pk]), {"citizen": citizen.pk}
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.citizen == citizen


def test_attach_someone_elses_contact_is_forbidden(client, agent, ref):
    contact = contact_start(actor=agent, channel=ref.phone, location=ref.contact_centre)
    other = StaffFactory(role=Role.AGENT)
    client.force_login(other)
    response = client.post(
        reverse("contacts:attach", args=[contact.pk]), {"citizen": new_citizen().pk}
    )
    assert response.status_code == 403


# --- end -----------------------------------------------------------------------------------------


def test_end_contact_with_an_outcome(agent_client, agent, ref):
    contact = contact_start(actor=agent, channel=ref.phone, location=ref.contact_centre)
    data = end_data(ref, partners=[ref.citizens_advice.pk], outcome=ref.signposted.pk)
    response = agent_client.post(reverse("contacts:end", args=[contact.pk]), data)
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.status == Contact.Status.ENDED
    assert contact.outcome == ref.signposted
    assert list(contact.partners.all()) == [ref.citizens_advice]
    assert ACTIVE_CONTACT_SESSION_KEY not in agent_client.session


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("service_area", "Select the service area the contact was about."),
        ("contact_type", "Select what the contact was about."),
        ("outcome", "Select the outcome of the contact."),
        ("avoidable", "Select yes if the contact was avoidable, or no."),
        ("resolved_at_first_contact", "Select yes if the query was resolved during the contact."),
    ],
)
def test_end_contact_says_what_is_missing(agent_client, agent, ref, missing, message):
    contact = contact_start(actor=agent, channel=ref.phone, location=ref.contact_centre)
    response = agent_client.post(
        reverse("contacts:end", args=[contact.pk]), end_data(ref, **{missing: None})
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert message in body
    contact.refresh_from_db()
    assert contact.is_open


def test_end_contact_requires_a_reason_when_avoidable(agent_client, agent, ref):
    contact = contact_start(actor=agent, channel=ref.phone, location=ref.contact_centre)
    response = agent_client.post(
        reverse("contacts:end", args=[contact.pk]), end_data(ref, avoidable="yes")
    )
    assert "Select why the contact was avoidable." in response.content.decode()


def test_end_contact_refuses_a_contact_type_from_another_area(agent_client, agent, ref):
    contact = contact_start(actor=agent, channel=ref.phone, location=ref.contact_centre)
    response = agent_client.post(
        reverse("contacts:end", args=[contact.pk]), end_data(ref, contact_type=ref.balance.pk)
    )
    body = response.content.decode()
    assert "“Balance enquiry” is not a contact type of Waste Management." in body
    contact.refresh_from_db()
    assert contact.is_open


def test_end_someone_elses_contact_is_forbidden(client, agent, ref):
    contact = contact_start(actor=agent, channel=ref.phone, location=ref.contact_centre)
    client.force_login(StaffFactory(role=Role.TEAM_LEADER))
    response = client.post(reverse("contacts:end", args=[contact.pk]), end_data(ref))
    assert response.status_code == 403


def test_not_recorded_outcome_is_not_offered_to_agents(agent_client, agent, ref):
    contact = contact_start(actor=agent, channel=ref.phone, location=ref.contact_centre)
    body = agent_client.get(contact.get_absolute_url()).content.decode()
    assert "Signposted" in body
    assert "Not recorded" not in body
    response = agent_client.post(
        reverse("contacts:end", args=[contact.pk]), end_data(ref, outcome=ref.not_recorded.pk)
    )
    assert "Select one of the outcomes in the list." in response.content.decode()


# --- dependent contact types ---------------------------------------------------------------------


def test_contact_types_follow_the_service_area(agent_client, ref):
    response = agent_client.get(
        reverse("contacts:contact_type_options"),
        {"service_area": ref.council_tax.pk},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert "Balance enquiry" in body
    assert "Missed bin" not in body
    assert 'id="id_contact_type"' in body


def test_without_a_service_area_every_contact_type_is_offered_grouped(agent_client, agent, ref):
    contact = contact_start(actor=agent, channel=ref.phone, location=ref.contact_centre)
    body = agent_client.get(contact.get_absolute_url()).content.decode()
    assert '<optgroup label="Waste Management">' in body
    assert '<optgroup label="Council Tax">' in body
    assert 'hx-get="/contacts/contact-types/"' in body


def test_contact_types_kept_per_process_follow_changes(
    agent_client, ref, django_capture_on_commit_callbacks
):
    """The types are kept per process (core.refcache): a change shows on the next request."""

    def options():
        return agent_client.get(
            reverse("contacts:contact_type_options"),
            {"service_area": ref.council_tax.pk},
            HTTP_HX_REQUEST="true",
        ).content.decode()

    assert "Balance enquiry" in options()
    with django_capture_on_commit_callbacks(execute=True):
        ref.balance.name = "Balance question"
        ref.balance.save()
    assert "Balance question" in options()
    with django_capture_on_commit_callbacks(execute=True):
        ref.balance.active = False
        ref.balance.save()
    assert "Balance question" not in options()
    with django_capture_on_commit_callbacks(execute=True):
        ref.council_tax.name = "Council Tax and Benefits"
        ref.council_tax.save()
    assert '<optgroup label="Council Tax and Benefits">' in options()


def test_contact_type_options_survive_bad_input(agent_client, ref):
    response = agent_client.get(reverse("contacts:contact_type_options"), {"service_area": "x"})
    assert response.status_code == 200


# --- auto-closed contacts to complete ------------------------------------------------------------


def test_agent_sees_and_completes_contacts_closed_by_the_job(agent_client, agent, ref):
    from contacts.services import contact_close_abandoned

    contact = ContactFactory(
        agent=agent,
        channel=ref.phone,
        location=ref.contact_centre,
        started_at=timezone.now() - timedelta(days=1),
    )
    contact_close_abandoned()
    body = agent_client.get(reverse("contacts:review")).content.decode()
    assert contact.get_absolute_url() in body
    page = agent_client.get(contact.get_absolute_url()).content.decode()
    assert "Complete the contact" in page
    agent_client.post(reverse("contacts:end", args=[contact.pk]), end_data(ref))
    contact.refresh_from_db()
    assert not contact.needs_review
    assert contact.outcome == ref.resolved
    assert (
        "You have no contacts to complete."
        in agent_client.get(reverse("contacts:review")).content.decode()
    )


# --- screen pop ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", ["07700 900123", "+44 7700 900123", "(07700) 900-123", "447700900123"]
)
def test_screen_pop_with_one_match_opens_that_citizen(agent_client, ref, raw):
    citizen = new_citizen()
    PhoneNumberFactory(citizen=citizen, number="+447700900123")
    response = agent_client.get("/contacts/incoming", {"phone": raw})
    assert response.status_code == 302
    assert response.url == f"{citizen.get_absolute_url()}?channel=phone"
    page = agent_client.get(response.url).content.decode()
    assert 'data-testid="start-contact-form"' in page
    phone = Channel.objects.get(code="phone")
    assert f'<option value="{phone.pk}" selected>Phone</option>' in page


def test_screen_pop_with_several_matches_lists_them(agent_client):
    household = [new_citizen(last_name="Evans"), new_citizen(last_name="Evans")]
    for person in household:
        PhoneNumberFactory(citizen=person, number="+441632960001")
    response = agent_client.get("/contacts/incoming", {"phone": "01632 960001"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "2 citizens have this number" in body
    for person in household:
        assert f"citizen={person.pk}" in body


def test_screen_pop_with_no_match_offers_search_and_anonymous_contact(agent_client):
    response = agent_client.get("/contacts/incoming", {"phone": "01632 960999"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "No citizen has this number" in body
    assert "Start an anonymous phone contact" in body


def test_screen_pop_with_a_bad_number_does_not_crash(agent_client):
    response = agent_client.get("/contacts/incoming", {"phone": "not a number"})
    assert response.status_code == 200
    assert "is not a UK phone number" in response.content.decode()
    assert agent_client.get("/contacts/incoming").status_code == 200


# --- permissions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role_client", "can_start", "can_view", "can_report"),
    [
        (Role.AGENT, True, True, False),
        (Role.RECEPTION, True, True, False),
        (Role.SERVICE_OFFICER, False, True, False),
        (Role.TEAM_LEADER, True, True, True),
        (Role.ADMINISTRATOR, True, True, True),
    ],
    indirect=["role_client"],
)
def test_permissions_per_role(role_client, ref, can_start, can_view, can_report):
    def status(url):
        return role_client.get(url).status_code

    assert (status(reverse("contacts:start")) == 200) is can_start
    assert (status("/contacts/incoming?phone=01632960000") == 200) is can_start
    assert (status(reverse("contacts:history")) == 200) is can_view
    assert (status(reverse("reports:report", args=["contacts"])) == 200) is can_report
    if not can_report:
        assert status(reverse("reports:report", args=["contacts"])) == 403


def test_signed_out_users_are_sent_to_sign_in(client):
    response = client.get(reverse("contacts:history"))
    assert response.status_code == 302
    assert "/accounts/sign-in/" in response.url


# --- the citizen record's contacts panel ---------------------------------------------------------


def test_citizen_record_panel_lists_recent_contacts_and_offers_start(agent_client, ref):
    citizen = new_citizen()
    ContactFactory(ended=True, citizen=citizen, channel=ref.face_to_face, location=ref.reception)
    body = agent_client.get(citizen.get_absolute_url()).content.decode()
    assert 'data-testid="citizen-contacts-panel"' in body
    assert 'data-testid="start-contact-form"' in body
    assert "Face to face" in body


def test_citizen_record_panel_offers_to_add_the_caller_to_an_anonymous_contact(
    agent_client, agent, ref
):
    contact = contact_start(actor=agent, channel=ref.phone, location=ref.contact_centre)
    citizen = new_citizen()
    body = agent_client.get(citizen.get_absolute_url()).content.decode()
    assert reverse("contacts:attach", args=[contact.pk]) in body
    assert 'data-testid="start-contact-form"' not in body


def test_citizen_record_panel_warns_when_in_a_contact_with_someone_else(agent_client, agent, ref):
    contact_start(
        actor=agent, channel=ref.phone, location=ref.contact_centre, citizen=new_citizen()
    )
    body = agent_client.get(new_citizen().get_absolute_url()).content.decode()
    assert "before you start one with" in body


def test_citizen_record_panel_query_count_does_not_grow(
    agent_client, ref, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    citizen = new_citizen()
    ContactFactory(ended=True, citizen=citizen, channel=ref.phone, location=ref.contact_centre)
    with CaptureQueriesContext(connection) as few:
        agent_client.get(citizen.get_absolute_url())
    for _ in range(20):
        ContactFactory(ended=True, citizen=citizen, channel=ref.phone, location=ref.contact_centre)
    with django_assert_max_num_queries(len(few.captured_queries)):
        agent_client.get(citizen.get_absolute_url())


def _bar_on(client, url) -> str:
    """The contact bar as a page shows it (from its element to the end of its text)."""
    page = client.get(url).content.decode()
    return page[page.index('id="active-contact-bar"') :].split("</p>")[0]


def test_the_bar_comes_with_the_page_and_does_not_poll(agent_client, agent, ref):
    """The services verified in the contact are on the bar the page brings: no second
    request for the bar after every page, and no polling (it would count as activity)."""
    from tests.factories import ServiceAccountFactory
    from verification.models import VerificationAttempt

    citizen = new_citizen()
    contact = contact_start(
        actor=agent, channel=ref.phone, location=ref.contact_centre, citizen=citizen
    )
    account = ServiceAccountFactory(citizen=citizen)
    VerificationAttempt.objects.create(
        citizen=citizen, service_account=account, staff=agent, contact=contact, result="pass"
    )
    bar = _bar_on(agent_client, reverse("home:home"))
    assert "hx-" not in bar.split(">")[0]
    assert '<strong class="govuk-tag govuk-tag--blue">Council Tax</strong>' in bar


def test_contact_page_and_bar_show_services_verified_in_this_contact(agent_client, agent, ref):
    from tests.factories import ServiceAccountFactory
    from verification.models import VerificationAttempt

    citizen = new_citizen()
    contact = contact_start(
        actor=agent, channel=ref.phone, location=ref.contact_centre, citizen=citizen
    )
    account = ServiceAccountFactory(citizen=citizen)
    VerificationAttempt.objects.create(
        citizen=citizen, service_account=account, staff=agent, contact=contact, result="fail"
    )
    assert "Verified for" not in _bar_on(agent_client, reverse("home:home"))
    VerificationAttempt.objects.create(
        citizen=citizen, service_account=account, staff=agent, contact=contact, result="pass"
    )
    bar = _bar_on(agent_client, reverse("home:home"))
    assert "Verified for" in bar
    assert "Council Tax" in bar
    page = agent_client.get(contact.get_absolute_url()).content.decode()
    assert "Verification attempts" not in page  # shown as "Verified for", not as linked items
    assert '<strong class="govuk-tag govuk-tag--blue">Council Tax</strong>' in page


def test_contact_type_options_show_no_error_while_the_agent_is_choosing(agent_client, ref):
    response = agent_client.get(
        reverse("contacts:contact_type_options"),
        {"service_area": ref.waste.pk},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert "Missed bin" in body
    assert "govuk-error-message" not in body
