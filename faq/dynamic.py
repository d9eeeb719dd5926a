"""Dynamic content: blocks about the citizen's own service accounts, shown only under a pass.

For each of the citizen's active service accounts that has active blocks, the panel is either
**locked** (no valid verification pass for that account: it says which verification unlocks
it and links to it) or **shown** (the connector's data filled into the blocks). A pass counts
as the verification rules say: inside an open contact, only a pass made during that contact;
with no contact open, the member of staff's own pass until it expires. So the panel locks
again when the contact ends.

Every display is audited (which account and blocks, never the values); the HTML is sent with
`Cache-Control: no-store` by the view, and nothing of the data is logged.
"""

from dataclasses import dataclass, field

from django.urls import reverse

from audit.models import AuditEvent
from audit.services import audit_record
from faq.connectors import account_data_fetch
from faq.models import DynamicBlock
from faq.placeholders import placeholders_fill
from verification.selectors import verification_status
from verification.snapshot_schema import format_value, schema_for

KIND_VERIFY_WORDS = {
    "council_tax": "council tax",
    "benefits": "benefits",
    "licence": "licensing",
    "housing_rent": "housing rent",
}


@dataclass
class RenderedBlock:
    name: str
    html: str


@dataclass
class AccountPanel:
    account: object
    state: str  # "shown", "locked", "verification locked", "unavailable"
    verify_url: str = ""
    blocks: list = field(default_factory=list)
    rows: list = field(default_factory=list)  # (label, text) of every field, in schema order
    updated_at: object = None

    @property
    def service_words(self):
        return KIND_VERIFY_WORDS.get(self.account.kind, self.account.get_kind_display().lower())


def _values_for(account, data):
    values = dict(data.values)
    values["reference"] = account.reference
    if data.updated_at:
        values["updated"] = data.updated_at.date()
    return values


def dynamic_content_for(*, actor, citizen, contact=None, request=None) -> list[AccountPanel]:
    """The citizen's dynamic-content panels for this member of staff, audited when shown."""
    accounts = [a for a in citizen.service_accounts.filter(active=True) if schema_for(a.kind)]
    if not accounts:
        return []
    blocks_by_kind: dict[str, list] = {}
    for block in DynamicBlock.objects.filter(
        active=True, service_account_kind__in={a.kind for a in accounts}
    ):
        blocks_by_kind.setdefault(block.service_account_kind, []).append(block)
    status = verification_status(accounts=accounts, staff=actor, contact=contact)
    panels = []
    for account in accounts:
        blocks = blocks_by_kind.get(account.kind, [])
        state = status.get(account.pk, "not verified")
        panel = AccountPanel(
            account=account,
            state="locked",
            verify_url=reverse("verification:verify", args=[citizen.pk, account.pk]),
        )
        if state == "locked":
            panel.state = "verification locked"
        elif state == "verified":
            data = account_data_fetch(account)
            if data is None:
                panel.state = "unavailable"
            else:
                values = _values_for(account, data)
                panel.state = "shown"
                panel.updated_at = data.updated_at
                panel.blocks = [
                    RenderedBlock(b.name, placeholders_fill(b.text, values)) for b in blocks
                ]
                schema = schema_for(account.kind)
                panel.rows = [
                    (f.label, format_value(data.values[f.key]))
                    for f in schema.fields
                    if f.key in data.values
                ]
            audit_record(
                actor=actor,
                action=AuditEvent.Action.VIEW,
                obj=account,
                citizen=citizen,
                request=request,
                contact_id=contact.pk if contact is not None else None,
                detail={
                    "what": "dynamic content",
                    "shown": panel.state == "shown",
                    "blocks": [b.pk for b in blocks],
                },
            )
        panels.append(panel)
    return panels
