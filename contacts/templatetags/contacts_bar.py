from django import template

from contacts.active import active_contact_for_request

register = template.Library()


@register.simple_tag(takes_context=True)
def contact_bar(context):
    """`{% contact_bar as bar %}`: the open contact (bar.contact) and bar.review_count."""
    request = context.get("request")
    return active_contact_for_request(request) if request is not None else None
