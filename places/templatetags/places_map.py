"""`{% map_picker %}`: a Leaflet map to pick a point, shown only when a tile server is set.

Without `MAP_TILE_URL` nothing is drawn and the place is given by address and coordinates
fields; with it, clicking the map fills the latitude and longitude fields (and moving them, or
picking an address, moves the marker). The map is an aid, never the only way in.
"""

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("places/_map_picker.html")
def map_picker(prefix=""):
    centre = [part.strip() for part in settings.MAP_CENTRE.split(",")]
    return {
        "tile_url": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "centre_lat": centre[0] if len(centre) == 2 else "",
        "centre_lon": centre[1] if len(centre) == 2 else "",
        "prefix": prefix,
    }
