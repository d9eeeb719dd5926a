"""Extension points other apps fill in from AppConfig.ready(), so contacts never imports them.

- Prompt providers: `register_prompt_provider(func)`, where `func(*, citizen, staff)` returns a
  list of `Prompt`s (or plain strings) the agent should act on when a contact starts; e.g.
  requests_tracking adds "open requests with SLA at risk". citizens' own
  `citizens.selectors.citizen_contact_prompts` (missing or stale email/mobile, assistance
  flags) is used automatically when it exists.
- Linked items: `register_linked_items(label, func)`, where `func(*, contact)` returns the
  objects raised or started during that contact (each with `__str__` and, ideally,
  `get_absolute_url`). Reverse foreign keys to Contact from other apps (requests'
  `originating_contact`, related_name "requests"; forms) are found without registering;
  register only to show something that has no foreign key.
- Verified services: `register_verified_services(func, model=...)`, where `func(*, contact)`
  returns the names of the services the caller passed verification for during that contact
  (shown in the active-contact bar and on the contact page). `model`, the rows behind it, is
  then not listed again among the linked items.
"""

from dataclasses import dataclass

_PROMPT_PROVIDERS = []
_LINKED_ITEMS = []
_VERIFIED_SERVICES = []
_NOT_LINKED_MODELS = set()


@dataclass(frozen=True)
class Prompt:
    text: str
    level: str = "info"  # "info" or "warning" (shown more prominently)
    url: str = ""


def register_prompt_provider(func):
    """Add a source of prompts shown when a contact starts; usable as a decorator."""
    if func not in _PROMPT_PROVIDERS:
        _PROMPT_PROVIDERS.append(func)
    return func


def prompt_providers():
    return list(_PROMPT_PROVIDERS)


def register_linked_items(label, func):
    """Add a group of items linked to a contact, shown on the contact's page."""
    if (label, func) not in _LINKED_ITEMS:
        _LINKED_ITEMS.append((label, func))
    return func


def linked_item_providers():
    return list(_LINKED_ITEMS)


def register_verified_services(func, *, model=None):
    """Add a source of "verified for" service names for a contact."""
    if func not in _VERIFIED_SERVICES:
        _VERIFIED_SERVICES.append(func)
    if model is not None:
        _NOT_LINKED_MODELS.add(model)
    return func


def verified_services_providers():
    return list(_VERIFIED_SERVICES)


def not_linked_models() -> set:
    """Models with a foreign key to Contact that are shown some other way (verifications)."""
    return set(_NOT_LINKED_MODELS)
