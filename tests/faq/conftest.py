import pytest

from tests.factories import CitizenFactory, ServiceAccountFactory

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
