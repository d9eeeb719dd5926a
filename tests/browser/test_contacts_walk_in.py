import pytest
from django.core.management import call_command

from accounts.models import Role
from contacts.models import Contact
from organisation.models import Location
from tests.browser.accessibility import assert_accessible
from tests.factories import StaffFactory
from tests.factories.citizens import CitizenFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reception_signposts_a_walk_in_and_the_visit_appears_in_history(signed_in_page):
    call_command("seed_reference", verbosity=0)
    desk = Location.objects.get(name="Main reception, Civic Centre")
    receptionist = StaffFactory(username="browser-reception", role=Role.RECEPTION)
    receptionist.usual_location = desk
    receptionist.save()
    CitizenFactory(first_name="Grace", last_name="Adeyemi", middle_names="")
    page = signed_in_page(receptionist)

    # A walk-in: the visit starts before the visitor says who they are.
    page.get_by_role("link", name="Start a contact").click()
    page.get_by_label("Channel").select_option(label="Face to face")
    assert page.get_by_label("Location").input_value() == str(desk.pk)
    page.get_by_role("button", name="Start contact").click()
    bar = page.get_by_test_id("active-contact-bar")
    assert "Face to face contact with an anonymous caller" in " ".join(bar.inner_text().split())
    assert_accessible(page)

    # They give their name: find them and add them to the visit.
    page.get_by_label("Find the citizen").fill("Grace Adeyemi")
    page.get_by_role("button", name="Search", exact=True).click()
    candidates = page.get_by_test_id("caller-candidates")
    assert "Grace Adeyemi" in candidates.inner_text()
    candidates.get_by_role("button", name="This is the caller").click()
    assert page.get_by_test_id("citizen-name").inner_text().startswith("Grace Adeyemi")
    assert page.get_by_test_id("active-contact-citizen").inner_text() == "Grace Adeyemi"

    # End the visit: signposted to Citizens Advice.
    page.get_by_test_id("end-contact-link").click()
    page.get_by_role("button", name="End contact").click()
    summary = page.locator(".govuk-error-summary")
    assert "Select the service area the contact was about." in summary.inner_text()
    assert_accessible(page)
    page.get_by_label("Service area").select_option(label="Benefits")
    # The contact types follow the area (htmx) before the agent picks one.
    page.wait_for_function(
        "() => document.querySelectorAll('#id_contact_type optgroup').length === 1"
    )
    page.get_by_label("Contact type").select_option(label="Payment enquiry")
    page.get_by_label("Signposted").check()
    page.get_by_role("group", name="Was the contact avoidable?").get_by_label("No").check()
    page.get_by_role("group", name="Was it resolved during this contact?").get_by_label(
        "Yes"
    ).check()
    page.get_by_label("Citizens Advice").check()
    page.get_by_label("Notes (optional)").fill("Debt worries; given Citizens Advice leaflet.")
    page.get_by_role("button", name="End contact").click()

    assert "Contact with Grace Adeyemi ended: Signposted." in page.content()
    panel = page.get_by_test_id("citizen-contacts-panel")
    assert "Payment enquiry" in panel.inner_text()
    assert "Signposted" in panel.inner_text()

    # And it is in the staff-wide history.
    page.get_by_role("link", name="Contact history", exact=True).click()
    history = page.get_by_test_id("contact-history")
    assert "Grace Adeyemi" in history.inner_text()
    assert "Face to face" in history.inner_text()
    assert_accessible(page)

    contact = Contact.objects.get(agent=receptionist)
    assert contact.status == Contact.Status.ENDED
    assert contact.location == desk
    assert [p.name for p in contact.partners.all()] == ["Citizens Advice"]
    assert contact.resolved_at_first_contact is True
    assert contact.avoidable is False
