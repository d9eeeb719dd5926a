"""Undoing a wrong merge gives back both records with what belonged to each."""

import pytest

from audit.models import AuditEvent
from citizens.models import (
    Address,
    Citizen,
    EmailAddress,
    MergeRecord,
    NotDuplicate,
    Note,
    PhoneNumber,
)
from citizens.services import UnmergeRefused, citizens_merge, citizens_unmerge
from tests.factories.citizens import (
    AddressFactory,
    CitizenFactory,
    EmailAddressFactory,
    NoteFactory,
    PhoneNumberFactory,
)
from tests.factories.verification import ServiceAccountFactory
from verification.models import ServiceAccount

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_people(team_leader, reference_data):
    from contacts.models import Channel, Contact
    from organisation.models import Location

    def one(postcode):
        c = CitizenFactory()
        owned = {
            "address": AddressFactory(citizen=c, postcode=postcode).pk,
            "email": EmailAddressFactory(citizen=c, is_primary=True).pk,
            "phone": PhoneNumberFactory(citizen=c, is_primary=True).pk,
            "note": NoteFactory(citizen=c).pk,
            "account": ServiceAccountFactory(citizen=c).pk,
            "contact": Contact.objects.create(
                citizen=c,
                agent=team_leader,
                channel=Channel.objects.first(),
                location=Location.objects.first(),
                status="ended",
            ).pk,
        }
        return c, owned

    return one("LS1 4AB"), one("M1 1AE")


def assert_owns(citizen, owned):
    from contacts.models import Contact

    assert Address.objects.get(pk=owned["address"]).citizen_id == citizen.pk
    assert EmailAddress.objects.get(pk=owned["email"]).citizen_id == citizen.pk
    assert PhoneNumber.objects.get(pk=owned["phone"]).citizen_id == citizen.pk
    assert Note.objects.get(pk=owned["note"]).citizen_id == citizen.pk
    assert ServiceAccount.objects.get(pk=owned["account"]).citizen_id == citizen.pk
    assert Contact.objects.get(pk=owned["contact"]).citizen_id == citizen.pk


def test_merge_then_unmerge_gives_back_both_records(two_people, team_leader):
    (kept, kept_owns), (absorbed, absorbed_owns) = two_people
    record = citizens_merge(actor=team_leader, survivor=kept, merged=absorbed, reason="Same")
    assert_owns(kept, absorbed_owns)  # everything moved
    assert not Address.objects.get(pk=absorbed_owns["address"]).is_current

    restored = citizens_unmerge(actor=team_leader, record=record, reason="Different people")

    assert restored.pk == absorbed.pk
    absorbed.refresh_from_db()
    assert absorbed.status == Citizen.Status.ACTIVE
    assert absorbed.merged_into_id is None
    assert_owns(kept, kept_owns)
    assert_owns(absorbed, absorbed_owns)
    # What the merge changed on the absorbed record's own rows is put back.
    assert Address.objects.get(pk=absorbed_owns["address"]).is_current
    assert Address.objects.get(pk=absorbed_owns["address"]).valid_to is None
    assert EmailAddress.objects.get(pk=absorbed_owns["email"]).is_primary
    assert PhoneNumber.objects.get(pk=absorbed_owns["phone"]).is_primary
    assert Address.objects.get(pk=kept_owns["address"]).is_current
    record.refresh_from_db()
    assert record.unmerged_by == team_leader
    assert record.unmerge_reason == "Different people"
    assert NotDuplicate.objects.filter(
        citizen_a_id=min(kept.pk, absorbed.pk), citizen_b_id=max(kept.pk, absorbed.pk)
    ).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.UNMERGE)
    assert event.citizen_id == absorbed.pk
    assert event.detail["returned"]["citizens.Note.citizen"] == 1


def test_rows_added_to_the_survivor_after_the_merge_stay_there(two_people, team_leader):
    (kept, _), (absorbed, _) = two_people
    record = citizens_merge(actor=team_leader, survivor=kept, merged=absorbed, reason="Same")
    later = NoteFactory(citizen=kept)
    citizens_unmerge(actor=team_leader, record=record, reason="Wrong")
    assert Note.objects.get(pk=later.pk).citizen_id == kept.pk


def test_records_merged_into_the_absorbed_one_point_at_it_again(team_leader):
    a, b, c = CitizenFactory(), CitizenFactory(), CitizenFactory()
    citizens_merge(actor=team_leader, survivor=b, merged=c, reason="Same")
    record = citizens_merge(actor=team_leader, survivor=a, merged=b, reason="Same")
    assert Citizen.objects.get(pk=c.pk).merged_into_id == a.pk
    citizens_unmerge(actor=team_leader, record=record, reason="Wrong")
    assert Citizen.objects.get(pk=c.pk).merged_into_id == b.pk


def test_unmerge_is_refused_twice_and_when_the_survivor_was_merged_since(team_leader):
    a, b, c = CitizenFactory(), CitizenFactory(), CitizenFactory()
    record = citizens_merge(actor=team_leader, survivor=a, merged=b, reason="Same")
    citizens_merge(actor=team_leader, survivor=c, merged=a, reason="Same")
    with pytest.raises(UnmergeRefused, match="undo that merge first"):
        citizens_unmerge(actor=team_leader, record=record, reason="Wrong")
    later = MergeRecord.objects.get(merged=a)
    citizens_unmerge(actor=team_leader, record=later, reason="Wrong")
    citizens_unmerge(actor=team_leader, record=record, reason="Wrong")
    with pytest.raises(UnmergeRefused, match="already been undone"):
        citizens_unmerge(actor=team_leader, record=record, reason="Again")


def test_unmerge_page(two_people, team_leader, team_leader_client):
    (kept, _), (absorbed, _) = two_people
    record = citizens_merge(actor=team_leader, survivor=kept, merged=absorbed, reason="Same")
    page = team_leader_client.get(f"/citizens/{kept.pk}/")
    assert f"/citizens/merges/{record.pk}/undo/".encode() in page.content
    response = team_leader_client.post(f"/citizens/merges/{record.pk}/undo/", {"reason": ""})
    assert b"Say why these records are not the same person" in response.content
    response = team_leader_client.post(
        f"/citizens/merges/{record.pk}/undo/", {"reason": "Father and son"}, follow=True
    )
    assert response.redirect_chain[-1][0] == absorbed.get_absolute_url()
    assert b"Merge undone" in response.content
    again = team_leader_client.get(f"/citizens/merges/{record.pk}/undo/")
    assert b"already been undone" in again.content


def test_unmerge_page_needs_merge_permission(two_people, team_leader, agent):
    from django.test import Client

    (kept, _), (absorbed, _) = two_people
    record = citizens_merge(actor=team_leader, survivor=kept, merged=absorbed, reason="Same")
    client = Client()
    client.force_login(agent)
    assert client.post(f"/citizens/merges/{record.pk}/undo/", {"reason": "x"}).status_code == 403
