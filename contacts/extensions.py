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
- Contact page panels: `register_contact_panel(template, order=, context=)`, where
  `context(request, contact)` returns the template's context (next to `contact`); shown in the
  contact page's side column while the contact can still be ended or completed (e.g. faq's
  articles for the reason picked in the end form).
- End-form prefills: `register_end_prefill(func)`, where `func(*, contact)` returns initial
  values for the end-contact form (e.g. faq: outcome "information sent" when an article was
  sent during the contact). Later providers do not override values set by earlier ones.
- Contact actions: `register_contact_action(func)`, where `func(*, contact, staff)` returns
  (label, url) pairs offered on an open contact's page (e.g. requests_tracking's "Raise a
  request", also for anonymous contacts).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string

_PROMPT_PROVIDERS = []
_LINKED_ITEMS = []
_CONTACT_PANELS = {}
_END_PREFILLS = []
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


_LINKED_RELATED: dict = {}


def register_linked_related(model, *names):
    """The relations `model`'s `__str__` reads, joined when its rows are listed as a contact's
    linked items (otherwise one query per row: a request's name is its process's)."""
    _LINKED_RELATED[model] = names


def linked_related(model) -> tuple:
    return _LINKED_RELATED.get(model, ())


@dataclass(frozen=True)
class ContactPanel:
    template: str
    order: int
    context: Callable | None


def register_contact_panel(template, *, order=100, context=None):
    """Add a panel to the contact page (see the module docstring)."""
    _CONTACT_PANELS[template] = ContactPanel(template, order, context)


def contact_panels_render(request, contact) -> list[str]:
    html = []
    for panel in sorted(_CONTACT_PANELS.values(), key=lambda p: (p.order, p.template)):
        ctx = {"contact": contact}
        if panel.context is not None:
            ctx.update(panel.context(request, contact) or {})
        html.append(render_to_string(panel.template, ctx, request=request))
    return html


def register_end_prefill(func):
    """Add a source of initial values for the end-contact form; usable as a decorator."""
    if func not in _END_PREFILLS:
        _END_PREFILLS.append(func)
    return func


def end_prefills(*, contact) -> dict:
    initial = {}
    for func in _END_PREFILLS:
        for key, value in (func(contact=contact) or {}).items():
            initial.setdefault(key, value)
    return initial


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


_CONTACT_ACTIONS = []


def register_contact_action(func):
    if func not in _CONTACT_ACTIONS:
        _CONTACT_ACTIONS.append(func)
    return func


def contact_action_providers():
    return list(_CONTACT_ACTIONS)
