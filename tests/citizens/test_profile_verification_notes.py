import datetime
from datetime import timedelta

import pytest
from django.utils import timezone

from citizens.models import Citizen, CitizenChange
from citizens.selectors import citizen_contact_prompts
from citizens.services import VersionConflict, citizen_update
from tests.factories import ServiceAccountFactory
from tests.factories.citizens import (
    CitizenFactory,
    EmailAddressFactory,
    NoteFactory,
    PhoneNumberFactory,
)

pytestmark = pytest.mark.django_db


def test_second_of_two_concurrent_edits_is_refused(agent):
    c = CitizenFactory(last_name="Original")
    citizen_update(actor=agent, citizen=c, version=1, data={"last_name": "First"})
    with pytest.raises(VersionConflict) as exc:
        citizen_update(actor=agent, citizen=c, version=1, data={"last_name": "Second"})
    assert exc.value.current.last_name == "First"
    assert Citizen.objects.get(pk=c.pk).last_name == "First"


def test_concurrent_edit_page_shows_both_values(agent_client):
    c = CitizenFactory(first_name="Ann", last_name="Original")
    form = {
        "first_name": "Ann",
        "last_name": "Mine",
        "version": 1,
        "no_contact_details_reason": "",
    }
    citizen_update(actor=None, citizen=c, version=1, data={"last_name": "Theirs"})
    response = agent_client.post(f"/citizens/{c.pk}/edit/", form)
    assert response.status_code == 200
    assert b"Someone else changed this record" in response.content
    assert b"Theirs" in response.content
    assert b"Mine" in response.content
    assert Citizen.objects.get(pk=c.pk).last_name == "Theirs"


def test_changes_are_recorded_field_by_field_and_dob_is_sensitive(agent):
    c = CitizenFactory(last_name="Old", date_of_birth=datetime.date(1980, 1, 1))
    changes = citizen_update(
        actor=agent,
        citizen=c,
        version=1,
        data={
            "last_name": "New",
            "date_of_birth": datetime.date(1981, 1, 1),
            "postcode": "M1 1AE",
            "address_line_1": "1 New Road",
        },
    )
    by_field = {ch["field"]: ch for ch in changes}
    assert by_field["last_name"]["old"] == "Old"
    assert by_field["last_name"]["new"] == "New"
    assert by_field["date_of_birth"]["sensitive"] is True
    stored = CitizenChange.objects.get(citizen=c, field="date_of_birth")
    assert stored.old == ""
    assert stored.new == ""
    assert stored.changed_by == agent
    c.refresh_from_db()
    assert c.version == 2
    assert c.addresses.get(is_current=True).postcode == "M1 1AE"


def test_prompts_ask_for_missing_or_stale_email_and_mobile():
    c = CitizenFactory()
    assert citizen_contact_prompts(citizen=c) == [
        "No email address: ask for one.",
        "No mobile number: ask for one.",
    ]
    EmailAddressFactory(citizen=c, confirmed_at=timezone.now() - timedelta(days=400))
    PhoneNumberFactory(citizen=c, confirmed_at=timezone.now())
    prompts = citizen_contact_prompts(citizen=c)
    assert len(prompts) == 1
    assert prompts[0].startswith("Confirm the email address")


def test_sensitive_notes_only_for_permitted_roles(agent, team_leader):
    from django.test import Client

    agent_client, team_leader_client = Client(), Client()
    agent_client.force_login(agent)
    team_leader_client.force_login(team_leader)
    c = CitizenFactory()
    NoteFactory(citizen=c, text="Ordinary note")
    NoteFactory(citizen=c, text="Secret matter", sensitive=True)
    agent_page = agent_client.get(f"/citizens/{c.pk}/?tab=notes").content
    leader_page = team_leader_client.get(f"/citizens/{c.pk}/?tab=notes").content
    assert b"Ordinary note" in agent_page
    assert b"Secret matter" not in agent_page
    assert b"1 sensitive note not shown" in agent_page
    assert b"Secret matter" in leader_page
    assert b"sensitive note not shown" not in leader_page


@pytest.mark.parametrize(
    ("ordinary", "sensitive", "shown", "hidden"),
    [
        (0, 0, "No notes yet.", ""),
        (2, 0, "Ordinary 1", ""),
        (1, 2, "Ordinary 0", "2 sensitive notes"),
        (0, 3, "", "3 sensitive notes"),
    ],
)
def test_notes_tab_counts_the_sensitive_notes_it_leaves_out(
    agent_client, ordinary, sensitive, shown, hidden
):
    c = CitizenFactory()
    for i in range(ordinary):
        NoteFactory(citizen=c, text=f"Ordinary {i}")
    for i in range(sensitive):
        NoteFactory(citizen=c, text=f"Secret {i}", sensitive=True)
    page = agent_client.get(
        f"/citizens/{c.pk}/?tab=notes", headers={"HX-Request": "true", "HX-Target": "record-tabs"}
    ).content.decode()
    assert shown in page
    assert "Secret" not in page
    if hidden:
        assert f"{hidden} not shown" in page
    else:
        assert "not shown" not in page


def test_note_correction_keeps_the_original(agent_client):
    c = CitizenFactory()
    original = NoteFactory(citizen=c, text="Wrong text")
    response = agent_client.post(
        f"/citizens/{c.pk}/notes/{original.pk}/correct/", {"text": "Right text"}
    )
    assert response.status_code == 302
    original.refresh_from_db()
    assert original.text == "Wrong text"
    assert original.corrections.get().text == "Right text"


def test_empty_note_is_refused_in_plain_words(agent_client):
    c = CitizenFactory()
    response = agent_client.post(f"/citizens/{c.pk}/notes/new/", {"text": ""})
    assert b"Enter the note" in response.content


def test_record_page_queries_do_not_grow_with_data(agent_client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add_rows(c):
        NoteFactory(citizen=c)
        ServiceAccountFactory(citizen=c)
        EmailAddressFactory(citizen=c, is_primary=False)
        PhoneNumberFactory(citizen=c, is_primary=False)

    c = CitizenFactory()
    add_rows(c)
    with CaptureQueriesContext(connection) as small:
        assert agent_client.get(f"/citizens/{c.pk}/").status_code == 200
    for _ in range(6):
        add_rows(c)
    # Panels registered by other apps add their own fixed queries; none grows with the data.
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert agent_client.get(f"/citizens/{c.pk}/").status_code == 200
