import pytest

from contacts.models import Contact
from core.literals import Literal

pytestmark = pytest.mark.django_db


def test_a_literal_is_written_into_the_sql_text():
    sql, params = Contact.objects.filter(status=Literal("open")).query.sql_with_params()
    assert "= 'open'" in sql
    assert "open" not in params


def test_a_literal_filters_as_the_value_would(reference_data):
    from tests.factories.contacts import ContactFactory

    open_contact = ContactFactory()
    ContactFactory(ended=True)
    assert list(Contact.objects.open()) == [open_contact]
    assert list(Contact.objects.filter(needs_review=Literal(False))) == list(
        Contact.objects.filter(needs_review=False)
    )


@pytest.mark.parametrize("value", ["it's", "a b", "x;--", 5, None])
def test_only_plain_words_and_flags_can_be_literals(value):
    with pytest.raises(ValueError, match="Not a value to write into SQL"):
        Literal(value)
