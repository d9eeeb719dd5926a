"""What each source app contributes to the timeline, declared by its receivers module.

A receivers module (timeline/receivers/<source>.py) calls `register(...)` once with:
- `connect`: connects its handlers to the source app's domain signals;
- `history`: regenerates that source's entries from its records, for `rebuild_timeline`;
- `links`: how to link an entry to what it is about, by source type ("contacts.contact").
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.urls import reverse


@dataclass(frozen=True)
class Source:
    name: str
    connect: Callable[[], None]
    # history(citizen_ids) -> EntryData for those citizens (None means every citizen)
    history: Callable[[list[int] | None], Iterable] | None = None
    # source_type -> function(entry) returning a URL
    links: dict[str, Callable] = field(default_factory=dict)


SOURCES: dict[str, Source] = {}


def register(source: Source) -> Source:
    SOURCES[source.name] = source
    return source


def link_to(url_name: str, *, kwarg: str = "pk", attr: str = "source_id", anchor: str = ""):
    """A link builder reversing `url_name` with the entry's source id (or `attr`)."""

    def build(entry) -> str:
        return reverse(url_name, kwargs={kwarg: getattr(entry, attr)}) + anchor

    return build


def entry_link(entry) -> str:
    """The URL of what an entry is about, or "" when no source links its kind."""
    for source in SOURCES.values():
        build = source.links.get(entry.source_type)
        if build is not None:
            return build(entry)
    return ""
