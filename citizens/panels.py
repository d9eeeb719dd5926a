"""Panels other apps add to the citizen record page (contacts, timeline, requests…).

From your AppConfig.ready():

    from citizens.panels import register_panel
    register_panel("contacts/_citizen_panel.html", order=20, context=contact_panel_context)

`context(request, citizen) -> dict` runs your selector (a fixed number of queries, never one per
row) and its dict is merged into the template context next to `citizen`. Panels render in
`order` (lower first) in the record page's "panels" slot, after the citizen's own details;
`slot="aside"` puts a panel in the column beside the details instead (service accounts).
`tab="timeline", label="Timeline"` puts a main panel behind its own tab of the record page's
sub-navigation (a real URL, `?tab=timeline`, loaded with htmx); panels without a tab show on
the "Overview" tab.
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
    tab: str = ""
    label: str = ""


_panels: dict[str, Panel] = {}


# "summary" and "actions": the compact top of the record for a call in progress (verification
# state, open requests; verify, raise a request, start/end contact) — small templates that reuse
# the context function of the app's bigger panel, so they cost no query of their own.
SLOTS = ("main", "aside", "summary", "actions")


def register_panel(
    template: str,
    *,
    order: int = 100,
    context: Callable | None = None,
    slot: str = "main",
    tab: str = "",
    label: str = "",
):
    if slot not in SLOTS:
        raise ValueError(f"Unknown panel slot {slot!r}: use one of {SLOTS}")
    if tab and not label:
        raise ValueError("A panel with its own tab needs a label")
    _panels[template] = Panel(template, order, context, slot, tab, label)


def panel_tabs() -> list[tuple[str, str]]:
    """(tab, label) of the panels that have their own tab, in order."""
    tabbed = sorted((p for p in _panels.values() if p.tab), key=lambda p: (p.order, p.template))
    return [(p.tab, p.label) for p in tabbed]


def panels_render(request, citizen, *, slot: str = "main", tab: str = "") -> list[str]:
    """HTML of each panel registered for `slot` (and, in the main slot, for `tab`), in order.
    Only the panels shown run their queries."""
    html = []
    chosen = (p for p in _panels.values() if p.slot == slot and (slot != "main" or p.tab == tab))
    for panel in sorted(chosen, key=lambda p: (p.order, p.template)):
        ctx = {"citizen": citizen}
        if panel.context is not None:
            ctx.update(panel_context(panel.context, request, citizen))
        html.append(render_to_string(panel.template, ctx, request=request))
    return html


def panel_context(func, request, citizen) -> dict:
    """One run of a panel's context function per request and citizen, shared by the panels
    (summary, actions and the full panel) that use it — and by a context function that builds
    on another (contacts' panel on its actions)."""
    memo = request.__dict__.setdefault("_citizen_panel_contexts", {})
    key = (func, citizen.pk)
    if key not in memo:
        memo[key] = func(request, citizen) or {}
    return memo[key]
