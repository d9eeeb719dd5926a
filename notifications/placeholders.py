"""The placeholders message templates may use, registered by the apps that fill them.

Administrators write templates with `{{ name }}` placeholders; a name nobody fills would send
an empty gap ("We expect to finish by ."), so the admin refuses templates naming anything not
registered here, and each registered placeholder says what is sent when its value is empty.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Placeholder:
    name: str
    description: str
    fallback: str = ""  # sent when the value is empty; "" only for optional paragraphs


_registry: dict[str, Placeholder] = {}


def register(name: str, description: str, *, fallback: str = "") -> None:
    _registry[name] = Placeholder(name, description, fallback)


def known() -> dict[str, Placeholder]:
    return dict(_registry)


def with_fallbacks(context: dict) -> dict:
    """`context` with each empty registered value replaced by its fallback."""
    filled = dict(context)
    for name, placeholder in _registry.items():
        if not filled.get(name) and placeholder.fallback:
            filled[name] = placeholder.fallback
    return filled


def help_text() -> str:
    return "Placeholders: " + ", ".join(
        "{{ " + p.name + " }} (" + p.description + ")" for p in _registry.values()
    )
