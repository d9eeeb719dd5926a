"""Panels other apps add to the citizen record page (contacts, timeline, requests…).

From your AppConfig.ready():

    from citizens.panels import register_panel
    register_panel("contacts/_citizen_panel.html", order=20, context=contact_panel_context)

`context(request, citizen) -> dict` runs your selector (a fixed number of queries, never one per
row) and its dict is merged into the template context next to `citizen`. Panels render in
`order` (lower first) in the record page's "panels" slot, after the citizen's own details;
`slot="aside"` puts a panel in the column beside the details instead (service accounts).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string


@dataclass(frozen=True)
class Panel:
    template: str
    order: int
    context: Callable | None
    slot: str = "main"


_panels: dict[str, Panel] = {}


SLOTS = ("main", "aside")


def register_panel(
    template: str, *, order: int = 100, context: Callable | None = None, slot: str = "main"
):
    if slot not in SLOTS:
        raise ValueError(f"Unknown panel slot {slot!r}: use one of {SLOTS}")
    _panels[template] = Panel(template, order, context, slot)


def panels_render(request, citizen, *, slot: str = "main") -> list[str]:
    """HTML of each panel registered for `slot`, in order."""
    html = []
    chosen = (p for p in _panels.values() if p.slot == slot)
    for panel in sorted(chosen, key=lambda p: (p.order, p.template)):
        ctx = {"citizen": citizen}
        if panel.context is not None:
            ctx.update(panel.context(request, citizen) or {})
        html.append(render_to_string(panel.template, ctx, request=request))
    return html
