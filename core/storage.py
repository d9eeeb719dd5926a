"""Static files' addresses worked out once per process (#19).

`{% static %}` asks the storage for a file's hashed address on every render (~0.012 ms of CPU:
splitting, unquoting and joining the name around a manifest look-up); every page's layout asks
eight times. The manifest is read when the storage is made and does not change while the process
runs, so each name's address is kept after its first use. Names the manifest does not know still
raise every time, as before.
"""

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class KeptURLManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._kept_urls = {}

    def url(self, name, force=False):
        if force or settings.DEBUG:  # DEBUG: unhashed names, as Django gives them
            return super().url(name, force)
        url = self._kept_urls.get(name)
        if url is None:
            url = self._kept_urls[name] = super().url(name)
        return url
