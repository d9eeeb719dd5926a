"""Shared model fields are declared once (core.models) and behave the same everywhere."""

import pytest

from citizens.models import Citizen
from contacts.models import Contact
from core.models import CreatedByModel, TimestampedModel, UpdatedByModel
from faq.models import Article
from forms_engine.models import Form
from notifications.models import Message
from requests_tracking.models import Request


@pytest.mark.parametrize(
    ("model", "bases"),
    [
        (Citizen, {TimestampedModel, CreatedByModel}),
        (Request, {TimestampedModel, CreatedByModel}),
        (Contact, {TimestampedModel}),
        (Form, {TimestampedModel}),
        (Article, {TimestampedModel, UpdatedByModel}),
        (Message, {CreatedByModel}),
    ],
)
def test_models_take_their_stamps_from_the_shared_bases(model, bases):
    assert all(issubclass(model, base) for base in bases)
    if TimestampedModel in bases:
        assert model._meta.get_field("created_at").auto_now_add
        assert model._meta.get_field("updated_at").auto_now
    for name in ("created_by", "updated_by"):
        if any(name in {f.name for f in b._meta.fields} for b in bases):
            field = model._meta.get_field(name)
            assert (field.null, field.remote_field.on_delete.__name__) == (True, "SET_NULL")
