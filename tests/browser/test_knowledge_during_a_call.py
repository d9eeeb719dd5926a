import pytest

from accounts.models import Role
from faq.models import ArticleSend
from notifications.models import Message
from tests.browser.accessibility import assert_accessible
from tests.factories import (
    ContactFactory,
    OutcomeFactory,
    PhoneNumberFactory,
    ServiceAreaFactory,
    StaffFactory,
)
from tests.factories.citizens import CitizenFactory
from tests.factories.faq import ArticleFactory, DynamicBlockFactory
from tests.factories.verification import ServiceAccountFactory
from tests.faq.conftest import COUNCIL_TAX_SNAPSHOT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_finds_bulky_waste_answer_verifies_for_council_tax_and_texts_the_summary(
    page, signed_in_page
):
    waste = ServiceAreaFactory(name="Waste Management")
    ArticleFactory(
        title="Book a bulky waste collection",
        slug="bulky-waste",
        summary="Book online: up to 5 items for £35, collected in 10 working days.",
        body="We collect **large items** such as sofas and fridges.",
        service_area=waste,
    )
    ArticleFactory(title="Garden waste subscription", slug="garden-waste", service_area=waste)
    DynamicBlockFactory(
        name="Balance",
        text="The balance is ((balance)); next instalment on ((next_instalment_date)).",
    )
    OutcomeFactory(code="information_sent", name="Information sent")
    OutcomeFactory(code="resolved", name="Resolved")
    agent = StaffFactory(username="browser-agent", first_name="Alex", role=Role.AGENT)
    pat = CitizenFactory(first_name="Pat", middle_names="", last_name="Caller")
    PhoneNumberFactory(citizen=pat, number="+447700900321")
    ServiceAccountFactory(
        citizen=pat,
        reference="CT00012345",
        snapshot=dict(COUNCIL_TAX_SNAPSHOT),
        answers={
            "account_reference": "CT00012345",
            "property_postcode": "SW1A 1AA",
            "last_payment": "345.00",
        },
    )
    contact = ContactFactory(agent=agent, citizen=pat)  # Pat is on the phone

    signed_in_page(agent)
    page.goto(pat.get_absolute_url())
    account_info = page.get_by_test_id("dynamic-council_tax")
    assert "Verify the caller for council tax" in account_info.inner_text()
    assert "£1,234.50" not in account_info.inner_text()

    # Types "bulky" in the knowledge search: results appear as they type.
    page.get_by_label("Search FAQs and guidance").press_sequentially("bulky", delay=60)
    results = page.get_by_test_id("article-results")
    results.get_by_role("link", name="Book a bulky waste collection").click()
    assert (
        page.get_by_test_id("article-title")
        .inner_text()
        .startswith("Book a bulky waste collection")
    )
    assert "large items" in page.get_by_test_id("article-body").inner_text()
    assert_accessible(page)

    # Verifies Pat for council tax; the balance block unlocks on the record page.
    page.get_by_role("link", name="Back to Pat Caller").click()
    page.get_by_test_id("dynamic-council_tax").get_by_role(
        "link", name="Verify for council tax", exact=True
    ).click()
    page.get_by_label("Council tax account reference").fill("CT00012345")
    page.get_by_label("Postcode of the property").fill("SW1A 1AA")
    page.get_by_label("Amount of the last payment").fill("345")
    page.get_by_role("button", name="Check answers").click()
    block = page.get_by_test_id("dynamic-council_tax")
    assert "The balance is £1,234.50; next instalment on 1 December 2026." in block.inner_text()
    assert_accessible(page)

    # Opens the article again from the contact's list and texts the summary.
    page.get_by_test_id("contact-knowledge").get_by_role(
        "link", name="Book a bulky waste collection"
    ).click()
    send = page.get_by_test_id("send-form")
    send.get_by_label("Text message: the summary and a link").check()
    send.get_by_label("07700 900321 (mobile on record)").check()
    assert_accessible(page)
    send.get_by_role("button", name="Send").click()
    assert (
        "is on its way to Pat Caller by text message"
        in page.locator(".govuk-notification-banner").inner_text()
    )

    message = Message.objects.get()
    assert message.channel == "sms"
    assert message.recipient == "+447700900321"
    assert message.body.startswith("Book online: up to 5 items for £35")
    assert message.body.endswith("/help/bulky-waste/")
    assert ArticleSend.objects.get().contact_id == contact.pk

    # Ending the call: "Information sent" is already chosen.
    page.goto(contact.get_absolute_url())
    assert page.get_by_label("Information sent").is_checked()


def test_resident_searches_help_on_a_phone_and_reads_an_answer(browser, live_server):
    waste = ServiceAreaFactory(name="Waste Management", slug="waste-management")
    ArticleFactory(
        title="Book a bulky waste collection",
        slug="bulky-waste",
        summary="Book online: up to 5 items for £35.",
        body="## What it costs\n\nUp to **5 items** for £35.",
        internal_notes="Staff: refund if the crew missed it.",
        service_area=waste,
    )
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 800})
    phone = context.new_page()
    phone.goto("/help/")
    assert_accessible(phone)
    phone.get_by_label("Search help and advice").fill("bulkey")
    phone.get_by_role("button", name="Search").click()
    assert "Showing results for bulky" in phone.locator("main").inner_text()
    assert_accessible(phone)
    phone.get_by_role("link", name="Book a bulky waste collection").click()
    assert phone.get_by_test_id("article-title").inner_text() == "Book a bulky waste collection"
    assert "Staff: refund" not in phone.content()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing wider than the phone's screen
    assert_accessible(phone)
    context.close()
