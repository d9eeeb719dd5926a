"""Panels other apps add to the citizen record page (contacts, timeline, requests…).

From your AppConfig.ready():

    from citizens.panels import register_panel
    register_panel("contacts/_citizen_panel.html", order=20, context=contact_panel_context)

`context(request, citizen) -> dict` runs your selector (a fixed number of queries, never one per
row) and its dict is merged into the template context next to `citizen`. Panels render in
`order` (lower first) in the record page's "panels" slot, after the citizen's own details.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string


@dataclass(frozen=True)
class Panel:
    template: str
    order: int
    context: Callable | None


_panels: dict[str, Panel] = {}


def register_panel(template: str, *, order: int = 100, context: Callable | None = None):
    _panels[template] = Panel(template, order, context)


def panels_render(request, citizen) -> list[str]:
    """HTML of each registered panel, in order."""
    html = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.template)):
        ctx = {"citizen": citizen}
        if panel.context is not None:
            ctx.update(panel.context(request, citizen) or {})
        html.append(render_to_string(panel.template, ctx, request=request))
    return html
