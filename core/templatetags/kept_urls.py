"""`{% url %}`, with the addresses it works out kept per process (#19).

Django's `{% url %}` calls `reverse()` every time it renders, ~0.02 ms of CPU each: a record page
renders 34 of them (23 distinct), the layout alone 11 on every page. This tag parses and renders
exactly as Django's does (it is Django's node) but keeps the last few thousand addresses it has
worked out, keyed on everything `reverse()` reads — the name, the arguments (whole numbers and
text only; anything else is worked out every time), the current app, the script prefix and the
URLconf — so a repeated one costs a dictionary look-up. Installed for every template as a
builtin (settings.TEMPLATES), so templates keep writing `{% url %}`. A name that does not
resolve is never kept: it raises (or gives "" with `as`) every time, as before.
"""

from functools import lru_cache

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaulttags
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

register = template.Library()

_KEYABLE = (int, str, SafeString)


@lru_cache(maxsize=4096)
def _reverse(view_name, args, kwargs, current_app, prefix, urlconf):
    return reverse(view_name, urlconf, args, dict(kwargs), current_app)


def kept_reverse(view_name, args, kwargs, current_app):
    """reverse(), kept when every argument is a whole number or text."""
    if (
        type(view_name) in _KEYABLE
        and (current_app is None or type(current_app) in _KEYABLE)
        and all(type(value) in _KEYABLE for value in (*args, *kwargs.values()))
    ):
        return _reverse(
            str(view_name),
            tuple(a if type(a) is int else str(a) for a in args),
            tuple((k, v if type(v) is int else str(v)) for k, v in kwargs.items()),
            current_app,
            get_script_prefix(),
            get_urlconf() or settings.ROOT_URLCONF,
        )
    return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)


@receiver(setting_changed)
def _forget_on_urlconf_change(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _reverse.cache_clear()


class KeptURLNode(defaulttags.URLNode):
    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = kept_reverse(view_name, args, kwargs, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        if context.autoescape:
            url = conditional_escape(url)
        return url


@register.tag
def url(parser, token):
    """Django's `{% url %}` (same arguments, same output), its addresses kept."""
    node = defaulttags.url(parser, token)
    node.__class__ = KeptURLNode
    return node
