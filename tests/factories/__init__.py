"""factory_boy factories, one module per app; import from here: `from tests.factories import …`."""

from tests.factories.accounts import StaffFactory  # noqa: F401
from tests.factories.citizens import (  # noqa: F401
    AddressFactory,
    CitizenFactory,
    EmailAddressFactory,
    NoteFactory,
    PhoneNumberFactory,
)
from tests.factories.contacts import (  # noqa: F401
    AvoidableReasonFactory,
    ContactFactory,
    PartnerOrganisationFactory,
)
from tests.factories.organisation import (  # noqa: F401
    ChannelFactory,
    ContactTypeFactory,
    LocationFactory,
    OutcomeFactory,
    ServiceAreaFactory,
    TeamFactory,
)
from tests.factories.requests_tracking import (  # noqa: F401, E402
    MessageTemplateFactory,
    ProcessFactory,
    StageActionFactory,
)
from tests.factories.timeline import EntryFactory  # noqa: F401
from tests.factories.verification import ServiceAccountFactory  # noqa: F401
