"""Merge moves only what its allow-list names, and refuses what nobody has listed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from citizens import merge
from citizens.merge import MERGE_RELATIONS, MergeRefused, merge_plan, relations_to_citizen
from citizens.models import Citizen, MergeRecord, Note
from citizens.services import citizens_merge, citizens_unmerge, note_add
from tests.factories.citizens import CitizenFactory, NoteFactory
from timeline.models import Entry

pytestmark = pytest.mark.django_db


def test_every_relation_to_a_citizen_is_in_the_merge_list():
    found = {label for label, _model, _field in relations_to_citizen()}
    assert found - set(MERGE_RELATIONS) == set(), "add the new relation to MERGE_RELATIONS"
    assert set(MERGE_RELATIONS) - found == set(), "a listed relation no longer exists"


def test_every_handler_relation_has_its_apps_handler():
    rules = {label: rule for label, rule, _model, _field in merge_plan()}
    assert rules["timeline.Entry.citizen"] == merge.HANDLER
    assert rules["audit.AuditEvent.citizen"] == merge.KEEP
    assert rules["contacts.Contact.citizen"] == merge.MOVE


def test_merge_refuses_a_relation_nobody_listed(team_leader, monkeypatch):
    survivor, merged = CitizenFactory(), CitizenFactory()
    note = NoteFactory(citizen=merged)
    monkeypatch.delitem(MERGE_RELATIONS, "citizens.Note.citizen")
    with pytest.raises(MergeRefused, match="citizens.Note.citizen"):
        citizens_merge(actor=team_leader, survivor=survivor, merged=merged, reason="Same person")
    merged.refresh_from_db()
    assert merged.status == Citizen.Status.ACTIVE
    assert Note.objects.get(pk=note.pk).citizen_id == merged.pk
    assert not MergeRecord.objects.exists()


def test_merge_refuses_when_the_owning_app_registered_no_handler(team_leader, monkeypatch):
    survivor, merged = CitizenFactory(), CitizenFactory()
    monkeypatch.delitem(merge._HANDLERS, "timeline.Entry.citizen")
    with pytest.raises(MergeRefused, match="has not registered how to move them"):
        citizens_merge(actor=team_leader, survivor=survivor, merged=merged, reason="Same person")
    assert not MergeRecord.objects.exists()


def test_merge_page_says_in_plain_words_why_it_refused(team_leader, monkeypatch):
    from django.test import Client

    a, b = CitizenFactory(), CitizenFactory()
    monkeypatch.delitem(MERGE_RELATIONS, "contacts.Contact.citizen")
    client = Client()
    client.force_login(team_leader)
    response = client.post(
        reverse("citizens:merge", args=[a.pk, b.pk]),
        {"survivor": str(a.pk), "reason": "Same person"},
    )
    assert response.status_code == 200
    assert "nobody has said what a merge does with contacts.Contact.citizen" in response.text
    assert Citizen.objects.get(pk=b.pk).status == Citizen.Status.ACTIVE


def test_registering_a_handler_for_a_relation_not_listed_as_handled_fails():
    with pytest.raises(ValueError, match="not listed"):
        merge.register_merge_handler(
            "contacts.Contact.citizen", move=lambda **kw: [], move_back=lambda **kw: 0
        )


def test_timeline_entries_move_once_and_come_back_on_undo(team_leader):
    survivor, merged = CitizenFactory(), CitizenFactory()
    note_add(actor=team_leader, citizen=merged, text="Called about the bins")
    note_add(actor=team_leader, citizen=merged, text="Called again")
    own = list(Entry.objects.filter(citizen=merged).values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as queries:
        record = citizens_merge(
            actor=team_leader, survivor=survivor, merged=merged, reason="Same person"
        )
    moves = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('UPDATE "timeline_entry"') and '"citizen_id"' in q["sql"]
    ]
    assert len(moves) == 1, moves
    assert len(own) == 2
    assert sorted(record.undo["moved"]["timeline.Entry.citizen"]) == sorted(own)
    assert set(Entry.objects.filter(pk__in=own).values_list("citizen_id", flat=True)) == {
        survivor.pk
    }
    citizens_unmerge(actor=team_leader, record=record, reason="Two people")
    assert set(Entry.objects.filter(pk__in=own).values_list("citizen_id", flat=True)) == {
        merged.pk
    }
