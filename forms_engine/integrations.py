"""What forms_engine adds to other apps' screens, registered from AppConfig.ready()."""

from forms_engine.selectors import citizen_forms


def citizen_panel_context(request, citizen) -> dict:
    user = request.user if request.user.has_perm("forms_engine.add_submission") else None
    if not request.user.has_perm("forms_engine.view_submission"):
        return {"citizen_forms": None}
    return {"citizen_forms": citizen_forms(citizen=citizen, user=user)}


def register_all() -> None:
    from citizens.panels import register_panel

    register_panel("forms_engine/_citizen_panel.html", order=35, context=citizen_panel_context)
