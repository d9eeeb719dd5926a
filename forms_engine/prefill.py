"""Answers a staff member starts with when filling in a form for a citizen on record."""

from citizens.normalise import phone_is_mobile


def _citizen_values(citizen) -> dict:
    email = citizen.emails.order_by("-is_primary", "pk").first()
    phones = list(citizen.phones.order_by("-is_primary", "pk"))
    mobile = next((p for p in phones if phone_is_mobile(p.number)), phones[0] if phones else None)
    address = citizen.addresses.filter(is_current=True).first()
    return {
        "citizen.name": {
            "title": citizen.title,
            "first": citizen.first_name,
            "last": citizen.last_name,
        },
        "citizen.first_name": citizen.first_name,
        "citizen.last_name": citizen.last_name,
        "citizen.date_of_birth": citizen.date_of_birth.isoformat()
        if citizen.date_of_birth
        else None,
        "citizen.email": email.email if email else None,
        "citizen.phone": mobile.number if mobile else None,
        "citizen.address": {
            "line_1": address.line_1,
            "line_2": address.line_2,
            "town": address.town,
            "postcode": address.postcode,
            "uprn": address.uprn,
        }
        if address
        else None,
        "citizen.postcode": address.postcode if address else None,
        "citizen.reference": citizen.reference,
    }


def prefill_answers(definition, *, citizen=None) -> dict:
    """Defaults of hidden fields, and the record's details where fields ask for them."""
    answers = {}
    wanted = [f for f in definition.fields.values() if not f.parent_key]
    values = (
        _citizen_values(citizen) if citizen is not None and any(f.prefill for f in wanted) else {}
    )
    for fd in wanted:
        if fd.kind == "hidden" and fd.default:
            answers[fd.key] = fd.default
        if fd.prefill and values.get(fd.prefill) not in (None, "", {}):
            value = values[fd.prefill]
            if fd.kind == "name" and isinstance(value, str):
                continue
            if fd.kind in ("text", "textarea") and isinstance(value, dict):
                value = ", ".join(v for v in value.values() if v)
            answers[fd.key] = value
    return answers
