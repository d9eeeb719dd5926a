import pytest

from faq.search import vocabulary_forget
from tests.factories import CitizenFactory, ServiceAccountFactory


@pytest.fixture(autouse=True)
def _fresh_vocabulary():
    """Each test starts from its own database: the in-memory vocabulary must not outlive it."""
    vocabulary_forget()
    yield
    vocabulary_forget()


COUNCIL_TAX_SNAPSHOT = {
    "band": "C",
    "balance": "1234.50",
    "next_instalment_amount": "123.45",
    "next_instalment_date": "2026-12-01",
    "payment_method": "direct_debit",
}
COUNCIL_TAX_ANSWERS = {
    "account_reference": "CT00000042",
    "property_postcode": "SW1A 1AA",
    "last_payment": "42.00",
}


@pytest.fixture
def council_tax_account(db):
    """A citizen's council tax account with schema snapshot data and known answers."""
    return ServiceAccountFactory(
        citizen=CitizenFactory(first_name="Pat", last_name="Payer"),
        reference="CT00000042",
        reference_compact="CT00000042",
        snapshot=dict(COUNCIL_TAX_SNAPSHOT),
        answers=COUNCIL_TAX_ANSWERS,
    )
