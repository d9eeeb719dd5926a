import datetime
import random

import pytest

from citizens.demo import demo_citizen, near_duplicate
from citizens.models import Citizen, MergeRecord, Note
from citizens.selectors import citizen_get, duplicate_candidates
from citizens.services import citizens_merge
from tests.factories import ServiceAccountFactory
from tests.factories.citizens import (
    AddressFactory,
    CitizenFactory,
    EmailAddressFactory,
    NoteFactory,
)
from verification.models import VerificationAttempt

pytestmark = pytest.mark.django_db
DOB = datetime.date(1975, 3, 2)


@pytest.mark.parametrize("seed", range(12))
def test_duplicate_check_catches_generated_near_duplicates(seed):
    rng = random.Random(seed)
    original = demo_citizen(
        reference=f"C{seed:07d}",
        title="",
        first_name="Margaret",
        middle_names="",
        last_name="Thompson",
        date_of_birth=DOB,
        preferred_channel="",
    )
    original.save()
    twin = near_duplicate(original, rng, "C9999999")
    found = duplicate_candidates(
        first_name=twin.first_name, last_name=twin.last_name, date_of_birth=twin.date_of_birth
    )
    assert [c.pk for c in found] == [original.pk]


def test_common_name_alone_is_not_a_duplicate():
    CitizenFactory(first_name="John", last_name="Smith", date_of_birth=DOB)
    AddressFactory(citizen__first_name="John", citizen__last_name="Smith", postcode="LS1 4AB")
    found = duplicate_candidates(
        first_name="John",
        last_name="Smith",
        date_of_birth=datetime.date(1990, 1, 1),
        postcode="M1 1AE",
    )
    assert found == []


def test_same_email_is_a_duplicate_with_reason():
    c = CitizenFactory()
    EmailAddressFactory(citizen=c, email="a.person@example.com")
    found = duplicate_candidates(last_name="Different", email="A.Person@example.com")
    assert found[0].pk == c.pk
    assert "Same email address" in found[0].match_reasons


def test_merge_moves_every_linked_record_and_keeps_a_pointer(team_leader, reference_data):
    from contacts.models import Channel, Contact
    from organisation.models import Location

    survivor = CitizenFactory()
    merged = CitizenFactory()
    AddressFactory(citizen=survivor)
    AddressFactory(citizen=merged, postcode="M1 1AE")
    EmailAddressFactory(citizen=merged)
    note = NoteFactory(citizen=merged)
    account = ServiceAccountFactory(citizen=merged)
    contact = Contact.objects.create(
        citizen=merged,
        agent=team_leader,
        channel=Channel.objects.first(),
        location=Location.objects.first(),
    )
    from audit.services import audit_record

    viewed = audit_record(actor=team_leader, action="view", obj=merged)

    record = citizens_merge(
        actor=team_leader, survivor=survivor, merged=merged, reason="Same person"
    )

    merged.refresh_from_db()
    assert merged.status == Citizen.Status.MERGED
    assert merged.merged_into == survivor
    assert Note.objects.get(pk=note.pk).citizen == survivor
    assert account.__class__.objects.get(pk=account.pk).citizen == survivor
    assert Contact.objects.get(pk=contact.pk).citizen == survivor
    assert survivor.addresses.count() == 2
    assert survivor.addresses.filter(is_current=True).count() == 1
    assert survivor.emails.count() == 1
    viewed.refresh_from_db()
    assert viewed.citizen_id == merged.pk  # the audit trail keeps what was actually viewed
    assert isinstance(record, MergeRecord)
    assert record.merged_by == team_leader
    assert record.moved["contacts.Contact.citizen"] == 1
    assert citizen_get(pk=merged.pk) == survivor


def test_merged_record_url_redirects_to_survivor(team_leader_client, team_leader):
    survivor, merged = CitizenFactory(), CitizenFactory()
    citizens_merge(actor=team_leader, survivor=survivor, merged=merged, reason="Same")
    response = team_leader_client.get(f"/citizens/{merged.pk}/", follow=True)
    assert response.redirect_chain[-1][0] == survivor.get_absolute_url()
    assert b"was merged into" in response.content


def test_merge_page_needs_permission_and_a_reason(client, agent, team_leader_client):
    from django.test import Client

    a, b = CitizenFactory(), CitizenFactory()
    agent_client = Client()
    agent_client.force_login(agent)
    assert agent_client.get(f"/citizens/{a.pk}/merge/{b.pk}/").status_code == 403
    response = team_leader_client.post(f"/citizens/{a.pk}/merge/{b.pk}/", {"survivor": a.pk})
    assert b"Say why these records are the same person" in response.content
    response = team_leader_client.post(
        f"/citizens/{a.pk}/merge/{b.pk}/", {"survivor": b.pk, "reason": "Same DOB and address"}
    )
    assert response.status_code == 302
    assert Citizen.objects.get(pk=a.pk).merged_into_id == b.pk
    assert VerificationAttempt.objects.count() == 0


@pytest.mark.parametrize(
    ("merged_line", "merged_uprn"),
    [("12 Mill Lane", "100023336956"), ("12, Mill lane", ""), ("12 MILL LANE", "100023336956")],
)
def test_after_a_merge_the_kept_record_does_not_list_its_own_address_as_previous(
    team_leader, team_leader_client, merged_line, merged_uprn
):
    survivor, merged = CitizenFactory(), CitizenFactory()
    AddressFactory(
        citizen=survivor, line_1="12 Mill Lane", postcode="LS6 2AA", uprn="100023336956"
    )
    AddressFactory(citizen=merged, line_1=merged_line, postcode="LS6 2AA", uprn=merged_uprn)
    AddressFactory(citizen=merged, line_1="3 Old Road", postcode="LS6 1AB", is_current=False)

    citizens_merge(actor=team_leader, survivor=survivor, merged=merged, reason="Same person")

    lines = sorted((a.line_1, a.is_current) for a in survivor.addresses.all())
    assert lines == [("12 Mill Lane", True), ("3 Old Road", False)]
    page = team_leader_client.get(survivor.get_absolute_url()).content.decode()
    # The details list (the call summary above it names the current address once too).
    details = page.split('<h2 class="govuk-heading-m">Details</h2>', 1)[1]
    assert details.count("Mill") == details.count("12 Mill Lane") == 1
