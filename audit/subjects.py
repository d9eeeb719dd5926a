"""Whose personal data an object is: the citizen it belongs to, found from the model's foreign
keys (declared by name, so audit imports no domain app)."""

CITIZEN = "citizens.citizen"


def _citizen_field(model):
    for field in model._meta.get_fields():
        related = field.related_model if field.many_to_one else None
        if related is not None and related._meta.label_lower == CITIZEN:
            return field.name
    return None


def citizen_of(obj):
    """The citizen `obj` is about: itself, its `citizen`, or its parent's (a request's note)."""
    if obj is None:
        return None
    if obj._meta.label_lower == CITIZEN:
        return obj
    name = _citizen_field(type(obj))
    if name is not None:
        return getattr(obj, name)
    for field in obj._meta.get_fields():
        if field.many_to_one and field.related_model is not None:
            inner = _citizen_field(field.related_model)
            if inner is not None:
                parent = getattr(obj, field.name)
                return getattr(parent, inner) if parent is not None else None
    return None
